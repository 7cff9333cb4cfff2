import { Worker } from 'node:worker_threads';
import {
  WORKER_QUEUE_DEPTH,
  type AnalyseReply,
  type AnalyseRequest,
  type ReleaseRequest,
  type StopRequest,
  type WorkerActivity,
  type WorkerReply,
} from './protocol.js';

export interface PoolOptions {
  size: number;
  /** A track taking longer than this is abandoned and its worker replaced. */
  taskTimeoutMs?: number;
  workerUrl?: URL;
  /** Where workers put album-art thumbnails (core/library/art.ts); without it they make none. */
  artDir?: string;
}

/** What the job runner needs from a pool (tests substitute their own). */
export interface AnalysisExecutor {
  readonly idle: number;
  analyse(trackId: number, path: string): Promise<AnalyseReply>;
  /** Answers 'released' to every request not yet started (pause, cancel, shutdown); the rest finish. */
  release(): void;
  close(): Promise<void>;
}

interface Task {
  request: AnalyseRequest;
  resolve: (reply: AnalyseReply) => void;
  /** Sent before a release: given back rather than passed on if its worker is replaced. */
  releasing?: boolean;
}

interface Slot {
  worker: Worker;
  /** Sent and not yet answered, oldest first: the worker analyses them in this order. */
  tasks: Task[];
  /** Fires when the worker has said nothing for the task timeout while it has tasks. */
  watchdog: NodeJS.Timeout | null;
  /** What the worker last said it was on. */
  activity: WorkerActivity | null;
  /** Set once the worker thread has exited. */
  exited: boolean;
  /** Called when the worker answers a StopRequest. */
  onStopped: (() => void) | null;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Heap limit per worker: generous for its queued excerpts, and a runaway file cannot take the process down. */
const WORKER_HEAP_MB = 1024;
/**
 * How long a worker being replaced gets to stop its own ffmpeg before it is terminated. Its event loop is
 * idle while ffmpeg hangs, so it answers within milliseconds; one stuck in analysis never answers.
 */
const STOP_GRACE_MS = 1000;

/**
 * A fixed set of analysis worker threads, each with a queue of up to WORKER_QUEUE_DEPTH tracks (it
 * decodes the next ones while it analyses). A worker that crashes, or says nothing for the task
 * timeout, is replaced, and the rest of its tracks go to the replacement, so the pool never loses a
 * request. Whom a timeout blames depends on what the worker said it was on (WorkerActivity): the track
 * it was analysing, or the one track it was decoding, gets a retryable failure; a batch that was
 * decoding goes to the replacement to be decoded one track at a time, unblamed, so that the next
 * timeout finds the file at fault (which is decoded alone when retried). A crash, or a worker that said
 * nothing, blames its oldest track. Either way the worker's ffmpeg, if one runs, is killed: by the worker
 * itself where it still answers, so that the process is reaped (see stopWorker).
 * `release()` has each worker give back what it has not started analysing, stopping a decode in
 * progress, so stopping waits for one track per worker, not its whole queue.
 */
export class WorkerPool implements AnalysisExecutor {
  private readonly slots: Slot[] = [];
  private readonly poolSize: number;
  private readonly timeoutMs: number;
  private readonly workerUrl: URL;
  private readonly artDir: string | null;
  private nextSeq = 1;
  private closed = false;
  /** Replaced workers still being stopped: close() waits for them. */
  private readonly stopping = new Set<Promise<void>>();
  /** Files whose decode hung a worker: decoded alone from then on, so a retry that hangs is blamed at once. */
  private readonly hungDecodes = new Set<string>();

  constructor(options: PoolOptions) {
    this.timeoutMs = options.taskTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.workerUrl = options.workerUrl ?? new URL('./analysis-worker.js', import.meta.url);
    this.artDir = options.artDir ?? null;
    this.poolSize = Math.max(1, options.size);
  }

  get size(): number {
    return this.poolSize;
  }

  /** Tracks the workers can take now (counting workers not started yet: they start on first use). */
  get idle(): number {
    const queued = this.slots.reduce((sum, slot) => sum + slot.tasks.length, 0);
    return this.poolSize * WORKER_QUEUE_DEPTH - queued;
  }

  /** Queues one track at the least busy worker. Call only while `idle > 0`. */
  analyse(trackId: number, path: string): Promise<AnalyseReply> {
    let slot = this.slots.reduce<Slot | undefined>((best, candidate) => (!best || candidate.tasks.length < best.tasks.length ? candidate : best), undefined);
    if ((!slot || slot.tasks.length > 0) && this.slots.length < this.poolSize && !this.closed) {
      slot = this.spawn();
      this.slots.push(slot);
    }
    if (!slot || this.closed || slot.tasks.length >= WORKER_QUEUE_DEPTH) return Promise.reject(new Error('no idle analysis worker'));
    const request: AnalyseRequest = { type: 'analyse', seq: this.nextSeq++, trackId, path, decodeAlone: this.hungDecodes.has(path) };
    return new Promise((resolve) => this.send(slot, { request, resolve }));
  }

  release(): void {
    const request: ReleaseRequest = { type: 'release' };
    for (const slot of this.slots) {
      if (slot.tasks.length === 0) continue;
      for (const task of slot.tasks) task.releasing = true;
      slot.worker.postMessage(request);
    }
  }

