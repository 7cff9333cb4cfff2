import { decodeAnalysisExcerpt } from '../audio/windows.js';
import { analyzeSignal } from '../features/analyze.js';
import type { LabelledDataset } from './dataset.js';
import type { FeatureCache } from './feature-cache.js';

/**
 * The 518 FMA statistics of every clip (analyzeSignal on the analysis excerpt), for the MIR
 * baseline. The cache keys them by the analysis version, so a change to the DSP or to the excerpt
 * (e.g. the CQT family landing, a shorter excerpt) recomputes them.
 */
export async function loadDatasetStatistics(
  dataset: Pick<LabelledDataset, 'clips'>,
  cache: FeatureCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array[]> {
  const rows: Float64Array[] = [];
  for (const clip of dataset.clips) {
    const compute = async () => {
      const { fma518 } = analyzeSignal((await decodeAnalysisExcerpt(clip.file, clip.durationSec)).samples);
      return { data: Float32Array.from(fma518), nFrames: 1, nBins: fma518.length };
    };
    const stored = cache ? await cache.getOrCompute(clip.file, `fma518|analysis-excerpt|${clip.durationSec ?? 'unknown'}`, compute) : await compute();
    rows.push(Float64Array.from(stored.data));
    onProgress?.(rows.length, dataset.clips.length);
  }
  return rows;
}
