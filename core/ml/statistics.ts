import { ANALYSIS_SAMPLE_RATE, decodeAudio } from '../audio/decode.js';
import { decodeAnalysisExcerpt, EXCERPT_SECONDS } from '../audio/windows.js';
import { analyzeSignal } from '../features/analyze.js';
import { FMA518_KEYS } from '../features/fma518.js';
import type { LabelledDataset } from './dataset.js';
import type { FeatureCache } from './feature-cache.js';
import { trainingWindows } from './features.js';

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

/**
 * Where the statistics crops of a training excerpt of `length` samples start: its beginning, middle
 * and end (one crop when the excerpt is no longer than a crop).
 */
export function statisticsCropStarts(length: number, cropLength: number): number[] {
  if (length <= cropLength) return [0];
  return [0, Math.floor((length - cropLength) / 2), length - cropLength];
}

/**
 * The 518 statistics of three crops of each clip's training excerpt (features.ts trainingWindows),
 * each as long as the analysis excerpt (EXCERPT_SECONDS): rows to train the statistics head on. Statistics depend on
 * the length of audio they summarise (a head trained on 60-s clips scored 0.50 on 30-s excerpts in
 * artist-grouped CV), so crops match the excerpt's length; three of them per clip are also
 * augmentation (CV accuracy on the excerpt 0.666 against 0.629 for one excerpt per clip).
 */
export async function loadTrainingStatistics(
  dataset: Pick<LabelledDataset, 'clips'>,
  cache: FeatureCache | null,
  onProgress?: (done: number, total: number) => void,
): Promise<Float64Array[][]> {
  const cropLength = EXCERPT_SECONDS * ANALYSIS_SAMPLE_RATE;
  const rows: Float64Array[][] = [];
  for (const clip of dataset.clips) {
    const compute = async () => {
      const samples = await decodeAudio(clip.file, { windows: trainingWindows(clip.durationSec) });
      const starts = statisticsCropStarts(samples.length, cropLength);
      const data = new Float32Array(starts.length * FMA518_KEYS.length);
      starts.forEach((start, k) => data.set(analyzeSignal(samples.subarray(start, start + cropLength)).fma518, k * FMA518_KEYS.length));
      return { data, nFrames: starts.length, nBins: FMA518_KEYS.length };
    };
    const feature = `fma518|training-crops-${EXCERPT_SECONDS}s|${clip.durationSec ?? 'unknown'}`;
    const stored = cache ? await cache.getOrCompute(clip.file, feature, compute) : await compute();
    rows.push(Array.from({ length: stored.nFrames }, (_, k) => Float64Array.from(stored.data.subarray(k * stored.nBins, (k + 1) * stored.nBins))));
    onProgress?.(rows.length, dataset.clips.length);
  }
  return rows;
}
