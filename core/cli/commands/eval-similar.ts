import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { genreFamilies } from '../../genres/tree.js';
import { listAudioFiles } from '../../library/files.js';
import { FeatureCache } from '../../ml/feature-cache.js';
import { activeBackbone, scanPatchLimit } from '../../ml/pretrained/backbone.js';
import { fileBackboneFeatures } from '../../ml/pretrained/dataset-features.js';
import { loadClassifier, type GenreClassifier } from '../../ml/classifier.js';
import { readFolderDataset, type FolderDataset } from '../../ml/dataset.js';
import { splitForValidation } from '../../ml/experiment.js';
import { defaultModelsDirectory, findEntry, readRegistry, type ModelDefinition } from '../../ml/registry.js';
import { groupedFolds } from '../../ml/splits.js';
import { ClipFeatureCache, type ClipFeatures, type Embedder } from '../../similarity/clip-features.js';
import { EMBEDDING_WEIGHT_GRID, precisionAtK, WeightSearch, type PrecisionReport } from '../../similarity/evaluate.js';
import { CosineIndex } from '../../similarity/index.js';
import {
  DEFAULT_NORMALISATION,
  DEFAULT_WEIGHTS,
  fitSimilaritySpace,
  normaliseMir,
  packVectors,
  trackVector,
  vectorDimension,
  type MirNormalisation,
  type SimilaritySpace,
  type VectorWeights,
} from '../../similarity/vectors.js';
import { defineCommand, integerOption, UsageError } from '../command.js';
import { existingFolder } from './options.js';

export const summary = 'eval-similar --data DIR [--json]: genre precision@10 of "sounds like this", leave-one-out, weights by artist-grouped search';

const USAGE = `usage: timbre eval-similar --data DIR [--label-by genre-folder|folder|families] [--k 10] [--folds 5] [--seed 1]
                           [--fold-seeds 5] [--model ID | --backbone | --no-embedding] [--no-search] [--cache DIR] [--json]
                           [--probabilities FILE [--probability-key cnnLstm]]

For every clip, its k nearest other clips by similarity vector; reports the fraction that share its
label, with clips by the same artist (DIR/artists.tsv) counted, and excluded from the candidates.
  --label-by genre-folder  DIR/<genre>/<clips> (default)
  --label-by folder        every top-level folder of DIR is a label, audio found at any depth below
                           it (e.g. one folder per game soundtrack); no artists, so the two agree
  --label-by families      DIR/metadata.tsv (file, artist, genres; e.g. mer4q-dev): each clip's genres
                           placed on the genre tree's families (core/genres/tree.ts), clips with none
                           left out; a neighbour is a hit when it shares any family with the query.
                           Weight searches need one label per clip and are skipped.
Vectors combine the 518 MIR statistics with the genre classifier's embedding (the default model, or
--model ID), or with --backbone the active pretrained backbone's embedding (\`timbre models\`), computed
on the scan's patches (TIMBRE_BACKBONE_PATCHES) and cached with the training features. Reported: fixed settings (z-score vs rank normalisation, embedding on/off, the shipped
defaults, none of them using labels); the genre projection the library learns from its labelled
tracks, fitted on the training artists of each artist-grouped fold and queried with the others'
clips (mean ± sd over --fold-seeds fold draws); then group, moment and block weights chosen by coordinate ascent on precision with the
same artist excluded, scored on artists the search did not see (--folds artist-grouped folds), and,
when the model was trained on DIR, on the artists it held out for validation (clips it never
heard), with the weights chosen on its training clips. --no-search skips the searches.
--probabilities FILE adds a genre-probability block from out-of-fold predictions (\`timbre eval
--data DIR --predictions FILE\`; --probability-key picks which model's, default cnnLstm).
Per-clip features are cached under --cache (default .cache/eval-similar).`;

interface Clip {
  file: string;
  label: string;
  group: string;
}

interface Scores {
  withSameArtist: PrecisionReport;
  sameArtistExcluded: PrecisionReport;
}

interface SearchedScores {
  /** Pooled over the held-out queries. */
  withSameArtist: number;
  sameArtistExcluded: number;
  queries: number;
  /** The weights each search chose. */
  weights: VectorWeights[];
}

