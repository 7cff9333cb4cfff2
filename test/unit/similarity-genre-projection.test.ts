import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { seededUniform } from '../../core/ml/random.js';
import { fitGenreProjection, projectGenres } from '../../core/similarity/genre-projection.js';
import { cholesky, solveLower, solveLowerTransposed } from '../../core/similarity/linear-algebra.js';
import { LibrarySimilarity, similarityVectors } from '../../core/similarity/library.js';
import { loadSimilarityTracks } from '../../core/similarity/library-db.js';
import { deserializeSpace, fitSimilaritySpace, norm, serializeSpace, trackVector, vectorDimension } from '../../core/similarity/vectors.js';

import { makeTempDir } from '../helpers/temp.js';
import { addClusteredTracks } from './similarity-fixtures.js';

const close = (a: number, b: number, tolerance = 1e-6) => assert.ok(Math.abs(a - b) <= tolerance, `${a} vs ${b}`);

test('cholesky factor and the two triangular solves', () => {
  const matrix = Float64Array.from([4, 2, 2, 2, 5, 3, 2, 3, 6]);
  const lower = cholesky(matrix, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += lower[i * 3 + k] * lower[j * 3 + k];
      close(sum, matrix[i * 3 + j], 1e-12);
    }
  }
  assert.equal(lower[0 * 3 + 1], 0, 'lower triangular');
  const b = [1, -2, 3];
  const x = solveLower(lower, 3, b);
  for (let i = 0; i < 3; i++) close(lower[i * 3] * x[0] + lower[i * 3 + 1] * x[1] + lower[i * 3 + 2] * x[2], b[i], 1e-12);
  const y = solveLowerTransposed(lower, 3, b);
  for (let i = 0; i < 3; i++) close(lower[i] * y[0] + lower[3 + i] * y[1] + lower[6 + i] * y[2], b[i], 1e-12);
  assert.throws(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2), /not positive definite/);
});

/**
 * Tracks in `dim` statistics: each genre shifts two statistics a little (1.2 from the centre), while two
 * per-track factors the genres do not share (say loudness and recording) move every statistic
 * together, so the raw cosine neighbours follow those factors more than the genre.
 */