  /** Waits for queued and running tasks and for replaced workers to stop, then stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.flatMap((slot) => slot.tasks.map((task) => new Promise<void>((done) => {
      const answer = task.resolve;
      task.resolve = (reply) => {
        answer(reply);
        done();
      };
    }))));
    await Promise.all(this.stopping);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private send(slot: Slot, task: Task): void {
    slot.tasks.push(task);
    slot.watchdog ??= this.armWatchdog(slot);
    slot.worker.postMessage(task.request);
  }

  private armWatchdog(slot: Slot): NodeJS.Timeout {
    return setTimeout(() => this.timedOut(slot), this.timeoutMs);
  }

  /** The worker said something: it gets the full timeout again, for as long as it has tasks. */
  private rearmWatchdog(slot: Slot): void {
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = slot.tasks.length > 0 ? this.armWatchdog(slot) : null;
  }

  /** Replaces a worker that has said nothing for the task timeout, blaming what it was on. */
  private timedOut(slot: Slot): void {
    const tookTooLong = (stage: string) => `${stage} took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped`;
    const unanswered = (seqs: readonly number[]) => slot.tasks.filter((task) => seqs.includes(task.request.seq));
    const [analysed] = unanswered(slot.activity?.analysing != null ? [slot.activity.analysing] : []);
    if (analysed) return this.replace(slot, analysed, tookTooLong('analysis'));
    const decoding = unanswered(slot.activity?.decoding ?? []);
    if (decoding.length > 1 && decoding.some((task) => !task.request.decodeAlone)) {
      // Which file hung its batch is unknown: decoding them one at a time will tell, at no one's cost.
      for (const task of decoding) task.request.decodeAlone = true;
      return this.replace(slot, null, tookTooLong('decoding'));
    }
    if (decoding.length > 0) {
      this.hungDecodes.add(decoding[0].request.path);
      return this.replace(slot, decoding[0], tookTooLong('decoding'));
    }
    this.replace(slot, slot.tasks[0], tookTooLong('analysis'));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, workerData: { artDir: this.artDir } });
    const slot: Slot = { worker, tasks: [], watchdog: null, activity: null, exited: false, onStopped: null };
    worker.on('message', (message: WorkerReply) => {
      if (message.type === 'activity') {
        slot.activity = message;
        if (slot.watchdog) this.rearmWatchdog(slot);
        return;
      }
      if (message.type === 'stopped') {
        slot.onStopped?.();
        return;
      }
      const index = slot.tasks.findIndex((task) => task.request.seq === message.seq);
      if (index < 0) return;
      const [task] = slot.tasks.splice(index, 1);
      this.rearmWatchdog(slot);
      task.resolve(message);
    });
    const crashed = (error: string) => this.replace(slot, slot.tasks[0] ?? null, error);
    worker.on('error', (error) => crashed(`the analysis worker crashed: ${error.message}`));
    worker.on('exit', () => {
      slot.exited = true;
      if (this.slots.includes(slot) && !this.closed) crashed('the analysis worker exited unexpectedly');
    });
    return slot;
  }

  /**
   * Replaces the slot's worker and stops its ffmpeg. `culprit` gets a retryable failure; the other tasks
   * go to the replacement (or, once the pool is closing, get the same failure), except those already
   * released, which are given back.
   */
  private replace(slot: Slot, culprit: Task | null, error: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = null;
    const tasks = slot.tasks.splice(0);
    const replacement = this.closed ? null : this.spawn();
    this.slots.splice(index, 1, ...(replacement ? [replacement] : []));
    const stopped = stopWorker(slot).finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
    const fail = ({ request, resolve }: Task) =>
      resolve({ type: 'failed', seq: request.seq, trackId: request.trackId, error, retryable: true, tags: null });
    if (culprit) fail(culprit);
    for (const task of tasks) {
      if (task === culprit) continue;
      if (task.releasing) task.resolve({ type: 'released', seq: task.request.seq, trackId: task.request.trackId });
      else if (replacement) this.send(replacement, task);
      else fail(task);
    }
  }
}

/**
 * Stops a replaced worker and the ffmpeg it runs (a child process outlives the thread that spawned it).
 * A worker that runs one is first asked to kill it itself (StopRequest): only the thread's own
 * ChildProcess handle can reap it. One that does not answer within STOP_GRACE_MS (stuck in analysis,
 * or gone) is terminated, and then its ffmpeg is killed by pid; the thread goes first, so that it cannot
 * start another one. That process stays a zombie until Timbre exits: nothing is left to reap it.
 */
async function stopWorker(slot: Slot): Promise<void> {
  if (slot.activity?.ffmpegPid && !slot.exited) {
    const request: StopRequest = { type: 'stop' };
    await new Promise<void>((resolve) => {
      const answered = () => {
        clearTimeout(timer);
        slot.worker.off('exit', answered);
        resolve();
      };
      const timer = setTimeout(answered, STOP_GRACE_MS);
      slot.onStopped = answered;
      slot.worker.once('exit', answered);
      slot.worker.postMessage(request);
    });
  }
  await slot.worker.terminate();
  // A worker reports its ffmpeg's end before it answers the stop: a pid still here may still run.
  const pid = slot.activity?.ffmpegPid;
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It had ended already.
  }
}
