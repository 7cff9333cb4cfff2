import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileFingerprint } from './dataset.js';
import type { TimeFrequency } from '../dsp/types.js';

/**
 * An on-disk cache of per-file feature matrices, so training and cross-validation decode and
 * analyse each clip once. Entries are keyed by the file's fingerprint (path, size, mtime), a
 * feature name that includes its parameters, and the analysis version (see analysisVersion), so a
 * changed file, recipe, excerpt policy or DSP misses the cache instead of serving stale features.
 */
export class FeatureCache {
  constructor(readonly directory: string = defaultCacheDirectory()) {}

  async getOrCompute(file: string, feature: string, compute: () => Promise<TimeFrequency>): Promise<TimeFrequency> {
    const key = createHash('sha1')
      .update(`${await fileFingerprint(file)}|${feature}|${await analysisVersion()}`)
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

let version: Promise<string> | null = null;

/**
 * A hash of the code that decides which audio is analysed and how: core/audio (decoding and the
 * analysis excerpt's windows), core/dsp and core/features. A change to any of them (e.g. a shorter
 * excerpt, or a DSP fix that moves the statistics) gives cached features a new key.
 */
export function analysisVersion(): Promise<string> {
  version ??= (async () => {
    const hash = createHash('sha1');
    const core = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    for (const folder of ['audio', 'dsp', 'features']) {
      const names = (await readdir(path.join(core, folder))).filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')).sort();
      for (const name of names) hash.update(name).update(await readFile(path.join(core, folder, name)));
    }
    return hash.digest('hex').slice(0, 12);
  })();
  return version;
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
