import { Worker } from 'node:worker_threads';
import type { RecipeProgress, RetrainInput, RetrainOutput } from './recipe.js';

export type TrainThreadMessage =
  | { type: 'progress'; progress: RecipeProgress }
  | { type: 'done'; output: RetrainOutput }
  | { type: 'failed'; error: string };

/** Runs the retrain recipe in a worker thread of its own; the thread ends with the retrain. */
export function runRetrainInThread(
  input: RetrainInput,
  onProgress: (progress: RecipeProgress) => void,
  workerUrl: URL = new URL('./train-worker.js', import.meta.url),
): Promise<RetrainOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl);
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
      void worker.terminate();
    };
    worker.on('message', (message: TrainThreadMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.output));
      else settle(() => reject(new Error(message.error)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the training thread exited (code ${code}) before finishing`))));
    worker.postMessage(input);
  });
}