function genreTracks(perGenre: number, seed: number, dim = 24) {
  const random = seededUniform(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const genres = ['ambient', 'jazz', 'metal'];
  const rows: Float64Array[] = [];
  const labels: string[] = [];
  genres.forEach((genre, g) => {
    for (let i = 0; i < perGenre; i++) {
      const loudness = 1.5 * gaussian();
      const recording = 1.5 * gaussian();
      const row = Float64Array.from({ length: dim }, (_, j) => loudness + (j % 2 ? recording : -recording) + 0.5 * gaussian());
      row[0] += 1.2 * Math.cos((2 * Math.PI * g) / 3);
      row[1] += 1.2 * Math.sin((2 * Math.PI * g) / 3);
      rows.push(row);
      labels.push(genre);
    }
  });
  return { rows, labels };
}

/** Genre precision@k of test rows among training rows by cosine of `embed(row)`. */
function precisionAtK(train: { rows: Float64Array[]; labels: string[] }, query: { rows: Float64Array[]; labels: string[] }, embed: (row: Float64Array) => Float64Array, k = 10): number {
  const unit = (values: Float64Array) => values.map((value) => value / (norm(values) || 1));
  const candidates = train.rows.map((row) => unit(embed(row)));
  let total = 0;
  query.rows.forEach((row, q) => {
    const point = unit(embed(row));
    const nearest = candidates
      .map((candidate, i) => ({ i, score: candidate.reduce((sum, value, j) => sum + value * point[j], 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    total += nearest.filter(({ i }) => train.labels[i] === query.labels[q]).length / k;
  });
  return total / query.rows.length;
}

test('the projection learnt on some tracks finds the genre of others better than the raw statistics', () => {
  const train = genreTracks(60, 1);
  const held = genreTracks(30, 2);
  const projection = fitGenreProjection(train.rows, train.labels);
  assert.ok(projection);
  assert.deepEqual(projection.genres, ['ambient', 'jazz', 'metal']);
  assert.equal(projection.axisCount, 2, 'three genres: two discriminant axes');
  const raw = precisionAtK(train, held, (row) => row);
  const learnt = precisionAtK(train, held, (row) => projectGenres(row, projection));
  assert.ok(raw < 0.6, `the noise hides the genre from the raw cosine (${raw})`);
  assert.ok(learnt > raw + 0.25, `projected ${learnt} vs raw ${raw}`);
});

test('without shrinkage the axes whiten the spread within genres and separate their means', () => {
  const { rows, labels } = genreTracks(80, 3, 6);
  const projection = fitGenreProjection(rows, labels, { shrinkage: 0 })!;
  const projected = rows.map((row) => projectGenres(row, projection));
  // Within-genre covariance of the projected tracks (pooled, divided by n as the fit does): the identity.
  const axes = projection.axisCount;
  const means = new Map<string, Float64Array>();
  for (const genre of projection.genres) {
    const members = projected.filter((_, i) => labels[i] === genre);
    means.set(genre, Float64Array.from({ length: axes }, (_, a) => members.reduce((sum, point) => sum + point[a], 0) / members.length));
  }
  for (let a = 0; a < axes; a++) {
    for (let b = 0; b < axes; b++) {
      let sum = 0;
      projected.forEach((point, i) => {
        const mean = means.get(labels[i])!;
        sum += (point[a] - mean[a]) * (point[b] - mean[b]);
      });
      close(sum / rows.length, a === b ? 1 : 0, 1e-9);
    }
  }
  // The labelled tracks' mean sits at the origin.
  for (let a = 0; a < axes; a++) close(projected.reduce((sum, point) => sum + point[a], 0), 0, 1e-9);
});

test('too few labelled tracks or a single genre: no projection', () => {
  const { rows, labels } = genreTracks(30, 4);
  assert.equal(fitGenreProjection(rows, labels.map((label, i) => (i % 10 === 0 ? label : null))), null, '9 labelled tracks');
  assert.equal(fitGenreProjection(rows, labels.map(() => 'rock')), null, 'one genre');
  // A genre below minTracksPerGenre is left out, not fitted on.
  const rare = labels.map((label, i) => (label === 'metal' ? (i % 10 === 0 ? 'metal' : null) : label));
  assert.deepEqual(fitGenreProjection(rows, rare)?.genres, ['ambient', 'jazz']);
});

test('a space learns a projection block from its labels, weighted like the other blocks, and keeps it through JSON', () => {
  const { rows, labels } = genreTracks(30, 5);
  const space = fitSimilaritySpace(rows, { genreLabels: labels.map((label, i) => (i % 3 === 0 ? null : label)), weights: { embedding: 0, mir: 0.8, projection: 0.6 } });
  assert.ok(space.genreProjection);
  assert.equal(vectorDimension(space), 2 + rows[0].length);
  const vector = trackVector({ mir: rows[7] }, space);
  close(norm(vector), 1);
  close(norm(vector.subarray(0, 2)), 0.6);
  close(norm(vector.subarray(2)), 0.8);
  const restored = deserializeSpace(serializeSpace(space));
  assert.deepEqual(restored, space);
  assert.deepEqual(trackVector({ mir: rows[7] }, restored), vector);

  const unlabelled = fitSimilaritySpace(rows, { genreLabels: labels.map(() => null) });
  assert.equal(unlabelled.genreProjection, null);
  assert.equal(vectorDimension(unlabelled), rows[0].length, 'no labels: the unsupervised space');
});

test('a library learns from confirmed genres, else tag genres the vocabulary knows; the map keeps the unsupervised space', () => {
  const temp = makeTempDir('timbre-genre-projection-');
  const db = openDatabase(path.join(temp.dir, 'library.db'));
  try {
    // 'Favourites' is a free-text tag, not a genre: those tracks are unlabelled unless confirmed.
    const ids = addClusteredTracks(db, { root: path.join(temp.dir, 'music'), count: 60, genres: ['Ambient', 'metal', 'Favourites'] });
    const genres = new GenresRepo(db);
    const jazz = genres.resolveOrCreate('Jazz');
    genres.setConfirmedRows(ids[2], [{ genreId: jazz.id, source: 'user', confirmedAt: 1 }]);
    genres.setConfirmedRows(ids[1], [{ genreId: jazz.id, source: 'user', confirmedAt: 1 }]);

    const tracks = loadSimilarityTracks(db);
    const labelOf = (id: number) => tracks.find((track) => track.id === id)!.labelGenre;
    assert.equal(labelOf(ids[0]), 'Ambient');
    assert.equal(labelOf(ids[3 + 1]), 'Metal', 'a tag genre under its canonical name');
    assert.equal(labelOf(ids[5]), null, 'a free-text tag teaches nothing');
    assert.equal(labelOf(ids[2]), 'Jazz', 'a confirmed genre first');
    assert.equal(labelOf(ids[1]), 'Jazz', 'a confirmed genre over a tag genre');

    const library = new LibrarySimilarity(tracks);
    assert.deepEqual(library.space.genreProjection?.genres, ['Ambient', 'Metal'], 'Jazz has 2 tracks: too few to learn');
    assert.equal(library.index.dim, 1 + 518);
    assert.equal(similarityVectors(tracks, { learnGenres: false }).dim, 518);
  } finally {
    db.close();
    temp.cleanup();
  }
});
