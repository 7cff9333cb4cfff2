import { parentPort } from 'node:worker_threads';
import { LibrarySimilarity } from './library.js';
import type { WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol.js';

/**
 * The similarity worker thread: holds the library's LibrarySimilarity and answers queries off the
 * main thread. Started by SimilarityWorker (search-worker.ts).
 */
if (!parentPort) throw new Error('similarity worker: must run in a worker thread');
const port = parentPort;

let library: LibrarySimilarity | null = null;

function loaded(): LibrarySimilarity {
  if (!library) throw new Error('no library loaded');
  return library;
}

function handle(request: WorkerRequest): WorkerResult {
  switch (request.type) {
    case 'load':
      library = new LibrarySimilarity(request.tracks);
      return { tracks: library.index.size, dim: library.index.dim, simd: library.index.usesSimd };
    case 'similar':
      return loaded()
        .similar(request.seed, request.k)
        .map(({ track, score, reasons }) => ({ trackId: track.id, score, reasons }));
    case 'playlist': {
      const { tracks, playlist } = loaded().playlist(request.request, request.options);
      return {
        trackIds: tracks.map((track) => track.id),
        scores: playlist.scores,
        totalDurationSec: playlist.totalDurationSec,
        transitionCost: playlist.transitionCost,
      };
    }
    case 'generate':
      return loaded().generate(request.request, request.options);
  }
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: request.id, ok: true, result: handle(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
