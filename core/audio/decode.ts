import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, rmSync, statfsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { resolveFfmpeg } from './ffmpeg.js';

export const ANALYSIS_SAMPLE_RATE = 22050;

/** A stretch of a track, in seconds. */
export interface TimeWindow {
  offsetSeconds: number;
  durationSeconds: number;
}

export interface DecodeOptions {
  sampleRate?: number;
  /**
   * Decode only these stretches, concatenated in order, in one ffmpeg process. ffmpeg seeks to each
   * before decoding where the container allows it, so long files are not decoded whole.
   * Absent: the whole file.
   */
  windows?: readonly TimeWindow[];
  /**
   * Stops the decode: ffmpeg is killed, and the promise rejects (with StoppedDecodeError) only once it has
   * exited and been reaped, so no process outlives a stopped decode.
   */
  signal?: AbortSignal;
  /**
   * Told the pid of the ffmpeg process once it starts, and null once it has ended: whoever runs the decode
   * can then stop a hung ffmpeg even where this code can no longer run (a terminated worker thread).
   */
  onProcess?: (pid: number | null) => void;
  /** The most time one decode (or one batch) may take before ffmpeg is stopped; default DECODE_BUDGET_MS. */
  budgetMs?: number;
  /** Told of the errors ffmpeg met decoding a file it still decoded (damaged frames it skipped). */
  onDecodeErrors?: (errors: DecodeErrors) => void;
}

/** The decode errors ffmpeg reported for one file whose decode still succeeded. */
export interface DecodeErrors {
  count: number;
  /** The first error, in ffmpeg's words: "Header missing: Invalid data found when processing input". */
  first: string;
}

/**
 * A decode's time budget. A 30-s excerpt takes well under a second; a file that keeps ffmpeg busy
 * longer (a damaged stream, a named pipe that never delivers) fails alone at this point instead of
 * holding its batch, and the rest of the batch is decoded without it.
 */
export const DECODE_BUDGET_MS = 60_000;

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** A decode given an AbortSignal that was aborted: nothing is wrong with the file. */
export class StoppedDecodeError extends DecodeError {
  constructor(file: string) {
    super('the decode was stopped', file);
    this.name = 'StoppedDecodeError';
  }
}

/** Decodes the first audio stream of `file` to mono Float32 PCM at 22,050 Hz (or `sampleRate`). */
export function decodeAudio(file: string, options: DecodeOptions = {}): Promise<Float32Array> {
  const ffmpeg = resolveFfmpeg();
  const { inputs, graph, map } = itemArguments({ file, windows: options.windows }, 0, 'excerpt');
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', ...inputs, ...(graph ? ['-filter_complex', graph] : [])];
  args.push('-map', map, ...outputArguments(options.sampleRate, 'pipe:1'));

  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) throw new StoppedDecodeError(file);
    const child = spawn(ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal, killSignal: 'SIGKILL' });
    reportProcess(child, options.onProcess);
    const budgetMs = options.budgetMs ?? DECODE_BUDGET_MS;
    let overBudget = false;
    const budget = setTimeout(() => {
      overBudget = true;
      child.kill('SIGKILL');
    }, budgetMs);
    const chunks: Buffer[] = [];
    let received = 0;
    let stderr = '';
    const log = new DecodeErrorLog();
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.push(text);
      if (stderr.length < 4000) stderr += text;
    });
    // An error with a process (a stop) is answered on 'close', once the process has been reaped.
    child.on('error', (error) => {
      if (child.pid === undefined) reject(new DecodeError(`could not run ffmpeg: ${error.message}`, file));
    });
    child.on('close', (code) => {
      clearTimeout(budget);
      if (options.signal?.aborted) {
        reject(new StoppedDecodeError(file));
        return;
      }
      if (overBudget) {
        reject(new DecodeError(`decoding took longer than ${budgetMs / 1000} s and was stopped`, file));
        return;
      }
      if (code !== 0) {
        reject(new DecodeError(describeFfmpegFailure(stderr, code), file));
        return;
      }
      if (received < 4) {
        reject(new DecodeError('no audio could be decoded from the file', file));
        return;
      }
      const merged = mergeDecodeErrors([...log.end().values()]);
      if (merged) options.onDecodeErrors?.(merged);
      // The chunks go straight into an aligned buffer of their own: no concatenated copy of the PCM.
      const samples = new Float32Array(Math.floor(received / 4));
      const bytes = new Uint8Array(samples.buffer);
      let offset = 0;
      for (const chunk of chunks) {
        const length = Math.min(chunk.length, bytes.length - offset);
        bytes.set(length === chunk.length ? chunk : chunk.subarray(0, length), offset);
        offset += length;
      }
      resolve(samples);
    });
  });
}

