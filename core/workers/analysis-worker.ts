/**
 * Entry point of an analysis worker thread: answers each AnalyseRequest with one AnalyseReply.
 *
 * Requests queue up here (the pool sends up to WORKER_QUEUE_DEPTH). Their excerpts are decoded in
 * batches of DECODE_BATCH_SIZE, one ffmpeg process each, and the next batch decodes while this thread
 * analyses the current one. Tracks are analysed in the order they came; a file that fails its checks is
 * answered at once.
 */
import { parentPort } from 'node:worker_threads';
import { decodeAudioBatch } from '../audio/decode.js';
import { analyseDecodedTrack, prepareTrack, type PreparedTrack } from './analyse-track.js';
import { DECODE_BATCH_SIZE, type AnalyseRequest, type WorkerReply, type WorkerRequest } from './protocol.js';

if (!parentPort) throw new Error('analysis-worker must run in a worker thread');
const port = parentPort;

interface DecodedTrack {
  track: PreparedTrack;
  decoded: PromiseSettledResult<Float32Array>;
}

const waiting: AnalyseRequest[] = [];
const decoded: DecodedTrack[] = [];
let decoding = false;
let analysing = false;
let stepScheduled = false;

port.on('message', (request: WorkerRequest) => {
  waiting.push(request);
  scheduleStep();
});

/** After the current turn, so that requests sent together arrive before a batch is formed. */
function scheduleStep(): void {
  if (stepScheduled) return;
  stepScheduled = true;
  setImmediate(step);
}

function step(): void {
  stepScheduled = false;
  // Decode a full batch while there is analysis to overlap it with; with nothing left to analyse, whatever waits.
  if (!decoding && waiting.length > 0 && (waiting.length >= DECODE_BATCH_SIZE || decoded.length === 0)) {
    decoding = true;
    const batch = waiting.splice(0, DECODE_BATCH_SIZE);
    void decodeBatch(batch)
      .catch((error: unknown) => {
        // Not expected (decodeAudioBatch answers every file), but no request may go unanswered.
        const reason = `could not decode the audio: ${error instanceof Error ? error.message : String(error)}`;
        for (const { seq, trackId } of batch) send({ type: 'failed', seq, trackId, error: reason, retryable: true, tags: null });
      })
      .finally(() => {
        decoding = false;
        scheduleStep();
      });
  }
  const next = analysing ? undefined : decoded.shift();
  if (!next) return;
  analysing = true;
  void analyseDecodedTrack(next.track, next.decoded).then((reply) => {
    send(reply);
    analysing = false;
    scheduleStep();
  });
}

async function decodeBatch(requests: AnalyseRequest[]): Promise<void> {
  const tracks: PreparedTrack[] = [];
  for (const prepared of await Promise.all(requests.map(prepareTrack))) {
    if ('plan' in prepared) tracks.push(prepared);
    else send(prepared);
  }
  const results = await decodeAudioBatch(tracks.map((track) => ({ file: track.request.path, windows: track.plan.decodeWindows })));
  for (const [i, track] of tracks.entries()) decoded.push({ track, decoded: results[i] });
}

function send(reply: WorkerReply): void {
  const transfer = reply.type === 'analysed' ? [reply.features.fma518.buffer, reply.features.melPreview.data.buffer] : [];
  port.postMessage(reply, transfer as ArrayBuffer[]);
}
