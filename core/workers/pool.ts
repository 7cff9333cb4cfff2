import { Worker } from 'node:worker_threads';
import type { AnalyseReply, AnalyseRequest, WorkerReply } from './protocol.js';

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
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  task: { request: AnalyseRequest; resolve: (reply: AnalyseReply) => void; timer: NodeJS.Timeout } | null;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Heap limit per worker: generous for a 75-s excerpt, and a runaway file cannot take the process down. */
const WORKER_HEAP_MB = 1024;

/**
 * A fixed set of analysis worker threads, one track at a time each. A worker that crashes or hangs is
 * replaced and its track answered with a retryable failure, so the pool never loses a request.
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

  /** Workers free for a track (counting those not started yet: workers start on first use). */
  get idle(): number {
    return this.poolSize - this.slots.filter((slot) => slot.task).length;
  }

  /** Analyses one track on an idle worker. Call only while `idle > 0`. */
  analyse(trackId: number, path: string): Promise<AnalyseReply> {
    let slot = this.slots.find((candidate) => !candidate.task);
    if (!slot && this.slots.length < this.poolSize && !this.closed) {
      slot = this.spawn();
      this.slots.push(slot);
    }
    if (!slot || this.closed) return Promise.reject(new Error('no idle analysis worker'));
    const request: AnalyseRequest = { type: 'analyse', seq: this.nextSeq++, trackId, path };
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.abandon(slot, `analysis took longer than ${Math.round(this.timeoutMs / 1000)} s and was stopped`),
        this.timeoutMs,
      );
      slot.task = { request, resolve, timer };
      slot.worker.postMessage(request);
    });
  }

  /** Waits for running tasks, then stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (!slot.task) return resolve();
            const { resolve: answer } = slot.task;
            slot.task.resolve = (reply) => {
              answer(reply);
              resolve();
            };
          }),
      ),
    );
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, task: null };
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.task;
      if (!task || reply.seq !== task.request.seq) return;
      clearTimeout(task.timer);
      slot.task = null;
      task.resolve(reply);
    });
    worker.on('error', (error) => this.abandon(slot, `the analysis worker crashed: ${error.message}`));
    worker.on('exit', () => {
      if (this.slots.includes(slot) && !this.closed) this.abandon(slot, 'the analysis worker exited unexpectedly');
    });
    return slot;
  }

  /** Answers the slot's task with a retryable failure and replaces its worker. */
  private abandon(slot: Slot, error: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const task = slot.task;
    slot.task = null;
    if (task) clearTimeout(task.timer);
    this.slots.splice(index, 1, ...(this.closed ? [] : [this.spawn()]));
    void slot.worker.terminate();
    if (task) {
      task.resolve({ type: 'failed', seq: task.request.seq, trackId: task.request.trackId, error, retryable: true, tags: null });
    }
  }
}
