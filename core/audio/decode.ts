import { spawn } from 'node:child_process';
import { resolveFfmpeg } from './ffmpeg.js';

export const ANALYSIS_SAMPLE_RATE = 22050;

export interface DecodeOptions {
  sampleRate?: number;
  /** Start of the excerpt in seconds; ffmpeg seeks before decoding when the container allows it. */
  offsetSeconds?: number;
  /** Length of the excerpt in seconds; the whole rest of the file when absent. */
  durationSeconds?: number;
  signal?: AbortSignal;
}

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Decodes the first audio stream of `file` to mono Float32 PCM at 22,050 Hz (or `sampleRate`). */
export function decodeAudio(file: string, options: DecodeOptions = {}): Promise<Float32Array> {
  const ffmpeg = resolveFfmpeg();
  const sampleRate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
  if (options.offsetSeconds) args.push('-ss', options.offsetSeconds.toFixed(3));
  if (options.durationSeconds) args.push('-t', options.durationSeconds.toFixed(3));
  args.push('-i', file, '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1');

  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new DecodeError(`could not run ffmpeg: ${error.message}`, file)));
    child.on('close', (code) => {
      const bytes = Buffer.concat(chunks);
      if (code !== 0) {
        reject(new DecodeError(describeFfmpegFailure(stderr, code), file));
        return;
      }
      if (bytes.length < 4) {
        reject(new DecodeError('no audio could be decoded from the file', file));
        return;
      }
      // Copy into an aligned buffer: Buffer.concat may return a view at an odd offset.
      const samples = new Float32Array(Math.floor(bytes.length / 4));
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
      resolve(samples);
    });
  });
}

function describeFfmpegFailure(stderr: string, code: number | null): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  if (last?.includes('matches no streams')) return 'the file has no audio stream';
  if (last?.includes('Invalid data found')) return 'not a decodable audio file (invalid data)';
  return last ? `ffmpeg failed: ${last}` : `ffmpeg exited with code ${code}`;
}