const spec = {
  name: 'eval-similar',
  usage: USAGE,
  options: {
    data: { type: 'string' },
    'label-by': { type: 'string', default: 'genre-folder' },
    k: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    'fold-seeds': { type: 'string' },
    cache: { type: 'string', default: path.join('.cache', 'eval-similar') },
    model: { type: 'string' },
    'no-embedding': { type: 'boolean', default: false },
    backbone: { type: 'boolean', default: false },
    'no-search': { type: 'boolean', default: false },
    probabilities: { type: 'string' },
    'probability-key': { type: 'string', default: 'cnnLstm' },
    json: { type: 'boolean', default: false },
  },
} as const;

export const run = defineCommand(spec, async ({ values }) => {
  if (!values.data) throw new UsageError('--data DIR is required');
  const k = integerOption(values.k, '--k', { fallback: 10 });
  const folds = integerOption(values.folds, '--folds', { fallback: 5, min: 2 });
  const seed = integerOption(values.seed, '--seed', { fallback: 1 });
  const foldSeeds = integerOption(values['fold-seeds'], '--fold-seeds', { fallback: 5 });
  const labelBy = values['label-by'];
  if (labelBy !== 'genre-folder' && labelBy !== 'folder' && labelBy !== 'families') throw new UsageError('--label-by is genre-folder, folder or families');
  if (values.backbone && (values['no-embedding'] || values.model)) throw new UsageError('--backbone replaces the classifier embedding: not with --model or --no-embedding');

  const dataDir = existingFolder(values.data);
  const families = labelBy === 'families' ? await readFamiliesDataset(dataDir) : null;
  const dataset = families?.dataset ?? (labelBy === 'folder' ? await readTopFolderDataset(dataDir) : await readFolderDataset(dataDir));
  const clips: Clip[] = dataset.clips;
  const relevant = families ? (query: number, neighbour: number) => families.families[neighbour].some((family) => families.families[query].includes(family)) : undefined;
  // Weight searches optimise single-label precision.
  const noSearch = values['no-search'] || families !== null;
  const cache = new ClipFeatureCache(values.cache);
  await ensureIgnoredByGit(values.cache);

  const backbone = values.backbone ? await activeBackbone() : null;
  if (values.backbone && !backbone) throw new Error('--backbone: no pretrained backbone is installed (timbre models)');
  const backbonePatches = scanPatchLimit();
  const backboneCache = new FeatureCache();
  let classifier: GenreClassifier | null = null;
  if (!values['no-embedding'] && !values.backbone) {
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
        embed: (melDb) => classifier.embedMel(melDb),
      }
    : undefined;
  const trainedOnThis = model?.definition.training?.data === path.basename(path.resolve(values.data));

  const features: ClipFeatures[] = [];
  const started = Date.now();
  let reported = started;
  for (const [i, clip] of clips.entries()) {
    const clipFeatures = await cache.features(clip.file, embedder);
    if (backbone) {
      const computed = await fileBackboneFeatures(clip.file, backbone, backboneCache, undefined, { maxPatches: backbonePatches });
      clipFeatures.embedding = computed.embedding;
    }
    features.push(clipFeatures);
    // Progress every ~10 s: silent when everything comes from the cache.
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      console.error(`eval-similar: features ${i + 1}/${clips.length} (${((reported - started) / 1000).toFixed(0)} s)`);
    }
  }
  classifier?.dispose();

  const labels = clips.map((clip) => clip.label);
  const groups = clips.map((clip) => clip.group);
  const embeddingDim = features[0].embedding?.length ?? 0;
  const probabilities = values.probabilities ? await readOutOfFoldProbabilities(values.probabilities, values['probability-key'], clips) : null;
  const genreDim = probabilities?.[0]?.length ?? 0;
  const trackFeatures = features.map((clip, row) => ({ mir: clip.mir, embedding: clip.embedding, genreProbabilities: probabilities?.[row] ?? null }));
  const mirRows = features.map((clip) => clip.mir);
  const spaces = {
    rank: fitSimilaritySpace(mirRows, { embeddingDim, genreDim, normalisation: 'rank' }),
    zscore: fitSimilaritySpace(mirRows, { embeddingDim, genreDim, normalisation: 'zscore' }),
  };
  const score = (normalisation: MirNormalisation, weights: VectorWeights, queries?: number[]): Scores =>
    scoreInSpace({ ...spaces[normalisation], weights }, queries);
  const scoreInSpace = (space: SimilaritySpace, queries?: number[]): Scores => {
    const dim = vectorDimension(space);
    const index = CosineIndex.fromVectors(packVectors(trackFeatures.map((clip) => trackVector(clip, space)), dim), dim);
    return {
      withSameArtist: precisionAtK(index, labels, groups, k, { queries, relevant }),
      sameArtistExcluded: precisionAtK(index, labels, groups, k, { queries, excludeSameGroup: true, relevant }),
    };
  };

  const plain = (embedding: number): VectorWeights => ({ embedding, mir: Math.round((1 - embedding) * 100) / 100 });
  const fixed: Array<{ setting: string; scores: Scores }> = [
    { setting: 'MIR only, z-score (clip 4), every statistic alike', scores: score('zscore', plain(0)) },
    { setting: 'MIR only, rank, every statistic alike', scores: score('rank', plain(0)) },
  ];
  if (embeddingDim > 0) {
    fixed.push({ setting: 'embedding only', scores: score('rank', plain(1)) });
    fixed.push({ setting: 'rank MIR + embedding, 0.5 / 0.5', scores: score('rank', plain(0.5)) });
  }
  if (genreDim > 0) {
    fixed.push({ setting: 'out-of-fold genre probabilities only', scores: score('rank', { embedding: 0, mir: 0, genre: 1 }) });
    fixed.push({ setting: 'rank MIR + out-of-fold genre probabilities, 1 / 0.5', scores: score('rank', { embedding: 0, mir: 1, genre: 0.5 }) });
  }
  const shippedWeights = embeddingDim > 0 ? DEFAULT_WEIGHTS : { ...DEFAULT_WEIGHTS, embedding: 0, mir: 1, projection: 1 };
  fixed.push({
    setting: `shipped defaults without labels (${DEFAULT_NORMALISATION}; vectors.ts DEFAULT_WEIGHTS${embeddingDim > 0 ? '' : ', no embedding'})`,
    scores: score(DEFAULT_NORMALISATION, shippedWeights),
  });

  // A space that learns genres from the labels of `labelledRows` only (as a library learns from its
  // labelled tracks); every clip is in the index.
  const learntSpace = (labelledRows: readonly number[], weights: VectorWeights): SimilaritySpace => {
    const labelled = new Set(labelledRows);
    return fitSimilaritySpace(mirRows, {
      embeddingDim,
      genreDim,
      weights,
      genreLabels: labels.map((label, row) => (labelled.has(row) ? label : null)),
    });
  };
  const projectionSettings: Array<{ setting: string; weights: VectorWeights }> = [
    { setting: 'rank MIR + genre projection, 1 / 1', weights: { embedding: 0, mir: 1, projection: 1 } },
    { setting: 'genre projection only', weights: { embedding: 0, mir: 0, projection: 1 } },
    { setting: 'rank MIR + genre projection, 1 / 0.5', weights: { embedding: 0, mir: 1, projection: 0.5 } },
    { setting: 'rank MIR + genre projection, 0.5 / 1', weights: { embedding: 0, mir: 0.5, projection: 1 } },
  ];
  const groupedAssignment = (foldSeed: number) =>
    groupedFolds(
      clips.map((clip) => ({ label: dataset.labels.indexOf(clip.label), group: clip.group })),
      folds,
      foldSeed,
      dataset.labels.length,
    );
  // Each fold seed's folds, with the space learnt from the training clips' labels (every weighting
  // below shares it).
  const foldSpaces = Array.from({ length: foldSeeds }, (_, s) => {
    const assignment = groupedAssignment(seed + s);
    return Array.from({ length: folds }, (_, fold) => ({
      heldOut: labels.flatMap((_, row) => (assignment[row] === fold ? [row] : [])),
      space: learntSpace(
        labels.flatMap((_, row) => (assignment[row] !== fold ? [row] : [])),
        DEFAULT_WEIGHTS,
      ),
    }));
  });
  // Folds whose training clips are too few to learn a projection keep the plain space, as a library
  // would; they are counted so that a small data set's numbers are not taken for the projection's.
  const foldsWithoutProjection = foldSpaces.flat().filter(({ space }) => !space.genreProjection).length;
  const projectionCrossValidation = projectionSettings.map(({ setting, weights }) => {
    const perSeed = foldSpaces.map((seedFolds) =>
      pooled(seedFolds.map(({ space, heldOut }) => ({ weights, scores: scoreInSpace({ ...space, weights }, heldOut) }))),
    );
    return { setting, weights, ...meanAndSd(perSeed) };
  });

  let searches: Record<string, unknown> | null = null;
  if (!noSearch) {
    const normalised = features.map((clip) => normaliseMir(clip.mir, spaces.rank));
    const search = new WeightSearch(
      normalised,
      features.map((clip) => clip.embedding),
      labels,
      groups,
      probabilities ?? [],
    );
    const all = clips.map((_, row) => row);
    const assignment = groupedAssignment(seed);
    // Weights chosen on some clips (queries and neighbours among them only, so no label of the
    // scored clips steers the choice), then scored with real vectors on the held-out queries
    // against every clip, as a library would search them.
    const searchAndScore = (searchRows: number[], heldOut: number[], withEmbedding: boolean, withGenre = false) => {
      const chosen = search.search({ queries: searchRows, candidates: searchRows, k, withEmbedding, withGenre });
      return { weights: chosen.weights, searchPrecision: chosen.precision, scores: score('rank', chosen.weights, heldOut) };
    };
    const crossValidated = (withEmbedding: boolean, withGenre = false): SearchedScores => {
      const results = Array.from({ length: folds }, (_, fold) => {
        const heldOut = all.filter((row) => assignment[row] === fold);
        const result = searchAndScore(all.filter((row) => assignment[row] !== fold), heldOut, withEmbedding, withGenre);
        console.error(
          `eval-similar: ${withEmbedding ? 'with embedding' : withGenre ? 'with genre probabilities' : 'MIR only'}, fold ${fold + 1}/${folds}: ` +
            `${pct(result.scores.sameArtistExcluded.precision)} on its ${heldOut.length} held-out clips (search ${pct(result.searchPrecision)})`,
        );
        return result;
      });
      return pooled(results);
    };
    const final = search.search({ queries: all, candidates: all, k, withEmbedding: false });
    searches = {
      folds,
      seed,
      crossValidatedMirOnly: crossValidated(false),
      crossValidatedWithEmbedding: embeddingDim > 0 ? crossValidated(true) : null,
      crossValidatedWithGenre: genreDim > 0 ? crossValidated(false, true) : null,
      heldBackArtists: model && trainedOnThis ? heldBackCheck() : null,
      chosenOnAllClips: { mirOnly: final.weights, searchPrecision: final.precision },
    };

    function heldBackCheck() {
      const validation = modelValidationRows(model!.definition, clips, dataset.labels);
      if (!validation) return null;
      const heldBack = validation.rows;
      const held = new Set(heldBack);
      const dev = all.filter((row) => !held.has(row));
      return {
        clips: heldBack.length,
        artists: new Set(heldBack.map((row) => groups[row])).size,
        steeredTraining: validation.steeredTraining,
        mirOnly: searchAndScore(dev, heldBack, false),
        withEmbedding: searchAndScore(dev, heldBack, true),
        // The shipped vectors as a library whose other tracks are labelled would build them: the
        // genre projection learnt from the other clips' labels, the held-back clips unlabelled.
        learntGenres: [
          { setting: 'shipped defaults, genre projection from the other clips', scores: scoreInSpace(learntSpace(dev, DEFAULT_WEIGHTS), heldBack) },
          { setting: 'rank MIR + genre projection 1 / 1, no embedding', scores: scoreInSpace(learntSpace(dev, { embedding: 0, mir: 1, projection: 1 }), heldBack) },
        ],
        // Each held-back clip queries all clips at plain MIR weights and each embedding weight: the
        // one view of the embedding on music the model never heard (6 artists: a noisy view).
        embeddingSweep: [...EMBEDDING_WEIGHT_GRID, 1].map((embedding) => ({ embedding, scores: score('rank', plain(embedding), heldBack) })),
      };
    }
  }

  const report = {
    dataset: path.resolve(values.data),
    labelBy,
    clips: clips.length,
    labels: dataset.labels,
    artistsKnown: dataset.groupedByArtist,
    k,
    features: backbone
      ? `mir518 + ${embeddingDim}-wide embedding of pretrained ${backbone.modelId} (${backbonePatches ?? 'all'} patch${backbonePatches === 1 ? '' : 'es'} per clip)`
      : classifier
        ? `mir518 + ${embeddingDim}-wide embedding of ${embedder!.modelId}`
        : 'mir518',
    embeddingTrainedOnThisData: trainedOnThis,
    fixed,
    genreProjection: {
      folds,
      foldSeeds: Array.from({ length: foldSeeds }, (_, s) => seed + s),
      foldsWithoutProjection,
      settings: projectionCrossValidation,
    },
    searches,
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return 0;
});