/** One file of a batch: what decodeAudio's `file` and `windows` are. */
export interface BatchItem {
  file: string;
  windows?: readonly TimeWindow[];
}

export interface BatchDecodeOptions extends Pick<DecodeOptions, 'sampleRate' | 'signal' | 'budgetMs'> {
  /** Like DecodeOptions.onProcess, also told which items (indexes into the batch) the process decodes. */
  onProcess?: (items: readonly number[], pid: number | null) => void;
  /** Like DecodeOptions.onDecodeErrors, for the item (index into the batch) whose decode met them. */
  onDecodeErrors?: (item: number, errors: DecodeErrors) => void;
}

/** Where decodeAudioBatch puts each output: a read-write descriptor of a file nobody else can open. */
export type TemporaryOpener = () => number;

/**
 * Batches need an open file without a name, and Windows cannot delete a file that is open: there,
 * every file is decoded alone (one ffmpeg each) rather than leaving a named temporary per track.
 */
const BATCH_DECODING = process.platform !== 'win32';

/**
 * Decodes several files in one ffmpeg process, each to its own output, so ffmpeg's start-up (tens of
 * milliseconds of library set-up, often more than decoding a 30-s excerpt) is paid once per batch.
 * Each output goes to an unlinked temporary file handed to ffmpeg as a file descriptor: ffmpeg never
 * waits for a reader (this thread may be busy analysing the previous batch), and nothing is left behind
 * if the process is killed. When the batch fails (one unreadable input stops ffmpeg at start-up), or a
 * file gives no audio, or no temporary file can be had (always, on Windows), the files are decoded alone,
 * one after another, so each failure keeps its own readable reason.
 * Answers in the order of `items`, like Promise.allSettled.
 */
export async function decodeAudioBatch(
  items: readonly BatchItem[],
  options: BatchDecodeOptions = {},
  openTemporary: TemporaryOpener = openUnlinkedTemporary,
): Promise<PromiseSettledResult<Float32Array>[]> {
  const { onProcess, onDecodeErrors, ...decodeOptions } = options;
  const decodeAlone = (item: BatchItem, index: number) =>
    decodeAudio(item.file, {
      ...decodeOptions,
      windows: item.windows,
      onProcess: onProcess && ((pid) => onProcess([index], pid)),
      onDecodeErrors: onDecodeErrors && ((errors) => onDecodeErrors(index, errors)),
    });
  if (items.length <= 1) return Promise.allSettled(items.map(decodeAlone));

  let batch: Array<Float32Array | null> = items.map(() => null);
  const outputs: number[] = [];
  try {
    if (BATCH_DECODING && !options.signal?.aborted) {
      while (outputs.length < items.length) outputs.push(openTemporary());
      const errors = await runBatch(items, outputs, options);
      if (errors) {
        batch = outputs.map(readPcm);
        for (const [i, itemErrors] of errors) if (batch[i]) onDecodeErrors?.(i, itemErrors);
      }
    }
  } catch {
    // No temporary file (or reading one failed): the files are decoded alone below, each with its own error.
  } finally {
    for (const fd of outputs) closeSync(fd);
  }
  const results: PromiseSettledResult<Float32Array>[] = [];
  // Alone, one after another: a failed batch is rare, and its files should not all start at once.
  // (A stopped decode starts none: decodeAudio rejects at once.)
  for (const [i, samples] of batch.entries()) {
    results.push(samples ? { status: 'fulfilled', value: samples } : (await Promise.allSettled([decodeAlone(items[i], i)]))[0]);
  }
  return results;
}

/**
 * Runs one batch's ffmpeg. Resolves with each item's decode errors (by index into the batch) when it
 * succeeded, or null when it failed.
 */
