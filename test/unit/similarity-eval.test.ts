import assert from 'node:assert/strict';
import { test } from 'node:test';
import { precisionAtK, WeightSearch } from '../../core/similarity/evaluate.js';
import { CosineIndex } from '../../core/similarity/index.js';
import { fitSimilaritySpace, MIR_LAYOUT, normaliseMir, packVectors, trackVector, vectorDimension, type VectorWeights } from '../../core/similarity/vectors.js';
import { seededUniform } from '../../core/ml/random.js';

/**
 * Four clips per artist, two artists per genre. Each artist has its own direction; the genre adds
 * a shared one. Within an artist clips are near-identical, so with the artist's own clips allowed
 * the top 3 are always the artist's; without them, the genre mate comes next.
 */
function fixture(): { index: CosineIndex; labels: string[]; groups: string[] } {
  const dim = 8;
  const vectors: number[] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  for (let genre = 0; genre < 2; genre++) {
    for (let artist = 0; artist < 2; artist++) {
      for (let clip = 0; clip < 4; clip++) {
        const vector = new Array(dim).fill(0);
        vector[genre] = 1; // shared by the genre
        vector[2 + genre * 2 + artist] = 2; // the artist's own sound
        vector[6 + (clip % 2)] = 0.01 * (clip + 1);
        vectors.push(...vector);
        labels.push(`genre${genre}`);
        groups.push(`artist${genre}${artist}`);
      }
    }
  }
  return { index: CosineIndex.fromVectors(Float32Array.from(vectors), dim), labels, groups };
}

test('precision@k counts same-label neighbours, leave-one-out', () => {
  const { index, labels, groups } = fixture();
  const counted = precisionAtK(index, labels, groups, 3);
  assert.equal(counted.precision, 1, 'the 3 nearest are the artist\'s other clips');
  // k = 7: 3 own clips, then the 4 clips of the genre mate (cosine 0.2) beat other genres (0).
  assert.equal(precisionAtK(index, labels, groups, 7).precision, 1);
  // k = 8 must reach into the other genre: 7 of 8 right.
  assert.equal(precisionAtK(index, labels, groups, 8).precision, 7 / 8);
  assert.deepEqual(Object.keys(counted.perLabel), ['genre0', 'genre1']);
});

test('excluding the same artist removes its clips from the candidates', () => {
  const { index, labels, groups } = fixture();
  const excluded = precisionAtK(index, labels, groups, 4, { excludeSameGroup: true });
  assert.equal(excluded.precision, 1, 'the genre mate\'s 4 clips');
  const wider = precisionAtK(index, labels, groups, 8, { excludeSameGroup: true });
  assert.equal(wider.precision, 0.5, '4 genre-mate clips, then 4 of another genre');
  assert.equal(wider.shortQueries, 0);
  assert.equal(precisionAtK(index, labels, groups, 13, { excludeSameGroup: true }).shortQueries, 16);
});

/** Unit vectors at these angles (degrees) in the plane. */
function circleIndex(angles: number[]): CosineIndex {
  const vectors = angles.flatMap((angle) => [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)]);
  return CosineIndex.fromVectors(Float32Array.from(vectors), 2);
}

test('precision@2 by hand: five clips on a circle', () => {
  // Angles 0, 12, 20, 90, 100; labels A A B B B. Nearest two of each:
  //   0 → 12 (A), 20 (B): 1/2      12 → 20 (B), 0 (A): 1/2      20 → 12 (A), 0 (A): 0
  //   90 → 100 (B), 20 (B): 1      100 → 90 (B), 20 (B): 1
  const index = circleIndex([0, 12, 20, 90, 100]);
  const labels = ['A', 'A', 'B', 'B', 'B'];
  const groups = ['a1', 'a2', 'a3', 'a4', 'a4'];
  const all = precisionAtK(index, labels, groups, 2);
  assert.equal(all.precision, 3 / 5);
  assert.deepEqual(all.perLabel, { A: 1 / 2, B: 2 / 3 });
  assert.equal(all.queries, 5);
  // Only clips 20 and 90 as queries; every clip may still be a neighbour.
  assert.equal(precisionAtK(index, labels, groups, 2, { queries: [2, 3] }).precision, 1 / 2);
  // 90 and 100 share an artist: without each other they reach 20 (B) and 12 (A): 1/2 each.
  const excluded = precisionAtK(index, labels, groups, 2, { excludeSameGroup: true });
  assert.equal(excluded.precision, (0.5 + 0.5 + 0 + 0.5 + 0.5) / 5);
});

