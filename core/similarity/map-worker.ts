import { parentPort, workerData } from 'node:worker_threads';
import { similarityVectors, type SimilarityTrack } from './library.js';
import { layoutLibrary, type MapLayoutOptions } from './map-layout.js';

/**
 * One library-map layout in a worker thread (started by computeMapLayout in library-map.ts):
 * posts { type: 'progress', fraction } now and then, then { type: 'done', layout } (n × 2,
 * transferred) or { type: 'failed', error }.
 */
export type MapWorkerMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; layout: Float32Array }
  | { type: 'failed'; error: string };

export interface MapWorkerInput {
  tracks: SimilarityTrack[];
  options: Omit<MapLayoutOptions, 'onProgress'>;
}

if (!parentPort) throw new Error('map worker: must run in a worker thread');
const port = parentPort;
const { tracks, options } = workerData as MapWorkerInput;
try {
  // The unsupervised space: the stored layout is keyed by the features, not by the genre labels.
  const { vectors, dim } = similarityVectors(tracks, { learnGenres: false });
  const layout = layoutLibrary(vectors, dim, {
    ...options,
    onProgress: (fraction) => port.postMessage({ type: 'progress', fraction } satisfies MapWorkerMessage),
  });
  port.postMessage({ type: 'done', layout } satisfies MapWorkerMessage, [layout.buffer as ArrayBuffer]);
} catch (error) {
  port.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error) } satisfies MapWorkerMessage);
}