interface SpreadScores {
  /** Mean and standard deviation over fold seeds of the pooled held-out precision. */
  withSameArtist: { mean: number; sd: number };
  sameArtistExcluded: { mean: number; sd: number };
}

function meanAndSd(perSeed: SearchedScores[]): SpreadScores {
  const spread = (values: number[]) => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    return { mean, sd: Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length) };
  };
  return {
    withSameArtist: spread(perSeed.map((scores) => scores.withSameArtist)),
    sameArtistExcluded: spread(perSeed.map((scores) => scores.sameArtistExcluded)),
  };
}

function pooled(results: Array<{ weights: VectorWeights; scores: Scores }>): SearchedScores {
  let queries = 0;
  let counted = 0;
  let excluded = 0;
  for (const { scores } of results) {
    queries += scores.withSameArtist.queries;
    counted += scores.withSameArtist.precision * scores.withSameArtist.queries;
    excluded += scores.sameArtistExcluded.precision * scores.sameArtistExcluded.queries;
  }
  return { withSameArtist: counted / queries, sameArtistExcluded: excluded / queries, queries, weights: results.map((result) => result.weights) };
}

/**
 * Clips the registered model never trained on: those in the validation split (by artist) of every
 * one of its networks, rebuilt with the seeds recorded in its model.json (core/ml/experiment.ts
 * splitForValidation, as `timbre train` drew them). Null when the definition lacks what is needed
 * or the rebuilt split's size disagrees with the recorded one.
 */
