import assert from 'node:assert/strict';
import { test } from 'node:test';
import { precisionAtK } from '../../core/similarity/evaluate.js';
import { CosineIndex } from '../../core/similarity/index.js';

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