function runBatch(items: readonly BatchItem[], outputs: number[], options: BatchDecodeOptions): Promise<Map<number, DecodeErrors> | null> {
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
  const maps: string[] = [];
  const graphs: string[] = [];
  let nextInput = 0;
  /** Which item each ffmpeg input (one per window) belongs to: ffmpeg names inputs in its errors. */
  const itemOfInput: number[] = [];
  for (const [i, item] of items.entries()) {
    const { inputs, graph, map } = itemArguments(item, nextInput, `excerpt${i}`);
    args.push(...inputs);
    nextInput += Math.max(1, item.windows?.length ?? 0);
    while (itemOfInput.length < nextInput) itemOfInput.push(i);
    if (graph) graphs.push(graph);
    maps.push(map);
  }
  if (graphs.length) args.push('-filter_complex', graphs.join(';'));
  for (const [i, map] of maps.entries()) args.push('-map', map, ...outputArguments(options.sampleRate, `pipe:${3 + i}`));

  return new Promise((resolve) => {
    const child = spawn(resolveFfmpeg().path, args, { stdio: ['ignore', 'ignore', 'pipe', ...outputs], signal: options.signal, killSignal: 'SIGKILL' });
    const log = new DecodeErrorLog();
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    const { onProcess } = options;
    reportProcess(child, onProcess && ((pid) => onProcess(items.map((_, i) => i), pid)));
    // Over budget, the batch is given up: its files are then decoded alone, each with its own budget.
    const budget = setTimeout(() => child.kill('SIGKILL'), options.budgetMs ?? DECODE_BUDGET_MS);
    child.once('close', () => clearTimeout(budget));
    // As in decodeAudio: a stopped process is waited for, so that it is reaped before the batch answers.
    child.on('error', () => {
      if (child.pid === undefined) resolve(null);
    });
    child.on('close', (code) => {
      if (code !== 0) {
        resolve(null);
        return;
      }
      const byInput = log.end();
      const byItem = new Map<number, DecodeErrors>();
      for (const [i] of items.entries()) {
        const merged = mergeDecodeErrors(itemOfInput.flatMap((item, input) => (item === i && byInput.has(input) ? [byInput.get(input)!] : [])));
        if (merged) byItem.set(i, merged);
      }
      resolve(byItem);
    });
  });
}

/**
 * The decode errors in ffmpeg's error-level log, by input index, read as the log arrives (a damaged file
 * can log thousands of lines; only counts are kept). ffmpeg names the input in the line that counts the
 * error ("Error while decoding stream #3:0: Invalid data found…"; ffmpeg 7: "[aist#3:0/mp3 @ …] …"); the
 * decoder's own line just before it ("[mp3float @ 0x…] Header missing") says what was wrong.
 */
export class DecodeErrorLog {
  readonly byInput = new Map<number, DecodeErrors>();
  private partial = '';
  private detail: string | null = null;

  push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line.trim());
  }

  /** The errors by input, once the log has ended. */
  end(): Map<number, DecodeErrors> {
    this.line(this.partial.trim());
    this.partial = '';
    return this.byInput;
  }

  private line(line: string): void {
    if (!line) return;
    const counted =
      /^Error while decoding stream #(\d+):\d+: (.*)$/.exec(line) ??
      /^\[aist#(\d+):\d+\/[^\]]*\] (?:\[dec:[^\]]*\] )?(.*(?:[Ee]rror|[Ii]nvalid|corrupt).*)$/.exec(line);
    if (!counted) {
      this.detail = /^\[[^\]]+ @ 0x[0-9a-f]+\] (.*)$/.exec(line)?.[1] ?? null;
      return;
    }
    const input = Number(counted[1]);
    const known = this.byInput.get(input);
    if (known) known.count++;
    else this.byInput.set(input, { count: 1, first: this.detail ? `${this.detail}: ${counted[2]}` : counted[2] });
    this.detail = null;
  }
}

/** One file's errors over its inputs (one per window), or null when it had none. */
function mergeDecodeErrors(errors: readonly DecodeErrors[]): DecodeErrors | null {
  if (errors.length === 0) return null;
  return { count: errors.reduce((sum, e) => sum + e.count, 0), first: errors[0].first };
}

