import { createHash } from 'node:crypto';
import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadClassifier, type GenreClassifier } from '../../ml/classifier.js';
import { readFolderDataset } from '../../ml/dataset.js';
import { defaultModelsDirectory, findEntry, readRegistry, type ModelDefinition } from '../../ml/registry.js';
import { ClipFeatureCache, type ClipFeatures, type Embedder } from '../../similarity/clip-features.js';
import { precisionAtK, type PrecisionReport } from '../../similarity/evaluate.js';
import { CosineIndex } from '../../similarity/index.js';
import { fitMirStandardization, packVectors, trackVector, type SimilaritySpace } from '../../similarity/vectors.js';

export const summary = 'eval-similar --data DIR [--json]: genre precision@10 of "sounds like this", leave-one-out';

const USAGE = `usage: timbre eval-similar --data DIR [--k 10] [--model ID | --no-embedding] [--cache DIR] [--json]

For every clip, its k nearest other clips by similarity vector; reports the fraction that share its
genre folder, with clips by the same artist (artists.tsv) counted, and excluded from the candidates.
Vectors combine the 518 MIR statistics with the genre classifier's embedding (the default model, or
--model ID) when one loads; the embedding/MIR weighting and the z-score clip are swept.
Per-clip features are cached under --cache (default .cache/eval-similar).`;

/** Embedding weight w_e swept when embeddings exist; w_m = 1 − w_e. */
const EMBEDDING_WEIGHTS = [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1];
const Z_CLIPS = [2, 4, Infinity];

interface SettingResult {
  weights: { embedding: number; mir: number };
  zClip: number | null;
  withSameArtist: PrecisionReport;
  sameArtistExcluded: PrecisionReport;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      k: { type: 'string', default: '10' },
      cache: { type: 'string', default: path.join('.cache', 'eval-similar') },
      model: { type: 'string' },
      'no-embedding': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.data) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const k = Number.parseInt(values.k, 10);
  if (!Number.isInteger(k) || k < 1) {
    console.error('eval-similar: --k must be a positive integer');
    return 2;
  }

  const dataset = await readFolderDataset(values.data);
  const cache = new ClipFeatureCache(values.cache);
  await ensureIgnoredByGit(values.cache);

  let classifier: GenreClassifier | null = null;
  if (!values['no-embedding']) {
    try {
      classifier = await loadClassifier(values.model);
    } catch (error) {
      if (values.model) throw error;
      console.error(`eval-similar: no classifier embedding (${error instanceof Error ? error.message : String(error)}); MIR statistics only`);
    }
  }
  const model = classifier ? await describeModel(classifier.modelId) : null;
  const embedder: Embedder | undefined = classifier
    ? {
        // The weights' hash, not just id@version: a retrained model must not reuse cached embeddings.
        modelId: `${classifier.modelId}@${classifier.version}#${model!.weightsHash}`,
        embed: (melDb) => classifier.classifyMel(melDb).embedding,
      }
    : undefined;
  const trainedOn = model?.trainedOn ?? null;
  if (trainedOn && trainedOn === path.basename(path.resolve(values.data))) {
    console.error(
      `eval-similar: warning: model ${classifier!.modelId} was trained on ${trainedOn}, this dataset: its embedding has seen ` +
        'most of these clips, so settings with w_embedding > 0 are optimistic. Judge them on clips it has not seen.',
    );
  }

  const features: ClipFeatures[] = [];
  const started = Date.now();
  let reported = started;
  for (const [i, clip] of dataset.clips.entries()) {
    features.push(await cache.features(clip.file, embedder));
    // Progress every ~10 s: silent when everything comes from the cache.
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      console.error(`eval-similar: features ${i + 1}/${dataset.clips.length} (${((reported - started) / 1000).toFixed(0)} s)`);
    }
  }

  const labels = dataset.clips.map((clip) => clip.label);
  const groups = dataset.clips.map((clip) => clip.group);
  classifier?.dispose();
  const embeddingDim = features[0].embedding?.length ?? 0;
  const { mean, std } = fitMirStandardization(features.map((clip) => clip.mir));

  const results: SettingResult[] = [];
  for (const zClip of Z_CLIPS) {
    for (const embeddingWeight of embeddingDim > 0 ? EMBEDDING_WEIGHTS : [0]) {
      const weights = { embedding: embeddingWeight, mir: Math.round((1 - embeddingWeight) * 100) / 100 };
      const space: SimilaritySpace = { mirMean: mean, mirStd: std, zClip, embeddingDim, weights };
      const dim = embeddingDim + mean.length;
      const index = CosineIndex.fromVectors(packVectors(features.map((clip) => trackVector(clip, space)), dim), dim);
      results.push({
        weights,
        zClip: Number.isFinite(zClip) ? zClip : null,
        withSameArtist: precisionAtK(index, labels, groups, k),
        sameArtistExcluded: precisionAtK(index, labels, groups, k, { excludeSameGroup: true }),
      });
    }
  }
  // The honest number is the one where an artist's own tracks cannot vouch for its genre.
  const bestOf = (candidates: SettingResult[]) =>
    candidates.reduce((a, b) => (b.sameArtistExcluded.precision > a.sameArtistExcluded.precision ? b : a));
  const best = bestOf(results);
  const bestMirOnly = bestOf(results.filter((result) => result.weights.embedding === 0));

  const report = {
    dataset: path.resolve(values.data),
    clips: dataset.clips.length,
    labels: dataset.labels,
    artistsKnown: dataset.groupedByArtist,
    k,
    features: classifier ? `mir518 + ${embeddingDim}-wide embedding of ${embedder!.modelId}` : 'mir518',
    embeddingTrainedOn: trainedOn,
    results,
    best,
    bestMirOnly,
  };
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    printReport(report);
  }
  return 0;
}

