import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FamilyDataset } from '../../ml/family-dataset.js';
import {
  crossValidateFamilies,
  reportFamilyModel,
  type FamilyItem,
  type FamilyModelName,
  type FamilyModelReport,
  type FamilyRecipe,
} from '../../ml/family-experiment.js';

/**
 * Cross-validation of the family recipe over one or more datasets, repeated over fold seeds: every
 * model's out-of-fold top-family hit rate, calibration, unsure share and per-dataset figures.
 */
export async function evaluateFamilies(
  dataset: FamilyDataset,
  items: FamilyItem[],
  recipe: FamilyRecipe,
  options: { folds: number; seeds: number[]; json: boolean; predictions?: string; backend: string },
): Promise<number> {
  const runs = [];
  const savedPredictions = [];
  for (const seed of options.seeds) {
    const cv = await crossValidateFamilies(items, dataset.labels, options.folds, seed, recipe, {
      onFold: (fold, seconds) => console.error(`fold seed ${seed}: fold ${fold + 1}/${options.folds} done (${seconds.toFixed(0)} s)`),
      onEpoch: (fold, epoch) =>
        console.error(`fold seed ${seed}: fold ${fold + 1}/${options.folds} epoch ${epoch.epoch}: loss ${epoch.loss.toFixed(3)} val_loss ${epoch.valLoss.toFixed(3)} val_hit ${epoch.valAccuracy.toFixed(3)}`),
    });
    const models: Partial<Record<FamilyModelName, FamilyModelReport>> = {};
    for (const [name, probabilities] of Object.entries(cv.predictions) as Array<[FamilyModelName, Float32Array[]]>) {
      models[name] = reportFamilyModel(dataset, probabilities, cv.assignment, options.folds);
    }
    runs.push({ seed, bestEpochs: cv.bestEpochs, trainSeconds: cv.trainSeconds, models });
    savedPredictions.push({ seed, assignment: cv.assignment, predictions: Object.fromEntries(Object.entries(cv.predictions).map(([name, rows]) => [name, rows.map((row) => Array.from(row, (p) => Math.round(p * 1e4) / 1e4))])) });
    if (!options.json) printRun(seed, models);
  }
  if (options.predictions) {
    await writeFile(options.predictions, JSON.stringify({ labels: dataset.labels, files: dataset.clips.map((clip) => clip.file), runs: savedPredictions }) + '\n');
  }
  if (options.json) {
    const output = {
      mode: 'family-cross-validation',
      data: dataset.sources.map((source) => ({ root: path.resolve(source.root), layout: source.layout, groupedByArtist: source.groupedByArtist })),
      backend: options.backend,
      clips: items.length,
      labels: dataset.labels,
      folds: options.folds,
      recipe: { network: recipe.network !== null, statisticsWeight: recipe.statisticsWeight, backbone: recipe.backbone ? { weight: recipe.backbone.weight } : null },
      runs,
    };
    console.log(JSON.stringify(output, null, 2));
  }
  return 0;
}

const MODEL_TITLES: Record<FamilyModelName, string> = {
  network: 'CNN-LSTM alone',
  statistics: 'MIR-statistics head alone',
  default: 'the default model (no backbone)',
  backbone: 'backbone head alone',
  withBackbone: 'the default fused with the backbone head',
};

function printRun(seed: number, models: Partial<Record<FamilyModelName, FamilyModelReport>>): void {
  console.log(`\nfold seed ${seed}`);
  for (const [name, report] of Object.entries(models) as Array<[FamilyModelName, FamilyModelReport]>) {
    const lines = [
      `  ${MODEL_TITLES[name]}: top-family hit rate ${report.hitRate.rate.toFixed(3)} (${report.hitRate.hits}/${report.hitRate.n}); ECE ${report.ece.raw.toFixed(3)} raw, ${report.ece.calibrated.toFixed(3)} calibrated on other folds; unsure ${(100 * report.unsureShare).toFixed(0)} %, named right ${report.namedHitRate.toFixed(3)}`,
      ...report.sources.map((source) => {
        const parts = [`hit rate ${source.hitRate.rate.toFixed(3)} (${source.hitRate.hits}/${source.hitRate.n})`];
        if (source.withinGenres) parts.push(`accuracy ${source.withinGenres.accuracy.toFixed(3)} kappa ${source.withinGenres.kappa.toFixed(3)} over its genres`);
        if (source.strictAccuracy !== undefined) parts.push(`top family over the tree ${source.strictAccuracy.toFixed(3)}`);
        if (source.familyOrUnsure !== undefined) parts.push(`its family or unsure ${source.familyOrUnsure.toFixed(3)}`);
        parts.push(`unsure ${(100 * source.unsureShare).toFixed(0)} %`);
        return `    ${path.basename(source.root)} (${source.clips} clips): ${parts.join('; ')}`;
      }),
      `    per family (hits/clips): ${Object.entries(report.perFamily).map(([family, { clips, hits }]) => `${family} ${hits}/${clips}`).join(', ')}`,
    ];
    console.log(lines.join('\n'));
  }
}