/** Calls `onProcess` with the child's pid once it has started, and with null when it has exited. */
function reportProcess(child: ChildProcess, onProcess: ((pid: number | null) => void) | undefined): void {
  if (!onProcess || child.pid === undefined) return;
  onProcess(child.pid);
  child.once('exit', () => onProcess(null));
}

let temporaryCounter = 0;
let chosenDirectory: string | undefined;
/** Room a batch's PCM may need in shared memory (containers often give /dev/shm only 64 MB). */
const SHARED_MEMORY_MIN_FREE_BYTES = 512 * 2 ** 20;

/**
 * A read-write temporary file that no longer has a name: it disappears with its last descriptor. If the
 * name cannot be removed while the file is open (Windows), the file is closed and removed, and the error
 * thrown: neither a descriptor nor a file is left behind.
 */
export function openUnlinkedTemporary(unlink: (path: string) => void = unlinkSync): number {
  const path = join(temporaryDirectory(), `timbre-pcm-${process.pid}-${threadId}-${temporaryCounter++}`);
  const fd = openSync(path, 'wx+', 0o600);
  try {
    unlink(path);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  return fd;
}

/** The folder openUnlinkedTemporary uses: /dev/shm where it has room, else the system's temporary folder. */
export function temporaryDirectory(): string {
  chosenDirectory ??= sharedMemoryHasRoom() ? '/dev/shm' : tmpdir();
  return chosenDirectory;
}

function sharedMemoryHasRoom(): boolean {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    return bavail * bsize >= SHARED_MEMORY_MIN_FREE_BYTES;
  } catch {
    return false;
  }
}

/** The PCM ffmpeg wrote to `fd`, or null when it wrote no audio. */
function readPcm(fd: number): Float32Array | null {
  const size = fstatSync(fd).size;
  if (size < 4) return null;
  const samples = new Float32Array(Math.floor(size / 4));
  const bytes = new Uint8Array(samples.buffer);
  for (let offset = 0; offset < bytes.length; ) {
    const read = readSync(fd, bytes, offset, bytes.length - offset, offset);
    if (read === 0) break;
    offset += read;
  }
  return samples;
}

function outputArguments(sampleRate = ANALYSIS_SAMPLE_RATE, target: string): string[] {
  return ['-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', target];
}

/**
 * One file's ffmpeg inputs, numbered from `firstInput`: one per window, each reached by a seek where the
 * container allows it (ffmpeg seeks before decoding), or the whole file. Several windows are joined
 * by a concat filter labelled `label`. `map` is what to -map into the file's output.
 */
function itemArguments(item: BatchItem, firstInput: number, label: string): { inputs: string[]; graph: string | null; map: string } {
  const windows = item.windows ?? [];
  if (windows.length === 0) return { inputs: ['-i', item.file], graph: null, map: `${firstInput}:a:0` };
  const inputs: string[] = [];
  for (const window of windows) {
    if (window.offsetSeconds > 0) inputs.push('-ss', window.offsetSeconds.toFixed(3));
    inputs.push('-t', window.durationSeconds.toFixed(3), '-i', item.file);
  }
  if (windows.length === 1) return { inputs, graph: null, map: `${firstInput}:a:0` };
  const streams = windows.map((_, k) => `[${firstInput + k}:a:0]`).join('');
  return { inputs, graph: `${streams}concat=n=${windows.length}:v=0:a=1[${label}]`, map: `[${label}]` };
}

function describeFfmpegFailure(stderr: string, code: number | null): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  const says = (text: string) => lines.some((line) => line.includes(text));
  // ffmpeg's last line is often a consequence ("Error marking filters as finished"); the cause comes earlier.
  // MP3 frames that cannot be read are garbage taken for MP3: it would otherwise read "Invalid argument".
  const invalid = ['Invalid data found', 'Cannot determine format', 'Failed to read frame size', 'Invalid frame size'];
  if (invalid.some(says)) return 'not a decodable audio file (invalid data)';
  if (says('matches no streams') || says('does not contain any stream')) return 'the file has no audio stream';
  return last ? `ffmpeg failed: ${last}` : `ffmpeg exited with code ${code}`;
}
