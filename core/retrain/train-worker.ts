/**
 * Worker-thread entry of "retrain from my fixes": runs the recipe on the data it is sent and posts its
 * progress and result back (see train-thread.ts), so training never blocks the app's main thread.
 */
import { parentPort } from 'node:worker_threads';
import { runRetrain, type RetrainInput } from './recipe.js';
import type { TrainThreadMessage } from './train-thread.js';

if (!parentPort) throw new Error('train-worker.js runs as a worker thread');
const port = parentPort;

port.once('message', (input: RetrainInput) => {
  let reply: TrainThreadMessage;
  try {
    const output = runRetrain(input, (progress) => port.postMessage({ type: 'progress', progress } satisfies TrainThreadMessage));
    reply = { type: 'done', output };
  } catch (error) {
    reply = { type: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
