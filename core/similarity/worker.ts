import { parentPort } from 'node:worker_threads';
import { CosineIndex } from './index.js';
import { buildPlaylist, type PlaylistTrack } from './playlist.js';
import type { WorkerReply, WorkerRequest, WorkerResult } from './worker-protocol.js';

/**
 * The similarity worker thread: holds the index and the tracks' playlist facts, answers queries
 * off the main thread. Started by SimilarityWorker (search-worker.ts).
 */
if (!parentPort) throw new Error('similarity worker: must run in a worker thread');
const port = parentPort;

let index: CosineIndex | null = null;
let tracks: PlaylistTrack[] = [];

function loadedIndex(): CosineIndex {
  if (!index) throw new Error('no index loaded');
  return index;
}

function handle(request: WorkerRequest): WorkerResult {
  switch (request.type) {
    case 'load':
      index = CosineIndex.fromVectors(request.vectors, request.dim);
      tracks = request.tracks;
      return { size: index.size, dim: index.dim, simd: index.usesSimd };
    case 'search':
      return loadedIndex().search(request.query, { k: request.k, exclude: request.exclude });
    case 'similar':
      return loadedIndex().searchFromRow(request.row, { k: request.k, exclude: request.exclude });
    case 'playlist':
      return buildPlaylist(loadedIndex(), tracks, request.request, request.options);
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