export function modelValidationRows(definition: ModelDefinition, clips: Clip[], labels: string[]): { rows: number[]; steeredTraining: boolean } | null {
  const training = definition.training as
    | { options?: { seed?: number; minEpochs?: number; maxEpochs?: number; restoreBest?: boolean }; members?: Array<{ validationClips?: number }> }
    | undefined;
  const seed = training?.options?.seed;
  const members = training?.members;
  if (typeof seed !== 'number' || !members?.length) return null;
  const items = clips.map((clip, row) => ({ row, label: labels.indexOf(clip.label), group: clip.group }));
  let unseen: number[] | null = null;
  for (const [member, recorded] of members.entries()) {
    // trainEnsemble's seed for member m.
    const { validation } = splitForValidation(items, labels.length, seed + 7919 * member);
    if (validation.length !== recorded.validationClips) return null;
    const rows = new Set(validation.map((item) => item.row));
    unseen = (unseen ?? [...rows]).filter((row) => rows.has(row));
  }
  // Early stopping or keeping the best epoch lets the validation loss pick the weights kept: the
  // clips were never trained on, but they steered when training stopped.
  const options = training!.options!;
  const steeredTraining = options.restoreBest === true || (options.minEpochs ?? 0) < (options.maxEpochs ?? 0);
  return { rows: unseen!.sort((a, b) => a - b), steeredTraining };
}

