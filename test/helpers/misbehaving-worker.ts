/** A stand-in analysis worker for pool tests: the request's path says how to misbehave. */
import { parentPort } from 'node:worker_threads';
import type { AnalyseReply, WorkerRequest } from '../../core/workers/protocol.js';

parentPort!.on('message', (request: WorkerRequest) => {
  // Releases (and stops) go unanswered, as by a worker stuck in a track.
  if (request.type !== 'analyse') return;
  if (request.path === 'throw') throw new Error('boom');
  if (request.path === 'exit') process.exit(3);
  if (request.path === 'hang') return;
  const reply: AnalyseReply = { type: 'failed', seq: request.seq, trackId: request.trackId, error: `echo ${request.path}`, retryable: false, tags: null };
  // A stray reply first: the pool must ignore a sequence number it never sent (its others may be queued here).
  parentPort!.postMessage({ ...reply, seq: -request.seq, error: 'stale' });
  parentPort!.postMessage(reply);
});
