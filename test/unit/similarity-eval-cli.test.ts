import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { modelValidationRows } from '../../core/cli/commands/eval-similar.js';
import { splitForValidation } from '../../core/ml/experiment.js';
import type { ModelDefinition } from '../../core/ml/registry.js';
import { synthesize } from '../helpers/audio.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const temp = makeTempDir('timbre-eval-similar-');
const genres = path.join(temp.dir, 'genres');
const soundtracks = path.join(temp.dir, 'soundtracks');
const cache = path.join(temp.dir, 'cache');

const TONES = [220, 330, 440, 550];
const NOISES = ['white', 'pink', 'brown', 'blue'];

/**
 * Two "genres" of 3-s clips that no statistic confuses: pure tones and coloured noise, two artists
 * each. The same audio, laid out as two "soundtracks" folders with files at different depths.
 */
before(() => {
  const rows = ['genre\tfile\tartist'];
  mkdirSync(path.join(genres, 'tones'), { recursive: true });
  mkdirSync(path.join(genres, 'noise'), { recursive: true });
  mkdirSync(path.join(soundtracks, 'alpha', 'music', 'deep'), { recursive: true });
  mkdirSync(path.join(soundtracks, 'beta'), { recursive: true });
  TONES.forEach((frequency, i) => {
    synthesize(path.join(genres, 'tones', `${i + 1}.wav`), { source: `sine=frequency=${frequency}` });
    synthesize(path.join(soundtracks, 'alpha', i < 2 ? 'music' : path.join('music', 'deep'), `${i + 1}.wav`), { source: `sine=frequency=${frequency}` });
    rows.push(`tones\t${i + 1}.wav\t${i < 2 ? 'Tone Artist A' : 'Tone Artist B'}`);
  });
  NOISES.forEach((color, i) => {
    synthesize(path.join(genres, 'noise', `${i + 1}.wav`), { source: `anoisesrc=color=${color}:seed=${i + 1}` });
    synthesize(path.join(soundtracks, 'beta', `${i + 1}.wav`), { source: `anoisesrc=color=${color}:seed=${i + 1}` });
    rows.push(`noise\t${i + 1}.wav\t${i < 2 ? 'Noise Artist C' : 'Noise Artist D'}`);
  });
  writeFileSync(path.join(genres, 'artists.tsv'), `${rows.join('\n')}\n`);
});

after(() => temp.cleanup());

interface Scores {
  withSameArtist: { precision: number; queries: number };
  sameArtistExcluded: { precision: number; queries: number };
}