/**
 * Every clip's genre probabilities from a model that never trained on it, as `timbre eval --data DIR
 * --predictions FILE` writes them (artist-grouped cross-validation: { labels, predictions: [{ file,
 * <key>: number[] }] }). Each clip's row comes from its own fold's model, so rows are comparable
 * across clips (the same labels in the same order), unlike embeddings of different networks.
 */
async function readOutOfFoldProbabilities(file: string, key: string, clips: Clip[]): Promise<Array<number[] | null>> {
  const data = JSON.parse(await readFile(file, 'utf8')) as { labels?: string[]; predictions?: Array<Record<string, unknown> & { file: string }> };
  if (!Array.isArray(data.predictions) || !Array.isArray(data.labels)) throw new Error(`${file}: expected { labels, predictions }`);
  const byFile = new Map(data.predictions.map((row) => [path.resolve(row.file), row[key]]));
  const rows = clips.map((clip) => {
    const row = byFile.get(path.resolve(clip.file));
    return Array.isArray(row) && row.length === data.labels!.length ? row.map(Number) : null;
  });
  const missing = rows.filter((row) => !row).length;
  if (missing === clips.length) throw new Error(`${file}: no '${key}' probabilities for these clips`);
  if (missing > 0) console.error(`eval-similar: ${missing} clips have no '${key}' probabilities in ${file}`);
  return rows;
}

