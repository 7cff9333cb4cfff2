/** Entry point of an analysis worker thread: answers each AnalyseRequest with one AnalyseReply. */
import { parentPort } from 'node:worker_threads';
import { analyseTrack } from './analyse-track.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

if (!parentPort) throw new Error('analysis-worker must run in a worker thread');
const port = parentPort;

port.on('message', (request: WorkerRequest) => {
  void analyseTrack(request).then((reply: WorkerReply) => {
    const transfer = reply.type === 'analysed' ? [reply.features.fma518.buffer, reply.features.melPreview.data.buffer] : [];
    port.postMessage(reply, transfer as ArrayBuffer[]);
  });
});
