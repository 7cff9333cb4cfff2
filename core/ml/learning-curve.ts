import { predictLogisticBaseline } from './baseline.js';
import { topFamilyHitRate } from './calibration.js';
import { fuseProbabilities } from './fusion.js';
import { SeededRandom } from './random.js';
import { DEFAULT_SET_LOGISTIC_OPTIONS, trainSetLogistic, type SetLogisticOptions } from './set-logistic.js';
import { groupedFolds } from './splits.js';

/**
 * A learning curve of the genre-family heads: how the top-family hit rate on held-out artists grows
 * with the number of confirmed tracks per family, as a user fixing genres would supply them.
 */

export interface CurveClip {
  /** Artist group: an artist's clips are either all held out or all in the training pool. */
  group: string;
  /** The clip's families; clips with none are neither trained nor tested on. */
  families: readonly number[];
}

export interface CurveSplit {
  /** Clips of the held-out artists (with at least one family). */
  test: number[];
  /** Clips of the other artists, from which the training samples are drawn. */
  pool: number[];
}

/**
 * Holds out about 1/`folds` of the artists (one fold of the label-balanced grouped split, chosen by
 * the seed); the rest are the training pool.
 */
export function learningCurveSplit(clips: readonly CurveClip[], classes: number, seed: number, folds = 4): CurveSplit {
  const labelled = clips.map((_, i) => i).filter((i) => clips[i].families.length > 0);
  const assignment = groupedFolds(labelled.map((i) => ({ label: clips[i].families[0], group: clips[i].group })), folds, seed, classes);
  const heldOut = new SeededRandom(seed).int(folds);
  return {
    test: labelled.filter((_, k) => assignment[k] === heldOut),
    pool: labelled.filter((_, k) => assignment[k] !== heldOut),
  };
}

/**
 * Up to `cap` training clips per family from the pool, drawn in a seeded order: a clip is taken when
 * every one of its families is still below the cap, so no family ever has more than `cap` clips.
 */
export function sampleUpToPerFamily(clips: readonly CurveClip[], pool: readonly number[], cap: number, classes: number, seed: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  const taken: number[] = [];
  for (const i of new SeededRandom(seed).shuffle([...pool])) {
    const families = clips[i].families;
    if (families.length === 0 || families.some((c) => counts[c] >= cap)) continue;
    for (const c of families) counts[c]++;
    taken.push(i);
  }
  return taken.sort((a, b) => a - b);
}

/** One feature set the curve compares: a row per clip (null: the clip has none). */
export interface CurveFeatures {
  name: string;
  rows: readonly (Float64Array | null)[];
}

/** A fusion of two feature sets' heads, as the shipped model fuses the default with the backbone head. */
export interface CurveFusion {
  name: string;
  first: string;
  second: string;
  /** The second's share: p ∝ p_first^(1 − weight) · p_second^weight. */
  weight: number;
}

export interface CurvePoint {
  cap: number;
  /** Per seed: training clips and the held-out hit rate of each model. */
  runs: Array<{ seed: number; trainClips: number; testClips: number; hitRate: Record<string, number> }>;
  /** Per model: the mean and sample standard deviation of the hit rate over the seeds. */
  summary: Record<string, { mean: number; sd: number }>;
}

export function learningCurve(
  clips: readonly CurveClip[],
  classes: number,
  features: readonly CurveFeatures[],
  fusions: readonly CurveFusion[],
  caps: readonly number[],
  seeds: readonly number[],
  options: SetLogisticOptions = DEFAULT_SET_LOGISTIC_OPTIONS,
  onRun?: (cap: number, seed: number) => void,
): CurvePoint[] {
  const usable = clips.map((clip, i) => (features.every((set) => set.rows[i]) ? clip : { ...clip, families: [] }));
  return caps.map((cap) => {
    const runs = seeds.map((seed) => {
      const split = learningCurveSplit(usable, classes, seed);
      const train = sampleUpToPerFamily(usable, split.pool, cap, classes, seed);
      const sets = split.test.map((i) => usable[i].families);
      const probabilities: Record<string, Float32Array[]> = {};
      for (const set of features) {
        const head = trainSetLogistic(train.map((i) => set.rows[i]!), train.map((i) => usable[i].families), classes, options);
        probabilities[set.name] = predictLogisticBaseline(head, split.test.map((i) => set.rows[i]!));
      }
      for (const fusion of fusions) {
        probabilities[fusion.name] = probabilities[fusion.first].map((row, k) => fuseProbabilities(row, probabilities[fusion.second][k], fusion.weight));
      }
      onRun?.(cap, seed);
      const hitRate = Object.fromEntries(Object.entries(probabilities).map(([name, rows]) => [name, topFamilyHitRate(rows, sets).rate]));
      return { seed, trainClips: train.length, testClips: split.test.length, hitRate };
    });
    const names = Object.keys(runs[0].hitRate);
    const summary = Object.fromEntries(names.map((name) => [name, meanAndSd(runs.map((run) => run.hitRate[name]))]));
    return { cap, runs, summary };
  });
}

function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}