/**
 * DIR/metadata.tsv (columns file, artist, genres `;`-separated): each clip's genres placed on the genre
 * tree's families; clips with none (genres outside the tree) are left out. A clip's label is its first
 * family (for grouping and per-label figures); `families` holds all of them, row by row.
 */
async function readFamiliesDataset(root: string): Promise<{ dataset: FolderDataset; families: string[][] }> {
  const lines = (await readFile(path.join(root, 'metadata.tsv'), 'utf8')).split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0].split('\t');
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${path.join(root, 'metadata.tsv')}: no '${name}' column`);
    return index;
  };
  const [fileColumn, artistColumn, genresColumn] = [column('file'), column('artist'), column('genres')];
  const clips: Clip[] = [];
  const families: string[][] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const clipFamilies = [...new Set(cells[genresColumn].split(';').flatMap((genre) => genreFamilies(genre.trim())))];
    if (clipFamilies.length === 0) continue;
    clips.push({ file: path.join(root, cells[fileColumn]), label: clipFamilies[0], group: `artist:${cells[artistColumn]}` });
    families.push(clipFamilies);
  }
  if (clips.length === 0) throw new Error(`${root}: no clip has a genre on the genre tree`);
  const labels = [...new Set(clips.map((clip) => clip.label))].sort();
  return { dataset: { root, labels, clips, groupedByArtist: true }, families };
}

/** DIR/<label>/**: each top-level folder is a label (e.g. a soundtrack); no artists are known. */
async function readTopFolderDataset(root: string): Promise<FolderDataset> {
  const labels = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const clips: Clip[] = [];
  for (const label of labels) {
    const files = (await listAudioFiles(path.join(root, label))).map((file) => file.path).sort();
    for (const file of files) clips.push({ file, label, group: `file:${file}` });
  }
  if (labels.length < 2 || clips.length === 0) throw new Error(`${root}: expected at least two folders with audio files`);
  return { root, labels, clips, groupedByArtist: false };
}

const pct = (value: number) => `${(100 * value).toFixed(1)} %`;

function describeWeights(weights: VectorWeights): string {
  const list = (record: object | undefined) =>
    Object.entries((record ?? {}) as Record<string, number>)
      .filter(([, value]) => value !== 1)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ') || 'all 1';
  const genre = weights.genre === undefined ? '' : `, w_genre ${weights.genre}`;
  return `w_embedding ${weights.embedding}, w_mir ${weights.mir}${genre}; groups: ${list(weights.features)}; moments: ${list(weights.moments)}`;
}

function printReport(report: {
  dataset: string;
  clips: number;
  labels: string[];
  artistsKnown: boolean;
  k: number;
  features: string;
  embeddingTrainedOnThisData: boolean;
  fixed: Array<{ setting: string; scores: Scores }>;
  genreProjection: { folds: number; foldSeeds: number[]; foldsWithoutProjection: number; settings: Array<{ setting: string } & SpreadScores> };
  searches: Record<string, unknown> | null;
}): void {
  const both = (counted: number, excluded: number) => `${pct(counted).padStart(8)} counted, ${pct(excluded).padStart(8)} excluded`;
  const lines = [
    `${report.dataset}: ${report.clips} clips, labels ${report.labels.join(', ')}; artists ${report.artistsKnown ? 'known for every clip' : 'not all known (unknown ones count as their own artist)'}`,
    `features: ${report.features}${report.embeddingTrainedOnThisData ? ' — the model was TRAINED ON THIS DATA SET: numbers with the embedding are in-sample unless marked held back' : ''}`,
    `precision@${report.k}, leave-one-out, same artist counted / excluded`,
    '',
    'fixed settings, every clip a query:',
    ...report.fixed.map(({ setting, scores }) => `  ${setting.padEnd(72)} ${both(scores.withSameArtist.precision, scores.sameArtistExcluded.precision)}`),
    '',
    `genre projection learnt from the labels of ${report.genreProjection.folds - 1} of ${report.genreProjection.folds} artist-grouped folds, ` +
      `the other fold's clips query all clips (pooled; mean ± sd over fold seeds ${report.genreProjection.foldSeeds.join(', ')})` +
      (report.genreProjection.foldsWithoutProjection > 0
        ? `; ${report.genreProjection.foldsWithoutProjection} of ${report.genreProjection.folds * report.genreProjection.foldSeeds.length} folds had too few labelled clips for one (plain space):`
        : ':'),
    ...report.genreProjection.settings.map(({ setting, withSameArtist, sameArtistExcluded }) => {
      const spread = ({ mean, sd }: { mean: number; sd: number }) => `${pct(mean)} ± ${(100 * sd).toFixed(1)}`.padStart(14);
      return `  ${setting.padEnd(72)} ${spread(withSameArtist)} counted, ${spread(sameArtistExcluded)} excluded`;
    }),
  ];
  const searches = report.searches as {
    folds: number;
    crossValidatedMirOnly: SearchedScores;
    crossValidatedWithEmbedding: SearchedScores | null;
    crossValidatedWithGenre: SearchedScores | null;
    heldBackArtists: {
      clips: number;
      artists: number;
      steeredTraining: boolean;
      mirOnly: { weights: VectorWeights; scores: Scores };
      withEmbedding: { weights: VectorWeights; scores: Scores };
      learntGenres: Array<{ setting: string; scores: Scores }>;
      embeddingSweep: Array<{ embedding: number; scores: Scores }>;
    } | null;
    chosenOnAllClips: { mirOnly: VectorWeights; searchPrecision: number };
  } | null;
  if (searches) {
    const cv = (title: string, result: SearchedScores) => [
      `  ${title.padEnd(72)} ${both(result.withSameArtist, result.sameArtistExcluded)}`,
      ...result.weights.map((weights, fold) => `      fold ${fold + 1}: ${describeWeights(weights)}`),
    ];
    lines.push('', `weights searched on ${searches.folds - 1} of ${searches.folds} artist-grouped folds, scored on the held-out fold's clips (pooled):`);
    lines.push(...cv('rank MIR, group/moment weights', searches.crossValidatedMirOnly));
    if (searches.crossValidatedWithEmbedding) {
      lines.push(...cv(`rank MIR + embedding${report.embeddingTrainedOnThisData ? ' (embedding in-sample)' : ''}`, searches.crossValidatedWithEmbedding));
    }
    if (searches.crossValidatedWithGenre) {
      lines.push(...cv('rank MIR + out-of-fold genre probabilities (--probabilities)', searches.crossValidatedWithGenre));
    }
    const held = searches.heldBackArtists;
    if (held) {
      const row = (title: string, scores: Scores) => `  ${title.padEnd(72)} ${both(scores.withSameArtist.precision, scores.sameArtistExcluded.precision)}`;
      lines.push(
        '',
        `held back: the ${held.clips} clips of the ${held.artists} artists the model held out for validation (never trained on` +
          `${held.steeredTraining ? ', though their validation loss chose when training stopped' : ''});`,
        'weights searched on the other clips; each held-back clip queries all clips:',
        row('rank MIR, group/moment weights', held.mirOnly.scores),
        row('rank MIR + embedding', held.withEmbedding.scores),
        `      MIR only: ${describeWeights(held.mirOnly.weights)}`,
        `      with embedding: ${describeWeights(held.withEmbedding.weights)}`,
        ...held.learntGenres.map(({ setting, scores }) => row(setting, scores)),
        '  plain rank MIR (every group 1) and the embedding at each weight:',
        ...held.embeddingSweep.map(({ embedding, scores }) => row(`w_embedding ${embedding}`, scores)),
      );
    }
    lines.push(
      '',
      `MIR-only weights a search on every clip picks (${pct(searches.chosenOnAllClips.searchPrecision)} in-sample; compare the held-out folds above before shipping any):`,
      `  ${describeWeights(searches.chosenOnAllClips.mirOnly)}`,
    );
  }
  console.log(lines.join('\n'));
}

/** A registered model's definition and a hash of its weights. */
async function describeModel(modelId: string): Promise<{ definition: ModelDefinition; weightsHash: string }> {
  const directory = path.join(defaultModelsDirectory(), findEntry(await readRegistry(), modelId).path);
  const definition = JSON.parse(await readFile(path.join(directory, 'model.json'), 'utf8')) as ModelDefinition;
  const weights = await readFile(path.join(directory, definition.weightsFile));
  return { definition, weightsHash: createHash('sha1').update(weights).digest('hex').slice(0, 12) };
}

/** The cache is a build artefact: a `.gitignore` of `*` keeps it out of any repository it sits in. */
async function ensureIgnoredByGit(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, '.gitignore'), '*\n');
}
