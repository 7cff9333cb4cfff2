import { spawn } from 'node:child_process';
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
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', ...inputArguments(file, options.windows)];
  args.push('-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1');

  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const chunks: Buffer[] = [];
    let received = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new DecodeError(`could not run ffmpeg: ${error.message}`, file)));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new DecodeError(describeFfmpegFailure(stderr, code), file));
        return;
      }
      if (received < 4) {
        reject(new DecodeError('no audio could be decoded from the file', file));
        return;
      }
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

function inputArguments(file: string, windows: readonly TimeWindow[] | undefined): string[] {
  if (!windows || windows.length === 0) return ['-i', file, '-map', '0:a:0', '-vn'];
  const args: string[] = [];
  for (const window of windows) {
    if (window.offsetSeconds > 0) args.push('-ss', window.offsetSeconds.toFixed(3));
    args.push('-t', window.durationSeconds.toFixed(3), '-i', file);
  }
  if (windows.length === 1) return [...args, '-map', '0:a:0', '-vn'];
  const streams = windows.map((_, i) => `[${i}:a:0]`).join('');
  return [...args, '-filter_complex', `${streams}concat=n=${windows.length}:v=0:a=1[excerpt]`, '-map', '[excerpt]'];
}

function describeFfmpegFailure(stderr: string, code: number | null): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  const says = (text: string) => lines.some((line) => line.includes(text));
  if (says('matches no streams') || says('does not contain any stream')) return 'the file has no audio stream';
  // ffmpeg's last line is often a consequence ("Error marking filters as finished"); the cause comes earlier.
  if (says('Invalid data found') || says('Cannot determine format')) return 'not a decodable audio file (invalid data)';
  return last ? `ffmpeg failed: ${last}` : `ffmpeg exited with code ${code}`;
}
