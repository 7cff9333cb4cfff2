import { Worker } from 'node:worker_threads';
import { WORKER_QUEUE_DEPTH, type AnalyseReply, type AnalyseRequest, type ReleaseRequest, type WorkerReply } from './protocol.js';

export interface PoolOptions {
  size: number;
  /** A track taking longer than this is abandoned and its worker replaced. */
  taskTimeoutMs?: number;
  workerUrl?: URL;
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
  /** Fires when the worker has answered nothing for the task timeout while it has tasks. */
  watchdog: NodeJS.Timeout | null;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Heap limit per worker: generous for its queued excerpts, and a runaway file cannot take the process down. */
const WORKER_HEAP_MB = 1024;

/**
 * A fixed set of analysis worker threads, each with a queue of up to WORKER_QUEUE_DEPTH tracks (it
 * decodes the next ones while it analyses). A worker that crashes, or answers nothing for the task
 * timeout, is replaced: its oldest track (the one it was on) is answered with a retryable failure, and
 * the rest go to the replacement, so the pool never loses a request. `release()` has each worker give
 * back what it has not started, so stopping waits for one track per worker, not its whole queue.
 */
export class WorkerPool implements AnalysisExecutor {
  private readonly slots: Slot[] = [];
  private readonly poolSize: number;
  private readonly timeoutMs: number;
  private readonly workerUrl: URL;
  private nextSeq = 1;
  private closed = false;

  constructor(options: PoolOptions) {
    this.timeoutMs = options.taskTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.workerUrl = options.workerUrl ?? new URL('./analysis-worker.js', import.meta.url);
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
    const request: AnalyseRequest = { type: 'analyse', seq: this.nextSeq++, trackId, path };
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

  /** Waits for queued and running tasks, then stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.flatMap((slot) => slot.tasks.map((task) => new Promise<void>((done) => {
      const answer = task.resolve;
      task.resolve = (reply) => {
        answer(reply);
        done();
      };
    }))));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private send(slot: Slot, task: Task): void {
    slot.tasks.push(task);
    slot.watchdog ??= this.armWatchdog(slot);
    slot.worker.postMessage(task.request);
  }

  private armWatchdog(slot: Slot): NodeJS.Timeout {
    return setTimeout(
      () => this.abandon(slot, `analysis took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped`),
      this.timeoutMs,
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, tasks: [], watchdog: null };
    worker.on('message', (reply: WorkerReply) => {
      const index = slot.tasks.findIndex((task) => task.request.seq === reply.seq);
      if (index < 0) return;
      const [task] = slot.tasks.splice(index, 1);
      if (slot.watchdog) clearTimeout(slot.watchdog);
      slot.watchdog = slot.tasks.length > 0 ? this.armWatchdog(slot) : null;
      task.resolve(reply);
    });
    worker.on('error', (error) => this.abandon(slot, `the analysis worker crashed: ${error.message}`));
    worker.on('exit', () => {
      if (this.slots.includes(slot) && !this.closed) this.abandon(slot, 'the analysis worker exited unexpectedly');
    });
    return slot;
  }

  /**
   * Replaces the slot's worker. Its oldest task gets a retryable failure; the others go to the
   * replacement (or, once the pool is closing, get the same failure), except those already released,
   * which are given back.
   */
  private abandon(slot: Slot, error: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    if (slot.watchdog) clearTimeout(slot.watchdog);
    const replacement = this.closed ? null : this.spawn();
    this.slots.splice(index, 1, ...(replacement ? [replacement] : []));
    void slot.worker.terminate();
    const fail = ({ request, resolve }: Task) =>
      resolve({ type: 'failed', seq: request.seq, trackId: request.trackId, error, retryable: true, tags: null });
    const [current, ...rest] = slot.tasks;
    if (current) fail(current);
    for (const task of rest) {
      if (task.releasing) task.resolve({ type: 'released', seq: task.request.seq, trackId: task.request.trackId });
      else if (replacement) this.send(replacement, task);
      else fail(task);
    }
  }
}
