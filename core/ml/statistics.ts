import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAnalysisExcerpt } from '../audio/windows.js';
import { analyzeSignal } from '../features/analyze.js';
import type { LabelledDataset } from './dataset.js';
import type { FeatureCache } from './feature-cache.js';

/**
 * The 518 FMA statistics of every clip (analyzeSignal on the analysis excerpt), for the MIR
 * baseline. Cached under a key that includes a hash of the compiled analysis code, so a change to
 * the DSP (e.g. the CQT family landing) recomputes them.
 */
export async function loadDatasetStatistics(
  dataset: Pick<LabelledDataset, 'clips'>,
  cache: FeatureCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array[]> {
  const feature = `fma518|${await analysisCodeHash()}`;
  const rows: Float64Array[] = [];
  for (const clip of dataset.clips) {
    const compute = async () => {
      const { fma518 } = analyzeSignal((await decodeAnalysisExcerpt(clip.file, clip.durationSec)).samples);
      return { data: Float32Array.from(fma518), nFrames: 1, nBins: fma518.length };
    };
    const stored = cache ? await cache.getOrCompute(clip.file, feature, compute) : await compute();
    rows.push(Float64Array.from(stored.data));
    onProgress?.(rows.length, dataset.clips.length);
  }
  return rows;
}

let codeHash: Promise<string> | null = null;

function analysisCodeHash(): Promise<string> {
  codeHash ??= (async () => {
    const hash = createHash('sha1');
    const core = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    for (const folder of ['features', 'dsp', 'audio']) {
      const names = (await readdir(path.join(core, folder))).filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')).sort();
      for (const name of names) hash.update(name).update(await readFile(path.join(core, folder, name)));
    }
    return hash.digest('hex').slice(0, 12);
  })();
  return codeHash;
}
