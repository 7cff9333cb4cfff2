import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let fingerprint: Promise<string> | null = null;

/**
 * A hash of the code that decides which audio is analysed and how: core/audio (decoding and the
 * analysis excerpt's windows), core/dsp and core/features. On-disk caches of analysis results key
 * their entries with it, so a change to any of them (a shorter excerpt, a DSP fix that moves the
 * statistics) misses the cache instead of serving stale features. Computed once per process.
 */
export function analysisCodeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const hash = createHash('sha1');
    const core = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    for (const folder of ['audio', 'dsp', 'features']) {
      const names = (await readdir(path.join(core, folder))).filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')).sort();
      for (const name of names) hash.update(name).update(await readFile(path.join(core, folder, name)));
    }
    return hash.digest('hex').slice(0, 12);
  })();
  return fingerprint;
}
