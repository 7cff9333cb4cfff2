/**
 * Entry point of an analysis worker thread: answers each AnalyseRequest with one AnalyseReply.
 *
 * Requests queue up here (the pool sends up to WORKER_QUEUE_DEPTH). Their excerpts are decoded in
 * batches of DECODE_BATCH_SIZE, one ffmpeg process each, and the next batch decodes while this thread
 * analyses the current one. Tracks are analysed in the order they came; a file that fails its checks is
 * answered at once. A ReleaseRequest gives back every track not yet being analysed (stopping the ffmpeg
 * of a batch being decoded), so that a pause waits for one track per worker rather than its whole queue.
 *
 * The pool is told what this thread is on (WorkerActivity) as that changes, so that if it stops answering
 * the pool can blame the right track and replace this worker; before terminating it, the pool sends a
 * StopRequest, so that this thread kills its ffmpeg through its own ChildProcess handle, which reaps it.
 * A request marked decodeAlone is decoded in a batch of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeAudioBatch, type DecodeErrors } from '../audio/decode.js';
import { analyseDecodedTrack, prepareTrack, type PreparedTrack } from './analyse-track.js';
import { DECODE_BATCH_SIZE, type AnalyseRequest, type WorkerActivity, type WorkerReply, type WorkerRequest, type WorkerStopped } from './protocol.js';

if (!parentPort) throw new Error('analysis-worker must run in a worker thread');
const port = parentPort;
/** The album-art cache (core/library/art.ts); null when the pool makes no thumbnails. */
const artDir: string | null = (workerData as { artDir?: string } | null)?.artDir ?? null;

interface DecodedTrack {
  track: PreparedTrack;
  decoded: PromiseSettledResult<Float32Array>;
  /** Errors ffmpeg met decoding it (null: none). */
  decodeErrors: DecodeErrors | null;
}

const waiting: AnalyseRequest[] = [];
const decoded: DecodedTrack[] = [];
/** The batch being decoded: settles once its ffmpeg, if it started one, has ended. */
let decoding: Promise<void> | null = null;
/** Aborts the batch being decoded: its ffmpeg is killed and reaped. */
let stopDecoding: AbortController | null = null;
let analysing = false;
let stepScheduled = false;
/** Set by a StopRequest: the pool is replacing this worker, which starts nothing more. */
let stopping = false;
/** Counts ReleaseRequests: a batch whose decoding saw one is given back, its ffmpeg stopped. */
let releases = 0;
const activity: WorkerActivity = { type: 'activity', decoding: [], ffmpegPid: null, analysing: null };

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'release') {
    release();
    return;
  }
  if (request.type === 'stop') {
    stop();
    return;
  }
  waiting.push(request);
  scheduleStep();
});

/**
 * Answers 'released' for every request not yet being analysed: those waiting for a decode and those
 * decoded (their audio is dropped). The batch being decoded follows as soon as its ffmpeg has been
 * killed and reaped: a slow file (a network mount, a long seek) must not hold up a pause.
 */
function release(): void {
  releases++;
  stopDecoding?.abort();
  const unstarted = [...waiting.splice(0), ...decoded.splice(0).map(({ track }) => track.request)];
  for (const { seq, trackId } of unstarted) send({ type: 'released', seq, trackId });
}

/** Stops the running decode and starts nothing more; tells the pool once no ffmpeg of this thread runs. */
function stop(): void {
  stopping = true;
  stopDecoding?.abort();
  const stopped: WorkerStopped = { type: 'stopped' };
  void (decoding ?? Promise.resolve()).then(() => port.postMessage(stopped));
}

/** After the current turn, so that requests sent together arrive before a batch is formed. */
function scheduleStep(): void {
  if (stepScheduled) return;
  stepScheduled = true;
  setImmediate(step);
}

function step(): void {
  stepScheduled = false;
  if (stopping) return;
  const batch = decoding ? null : takeBatch();
  if (batch) {
    decoding = decodeBatch(batch)
      .catch((error: unknown) => {
        // Not expected (decodeAudioBatch answers every file), but no request may go unanswered.
        const reason = `could not decode the audio: ${error instanceof Error ? error.message : String(error)}`;
        for (const { seq, trackId } of batch) send({ type: 'failed', seq, trackId, error: reason, retryable: true, tags: null });
      })
      .finally(() => {
        decoding = null;
        stopDecoding = null;
        report({ decoding: [], ffmpegPid: null });
        scheduleStep();
      });
  }
  const next = analysing ? undefined : decoded.shift();
  if (!next) return;
  analysing = true;
  report({ analysing: next.track.request.seq });
  void analyseDecodedTrack(next.track, next.decoded, next.decodeErrors).then((reply) => {
    send(reply);
    analysing = false;
    report({ analysing: null });
    scheduleStep();
  });
}

/**
 * The requests to decode next, in order: one marked decodeAlone on its own, else up to a batch of the
 * others. Null while there is nothing to decode, or while a fuller batch is worth waiting for: a full
 * batch decodes while there is analysis to overlap it with; with nothing left to analyse, whatever waits.
 */
function takeBatch(): AnalyseRequest[] | null {
  if (waiting.length === 0) return null;
  if (waiting[0].decodeAlone) return waiting.splice(0, 1);
  const alone = waiting.findIndex((request) => request.decodeAlone);
  const available = Math.min(alone < 0 ? waiting.length : alone, DECODE_BATCH_SIZE);
  if (available < DECODE_BATCH_SIZE && alone < 0 && decoded.length > 0) return null;
  return waiting.splice(0, available);
}

async function decodeBatch(requests: AnalyseRequest[]): Promise<void> {
  const releasesBefore = releases;
  const released = () => releases !== releasesBefore;
  const abort = new AbortController();
  stopDecoding = abort;
  report({ decoding: requests.map((request) => request.seq) });
  const tracks: PreparedTrack[] = [];
  for (const prepared of await Promise.all(requests.map((request) => prepareTrack(request, artDir)))) {
    if ('plan' in prepared) tracks.push(prepared);
    else send(prepared);
  }
  if (released()) return giveBack(tracks);
  const decodeErrors = new Map<number, DecodeErrors>();
  const results = await decodeAudioBatch(
    tracks.map((track) => ({ file: track.file, windows: track.plan.decodeWindows })),
    {
      signal: abort.signal,
      onProcess: (items, pid) => report({ decoding: items.map((i) => tracks[i].request.seq), ffmpegPid: pid }),
      onDecodeErrors: (i, errors) => decodeErrors.set(i, errors),
    },
  );
  for (const track of tracks) track.release();
  if (stopping) return;
  if (released()) return giveBack(tracks);
  for (const [i, track] of tracks.entries()) decoded.push({ track, decoded: results[i], decodeErrors: decodeErrors.get(i) ?? null });
}

function giveBack(tracks: PreparedTrack[]): void {
  for (const { request, release } of tracks) {
    release();
    send({ type: 'released', seq: request.seq, trackId: request.trackId });
  }
}

function report(change: Partial<Omit<WorkerActivity, 'type'>>): void {
  Object.assign(activity, change);
  port.postMessage(activity);
}

function send(reply: WorkerReply): void {
  const transfer = reply.type === 'analysed' ? [reply.features.fma518.buffer, reply.features.melPreview.data.buffer] : [];
  port.postMessage(reply, transfer as ArrayBuffer[]);
}