function printReport(report: {
  dataset: string;
  clips: number;
  labels: string[];
  artistsKnown: boolean;
  k: number;
  features: string;
  embeddingTrainedOn: string | null;
  results: SettingResult[];
  best: SettingResult;
  bestMirOnly: SettingResult;
}): void {
  const pct = (value: number) => `${(100 * value).toFixed(1)} %`.padStart(8);
  const lines = [
    `${report.dataset}: ${report.clips} clips, genres ${report.labels.join(', ')}; artists ${report.artistsKnown ? 'known for every clip' : 'not all known (unknown ones count as their own artist)'}`,
    `features: ${report.features}${report.embeddingTrainedOn ? ` (model trained on ${report.embeddingTrainedOn})` : ''}; genre precision@${report.k}, leave-one-out`,
    '',
    `${'w_embedding'.padEnd(12)} ${'w_mir'.padEnd(6)} ${'z clip'.padEnd(7)} ${'same artist counted'.padStart(20)} ${'same artist excluded'.padStart(21)}`,
  ];
  for (const result of report.results) {
    lines.push(
      `${result.weights.embedding.toFixed(2).padEnd(12)} ${result.weights.mir.toFixed(2).padEnd(6)} ${String(result.zClip ?? 'none').padEnd(7)} ${pct(result.withSameArtist.precision).padStart(20)} ${pct(result.sameArtistExcluded.precision).padStart(21)}`,
    );
  }
  const describe = (title: string, best: SettingResult) => [
    '',
    `${title}: w_embedding ${best.weights.embedding}, w_mir ${best.weights.mir}, z clip ${best.zClip ?? 'none'}: ` +
      `${pct(best.sameArtistExcluded.precision).trim()} same artist excluded, ${pct(best.withSameArtist.precision).trim()} counted`,
    `  per genre, same artist excluded: ${Object.entries(best.sameArtistExcluded.perLabel).map(([label, value]) => `${label} ${pct(value).trim()}`).join(', ')}`,
    `  per genre, same artist counted:  ${Object.entries(best.withSameArtist.perLabel).map(([label, value]) => `${label} ${pct(value).trim()}`).join(', ')}`,
  ];
  lines.push(...describe('best setting (by same artist excluded)', report.best));
  if (report.best !== report.bestMirOnly) lines.push(...describe('best MIR-only setting', report.bestMirOnly));
  console.log(lines.join('\n'));
}

/** A registered model's training data set (if its definition names one) and a hash of its weights. */
async function describeModel(modelId: string): Promise<{ trainedOn: string | null; weightsHash: string }> {
  const directory = path.join(defaultModelsDirectory(), findEntry(await readRegistry(), modelId).path);
  const definition = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8')) as ModelDefinition;
  const weights = await readFile(path.join(directory, definition.weightsFile));
  const data = definition.training?.data;
  return {
    trainedOn: typeof data === 'string' ? data : null,
    weightsHash: createHash('sha1').update(weights).digest('hex').slice(0, 12),
  };
}

/** The cache is a build artefact: a `.gitignore` of `*` keeps it out of any repository it sits in. */
async function ensureIgnoredByGit(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, '.gitignore'), '*\n');
}