test('eval-similar reports precision with the same artist counted and excluded, and the artist-grouped search', async () => {
  const result = await runTimbre(['eval-similar', '--data', genres, '--no-embedding', '--k', '2', '--folds', '2', '--fold-seeds', '2', '--cache', cache, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    clips: number;
    labels: string[];
    artistsKnown: boolean;
    features: string;
    fixed: Array<{ setting: string; scores: Scores }>;
    genreProjection: { foldSeeds: number[]; foldsWithoutProjection: number; settings: Array<{ setting: string; sameArtistExcluded: { mean: number; sd: number } }> };
    searches: {
      crossValidatedMirOnly: { withSameArtist: number; sameArtistExcluded: number; queries: number; weights: unknown[] };
      crossValidatedWithEmbedding: unknown;
      heldBackArtists: unknown;
    };
  };
  assert.equal(report.clips, 8);
  assert.deepEqual(report.labels, ['noise', 'tones']);
  assert.equal(report.artistsKnown, true);
  assert.equal(report.features, 'mir518');
  const rank = report.fixed.find(({ setting }) => setting.startsWith('MIR only, rank'));
  assert.ok(rank, report.fixed.map(({ setting }) => setting).join('; '));
  // Every clip's two nearest are of its own kind, whether or not its artist's other clip may count.
  assert.equal(rank.scores.withSameArtist.precision, 1);
  assert.equal(rank.scores.sameArtistExcluded.precision, 1);
  assert.equal(rank.scores.sameArtistExcluded.queries, 8);
  // Each of the 2 folds' clips is scored once, with weights searched on the other fold.
  assert.equal(report.searches.crossValidatedMirOnly.queries, 8);
  assert.equal(report.searches.crossValidatedMirOnly.weights.length, 2);
  assert.equal(report.searches.crossValidatedMirOnly.sameArtistExcluded, 1);
  assert.equal(report.searches.crossValidatedWithEmbedding, null);
  assert.equal(report.searches.heldBackArtists, null, 'no model: no held-back artists');
  // 4 training clips per fold are too few to learn genres from: every fold says it used the plain space.
  assert.deepEqual(report.genreProjection.foldSeeds, [1, 2]);
  assert.equal(report.genreProjection.foldsWithoutProjection, 4);
  const learnt = report.genreProjection.settings.find(({ setting }) => setting === 'rank MIR + genre projection, 1 / 1');
  assert.deepEqual(learnt?.sameArtistExcluded, { mean: 1, sd: 0 });
});

test('eval-similar --label-by folder labels files at any depth by their top-level folder', async () => {
  const result = await runTimbre(['eval-similar', '--data', soundtracks, '--label-by', 'folder', '--no-embedding', '--no-search', '--k', '3', '--cache', cache, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { clips: number; labels: string[]; artistsKnown: boolean; fixed: Array<{ scores: Scores }>; searches: unknown };
  assert.equal(report.clips, 8);
  assert.deepEqual(report.labels, ['alpha', 'beta']);
  assert.equal(report.artistsKnown, false);
  assert.equal(report.searches, null);
  for (const { scores } of report.fixed) assert.equal(scores.withSameArtist.precision, scores.sameArtistExcluded.precision, 'no artists: the two agree');
});

test('eval-similar rejects an unknown --label-by', async () => {
  const result = await runTimbre(['eval-similar', '--data', genres, '--label-by', 'artist']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--label-by is genre-folder, folder or families/);
});

test('held-back clips: the validation artists of every network of the model, rebuilt from its recorded seeds', () => {
  // 24 clips by 12 artists, 2 genres; what `timbre train` would hold out with seed 5 (network 1) and 5 + 7919 (network 2).
  const clips = Array.from({ length: 24 }, (_, i) => ({ file: `${i}.wav`, label: i % 2 ? 'rock' : 'pop', group: `artist:${Math.floor(i / 2)}` }));
  const items = clips.map((clip, row) => ({ row, label: clip.label === 'pop' ? 0 : 1, group: clip.group }));
  const first = splitForValidation(items, 2, 5).validation.map((item) => item.row);
  const second = new Set(splitForValidation(items, 2, 5 + 7919).validation.map((item) => item.row));
  const definition = (options: object, validationClips: number[]) =>
    ({ training: { options: { seed: 5, minEpochs: 30, maxEpochs: 30, ...options }, members: validationClips.map((count) => ({ validationClips: count })) } }) as unknown as ModelDefinition;

  const one = modelValidationRows(definition({}, [first.length]), clips, ['pop', 'rock']);
  assert.deepEqual(one, { rows: [...first].sort((a, b) => a - b), steeredTraining: false });
  const both = modelValidationRows(definition({}, [first.length, second.size]), clips, ['pop', 'rock']);
  assert.deepEqual(both?.rows, first.filter((row) => second.has(row)).sort((a, b) => a - b), 'only clips no network trained on');
  assert.equal(modelValidationRows(definition({}, [first.length + 1]), clips, ['pop', 'rock']), null, 'a split that does not match the record');
  assert.equal(modelValidationRows(definition({ restoreBest: true }, [first.length]), clips, ['pop', 'rock'])?.steeredTraining, true);
  assert.equal(modelValidationRows(definition({ minEpochs: 2 }, [first.length]), clips, ['pop', 'rock'])?.steeredTraining, true);
});

test('eval-similar --label-by families reads metadata.tsv, places genres on the tree, and counts a shared family as a hit', async () => {
  const families = path.join(temp.dir, 'families');
  mkdirSync(families, { recursive: true });
  const rows = ['file\tartist\ttitle\tgenres\tquadrant'];
  TONES.forEach((_, i) => rows.push(`../genres/tones/${i + 1}.wav\tTone ${i < 2 ? 'A' : 'B'}\tt\tJazz\tQ1`));
  NOISES.forEach((_, i) => rows.push(`../genres/noise/${i + 1}.wav\tNoise ${i < 2 ? 'C' : 'D'}\tn\t${i === 0 ? 'Electronic;Jazz' : 'Electronic'}\tQ2`));
  // Outside the tree: left out.
  rows.push('../genres/noise/1.wav\tSpeaker\ts\tComedy/Spoken\tQ3');
  writeFileSync(path.join(families, 'metadata.tsv'), `${rows.join('\n')}\n`);
  const result = await runTimbre(['eval-similar', '--data', families, '--label-by', 'families', '--no-embedding', '--k', '3', '--folds', '2', '--fold-seeds', '1', '--cache', cache, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { clips: number; labels: string[]; searches: unknown; fixed: Array<{ setting: string; scores: Scores }> };
  assert.equal(report.clips, 8);
  assert.deepEqual(report.labels, ['electronic', 'jazz']);
  assert.equal(report.searches, null, 'weight searches need one label per clip');
  const mirOnly = report.fixed[0].scores;
  // Noise 1 is Electronic and Jazz: every clip's neighbours share a family more often than not.
  assert.ok(mirOnly.withSameArtist.precision > 0.6, `precision ${mirOnly.withSameArtist.precision}`);
  assert.equal(mirOnly.withSameArtist.queries, 8);
});
