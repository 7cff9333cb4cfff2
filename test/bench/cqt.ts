/**
 * `npm run bench -- cqt`: the constant-Q family on a 30-s clip, on one core: cqtMagnitude (84 bins,
 * hop 512, cached bases) + chroma_cqt + chroma_cens + tonnetz (target 35 ms of analyzeSignal's 80),
 * and one estimateTuning on the magnitude STFT.
 */
import { cqtMagnitude } from '../../core/dsp/cqt.js';
import { chromaCens, chromaCqt, tonnetz } from '../../core/dsp/cqt-chroma.js';
import { stftMagnitude } from '../../core/dsp/stft.js';
import { estimateTuning } from '../../core/dsp/tuning.js';
import { benchClip, median, SR, timeRuns } from './clip.js';
import type { BenchResult } from './run.js';

export const name = 'cqt';

const WARMUP_RUNS = 3;
const TIMED_RUNS = 15;
const TARGET_MS = 35;

export async function run(): Promise<BenchResult[]> {
  const { samples, source } = await benchClip();
  const magnitude = stftMagnitude(samples);
  const tuning = estimateTuning(magnitude, { sr: SR, nFft: 2048 });
  const cqtFamily = (): void => {
    const C = cqtMagnitude(samples, { sr: SR, hopLength: 512, nBins: 84, binsPerOctave: 12, tuning });
    chromaCqt(C);
    tonnetz(chromaCens(C));
  };
  const family = time(cqtFamily);
  const tuningCost = time(() => estimateTuning(magnitude, { sr: SR, nFft: 2048 }));
  return [
    {
      metric: 'CQT + chroma_cqt/cens + tonnetz, 30-s clip (median CPU)',
      value: family.medianCpu,
      unit: 'ms',
      target: `<= ${TARGET_MS} ms`,
      met: family.medianCpu <= TARGET_MS,
      detail: `${source}; ${TIMED_RUNS} runs after ${WARMUP_RUNS} warm-up, min CPU ${family.minCpu.toFixed(1)} ms, median wall ${family.medianWall.toFixed(1)} ms`,
    },
    {
      metric: 'estimateTuning on |STFT|, 30-s clip (median CPU)',
      value: tuningCost.medianCpu,
      unit: 'ms',
      detail: `min CPU ${tuningCost.minCpu.toFixed(1)} ms`,
    },
  ];
}

/** CPU time is reported first because the machines this runs on are often shared. */
function time(work: () => void): { medianCpu: number; minCpu: number; medianWall: number } {
  const { cpu, wall } = timeRuns(work, WARMUP_RUNS, TIMED_RUNS);
  return { medianCpu: median(cpu), minCpu: Math.min(...cpu), medianWall: median(wall) };
}
