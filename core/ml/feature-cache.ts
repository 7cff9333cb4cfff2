import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { analysisCodeFingerprint } from '../features/code-fingerprint.js';
import { fileFingerprint } from './dataset.js';
import type { TimeFrequency } from '../dsp/types.js';

/**
 * An on-disk cache of per-file feature matrices, so training and cross-validation decode and
 * analyse each clip once. Entries are keyed by the file's fingerprint (path, size, mtime), a
 * feature name that includes its parameters, and the analysis version (see analysisCodeFingerprint), so a
 * changed file, recipe, excerpt policy or DSP misses the cache instead of serving stale features.
 */
export class FeatureCache {
  constructor(readonly directory: string = defaultCacheDirectory()) {}

  async getOrCompute(file: string, feature: string, compute: () => Promise<TimeFrequency>): Promise<TimeFrequency> {
    const key = createHash('sha1')
      .update(`${await fileFingerprint(file)}|${feature}|${await analysisCodeFingerprint()}`)
      .digest('hex');
    const entry = path.join(this.directory, `${key}.f32`);
    const cached = await readEntry(entry);
    if (cached) return cached;
    const value = await compute();
    await mkdir(this.directory, { recursive: true });
    const header = new Uint32Array([value.nFrames, value.nBins]);
    const temporary = `${entry}.${process.pid}.tmp`;
    await writeFile(temporary, Buffer.concat([Buffer.from(header.buffer), Buffer.from(value.data.buffer, value.data.byteOffset, value.data.byteLength)]));
    await rename(temporary, entry);
    return value;
  }
}

/** $TIMBRE_CACHE_DIR/features, else ~/.cache/timbre/features. */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.TIMBRE_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'timbre');
  return path.join(base, 'features');
}

async function readEntry(entry: string): Promise<TimeFrequency | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(entry);
  } catch {
    return null;
  }
  if (bytes.length < 8) return null;
  const nFrames = bytes.readUInt32LE(0);
  const nBins = bytes.readUInt32LE(4);
  if (bytes.length !== 8 + nFrames * nBins * 4) return null;
  const data = new Float32Array(nFrames * nBins);
  new Uint8Array(data.buffer).set(bytes.subarray(8));
  return { data, nFrames, nBins };
}
