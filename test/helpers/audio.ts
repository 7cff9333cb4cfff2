/**
 * Test audio made on the spot: WAVs written in TypeScript, other formats through ffmpeg's lavfi
 * sources. No third-party audio is ever used.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';

/** A sine tone with a little amplitude wobble (so tempo/onset code sees something), mono Float32. */
export function toneSamples(seconds: number, { frequency = 440, sampleRate = 22050 } = {}): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    samples[i] = 0.5 * Math.sin(2 * Math.PI * frequency * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * t));
  }
  return samples;
}

/** Writes mono 16-bit PCM WAV. */
export function writeWav(path: string, samples: Float32Array, sampleRate = 22050): void {
  const dataBytes = samples.length * 2;
  const buffer = Buffer.alloc(44 + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    buffer.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + i * 2);
  }
  writeFileSync(path, buffer);
}

export interface SynthOptions {
  /** lavfi source, e.g. 'sine=frequency=440' or 'anoisesrc=color=pink'. */
  source?: string;
  seconds?: number;
  /** Tags written by ffmpeg's -metadata. */
  tags?: Record<string, string>;
  /** Extra output arguments (codec, bitrate, sample rate). */
  outputArgs?: string[];
}

/** Synthesizes an audio file with ffmpeg; the format follows the file extension. */
export function synthesize(path: string, { source = 'sine=frequency=440', seconds = 3, tags = {}, outputArgs = [] }: SynthOptions = {}): void {
  const metadata = Object.entries(tags).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
  const args = ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', `${source}:duration=${seconds}`, ...metadata, ...outputArgs, path];
  const result = spawnSync(resolveFfmpeg().path, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${result.stderr}`);
}
