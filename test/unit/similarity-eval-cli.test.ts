import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
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
  const result = await runTimbre(['eval-similar', '--data', genres, '--no-embedding', '--k', '2', '--folds', '2', '--cache', cache, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    clips: number;
    labels: string[];
    artistsKnown: boolean;
    features: string;
    fixed: Array<{ setting: string; scores: Scores }>;
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
  assert.match(result.stderr, /--label-by is genre-folder or folder/);
});