/**
 * 36 clips, 2 genres, 3 artists per genre, 6 clips per artist, 518 MIR statistics: the MFCC
 * statistics carry the genre (weakly), all the others the artist (strongly). With the same artist
 * excluded, uniform weights let the artist's sound decide; weighting MFCC up finds the genre.
 */
function weightFixture() {
  const next = seededUniform(7);
  const artistSound = Array.from({ length: 6 }, () => Array.from({ length: 518 }, () => next() * 6 - 3));
  const rows: number[][] = [];
  const embeddings: number[][] = [];
  const probabilities: number[][] = [];
  const labels: string[] = [];
  const groups: string[] = [];
  for (let artist = 0; artist < 6; artist++) {
    const genre = artist % 2;
    for (let clip = 0; clip < 6; clip++) {
      rows.push(
        MIR_LAYOUT.map(({ feature }, j) => {
          const noise = next() * 2 - 1;
          if (feature === 'mfcc') return noise + (genre ? 0.15 : -0.15);
          return artistSound[artist][j] + 0.3 * noise;
        }),
      );
      embeddings.push(Array.from({ length: 8 }, (_, e) => next() - 0.5 + (e === genre ? 0.4 : 0)));
      const own = 0.4 + 0.5 * next();
      probabilities.push(genre ? [1 - own, own] : [own, 1 - own]);
      labels.push(`genre${genre}`);
      groups.push(`artist${artist}`);
    }
  }
  return { rows, embeddings, probabilities, labels, groups };
}

test('WeightSearch scores a weighting exactly as the real vectors and index do', () => {
  const { rows, embeddings, probabilities, labels, groups } = weightFixture();
  const space = fitSimilaritySpace(rows, { embeddingDim: 8, genreDim: 2 });
  const search = new WeightSearch(
    rows.map((row) => normaliseMir(row, space)),
    embeddings,
    labels,
    groups,
    probabilities,
  );
  const all = rows.map((_, row) => row);
  const settings: VectorWeights[] = [
    { embedding: 0, mir: 1 },
    { embedding: 0.35, mir: 0.65, features: { mfcc: 4, chroma_cqt: 0.25 }, moments: { max: 0 } },
    { embedding: 0.8, mir: 0.2, features: { zcr: 8 } },
    { embedding: 0, mir: 1, genre: 0.5 },
    { embedding: 0.2, mir: 0.8, genre: 1, moments: { mean: 2 } },
  ];
  for (const weights of settings) {
    const vectors = rows.map((mir, i) => trackVector({ mir, embedding: embeddings[i], genreProbabilities: probabilities[i] }, { ...space, weights }));
    const dim = vectorDimension(space);
    const index = CosineIndex.fromVectors(packVectors(vectors, dim), dim);
    const expected = precisionAtK(index, labels, groups, 5, { excludeSameGroup: true }).precision;
    assert.ok(Math.abs(search.precision(weights, all, all, 5) - expected) < 1e-12, `${JSON.stringify(weights)}: ${expected}`);
  }
});

test('the weight search turns the genre-carrying group up against the artist-coloured ones', () => {
  const { rows, labels, groups } = weightFixture();
  const space = fitSimilaritySpace(rows);
  const search = new WeightSearch(
    rows.map((row) => normaliseMir(row, space)),
    rows.map(() => null),
    labels,
    groups,
  );
  const all = rows.map((_, row) => row);
  const uniform = search.precision({ embedding: 0, mir: 1 }, all, all, 5);
  const found = search.search({ queries: all, candidates: all, k: 5, withEmbedding: false });
  assert.ok(uniform < 0.9, `uniform weights: ${uniform}`);
  assert.equal(found.precision, 1, JSON.stringify(found.weights));
  const { mfcc, ...others } = found.weights.features!;
  assert.ok(mfcc! > 1, `mfcc ${mfcc}`);
  for (const [feature, weight] of Object.entries(others)) assert.ok(weight! <= mfcc!, `${feature} ${weight} vs mfcc ${mfcc}`);
  assert.equal(found.weights.embedding, 0, 'no embedding without embeddings');
  assert.equal(found.precision, search.precision(found.weights, all, all, 5));
});
