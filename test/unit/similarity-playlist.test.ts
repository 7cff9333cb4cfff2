import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosineIndex } from '../../core/similarity/index.js';
import { buildPlaylist, pathCost, smoothOrder, transitionCosts, type PlaylistTrack } from '../../core/similarity/playlist.js';
import { seededUniform } from '../../core/ml/random.js';

const DIM = 12;

/** A library of `n` tracks scattered around three cluster centres, with artists, albums, genres, tempi. */
function library(n = 300, seed = 1): { index: CosineIndex; tracks: PlaylistTrack[]; cluster: number[] } {
  const random = seededUniform(seed);
  const centres = [0, 1, 2].map(() => Array.from({ length: DIM }, () => random() * 2 - 1));
  const vectors = new Float32Array(n * DIM);
  const tracks: PlaylistTrack[] = [];
  const cluster: number[] = [];
  const genres = ['rock', 'jazz', 'ambient'];
  for (let row = 0; row < n; row++) {
    const c = row % 3;
    cluster.push(c);
    for (let j = 0; j < DIM; j++) vectors[row * DIM + j] = centres[c][j] + 0.6 * (random() * 2 - 1);
    tracks.push({
      artist: `artist ${row % 17}`,
      album: `album ${row % 41}`,
      genres: [genres[c], ...(row % 5 === 0 ? ['live'] : [])],
      durationSec: 120 + Math.round(random() * 180),
      tempoBpm: 70 + random() * 100,
    });
  }
  return { index: CosineIndex.fromVectors(vectors, DIM), tracks, cluster };
}

function countBy(values: Array<string | null | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

test('a playlist starts at its seed, has the requested count and no track twice', () => {
  const { index, tracks } = library();
  const playlist = buildPlaylist(index, tracks, { seeds: [4], count: 25 });
  assert.equal(playlist.rows.length, 25);
  assert.equal(playlist.rows[0], 4);
  assert.equal(new Set(playlist.rows).size, 25);
  assert.equal(playlist.scores.length, 25);
});

test('per-artist and per-album caps hold, seeds included', () => {
  const { index, tracks } = library();
  const playlist = buildPlaylist(index, tracks, { seeds: [0, 17], count: 30, maxPerArtist: 2, maxPerAlbum: 1 });
  assert.equal(playlist.rows.length, 30);
  const artists = countBy(playlist.rows.map((row) => tracks[row].artist));
  const albums = countBy(playlist.rows.map((row) => tracks[row].album));
  assert.ok(Math.max(...artists.values()) <= 2, `artists: ${[...artists.values()]}`);
  assert.ok(Math.max(...albums.values()) <= 1, `albums: ${[...albums.values()]}`);
  // Without caps the nearest tracks would repeat artists: the cap is doing something.
  const uncapped = buildPlaylist(index, tracks, { seeds: [0, 17], count: 30 });
  assert.ok(Math.max(...countBy(uncapped.rows.map((row) => tracks[row].artist)).values()) > 2);
});

test('genre filters: include keeps only those genres, exclude drops them (seeds exempt)', () => {
  const { index, tracks } = library();
  const seed = 0; // a rock track
  const jazzOnly = buildPlaylist(index, tracks, { seeds: [seed], count: 20, includeGenres: ['Jazz'] });
  assert.equal(jazzOnly.rows.length, 20);
  assert.ok(jazzOnly.rows.slice(1).every((row) => tracks[row].genres?.includes('jazz')));
  assert.equal(jazzOnly.rows[0], seed);

  const noLive = buildPlaylist(index, tracks, { seeds: [seed], count: 40, excludeGenres: ['live'] });
  assert.ok(noLive.rows.every((row) => row === seed || !tracks[row].genres?.includes('live')));
});

test('length by duration: the total stays within the budget and fills it', () => {
  const { index, tracks } = library();
  const budget = 3600;
  const playlist = buildPlaylist(index, tracks, { seeds: [9], durationSec: budget, maxPerArtist: 3 });
  const total = playlist.rows.reduce((sum, row) => sum + (tracks[row].durationSec ?? 0), 0);
  assert.equal(playlist.totalDurationSec, total);
  assert.ok(total <= budget, `total ${total}`);
  const shortest = Math.min(...tracks.map((track) => track.durationSec ?? Infinity));
  assert.ok(budget - total < shortest, `left ${budget - total} s while a ${shortest} s track exists`);
});

test('the play order has a lower transition cost than the ranked order', () => {
  const { index, tracks } = library(600, 3);
  for (const seed of [0, 1, 2, 50]) {
    const playlist = buildPlaylist(index, tracks, { seeds: [seed], count: 50 });
    const ranked = [seed, ...playlist.rows.slice(1).sort((a, b) => index.similarity(seed, b) - index.similarity(seed, a))];
    const cost = transitionCosts(index, tracks, ranked);
    const rankedCost = pathCost(cost, ranked.length, ranked.map((_, i) => i));
    const position = new Map(ranked.map((row, i) => [row, i]));
    const orderedCost = pathCost(cost, ranked.length, playlist.rows.map((row) => position.get(row)!));
    assert.ok(Math.abs(orderedCost - playlist.transitionCost) < 1e-9);
    assert.ok(orderedCost < rankedCost, `seed ${seed}: ordered ${orderedCost} vs ranked ${rankedCost}`);
  }
});

test('smoothOrder recovers a line walked from one end', () => {
  // Points on a line, shuffled; cost = distance. The best open path from point 0 walks the line.
  const positions = [0, 7, 3, 9, 1, 5, 8, 2, 6, 4];
  const m = positions.length;
  const cost = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) cost[a * m + b] = Math.abs(positions[a] - positions[b]);
  const order = smoothOrder(cost, m);
  assert.deepEqual(order.map((i) => positions[i]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('"more like this" pulls the playlist towards a track, "less like this" pushes it away', () => {
  // Seed on axis 0; group A leans towards axis 1, group B towards axis 2, equally far from the seed.
  const random = seededUniform(5);
  const n = 201;
  const vectors = new Float32Array(n * DIM);
  vectors[0] = 1;
  const group = ['seed'];
  for (let row = 1; row < n; row++) {
    const lean = row % 2 ? 1 : 2;
    group.push(lean === 1 ? 'A' : 'B');
    vectors[row * DIM] = 1;
    vectors[row * DIM + lean] = 0.8;
    for (let j = 3; j < DIM; j++) vectors[row * DIM + j] = 0.3 * (random() * 2 - 1);
  }
  const index = CosineIndex.fromVectors(vectors, DIM);
  const tracks: PlaylistTrack[] = group.map(() => ({}));
  const inB = (rows: number[]) => rows.filter((row) => group[row] === 'B').length;
  const b = 2;
  const plain = inB(buildPlaylist(index, tracks, { seeds: [0], count: 41 }).rows);
  const more = buildPlaylist(index, tracks, { seeds: [0], count: 41, moreLike: [b] });
  const less = buildPlaylist(index, tracks, { seeds: [0], count: 41, lessLike: [b] });
  assert.ok(plain > 5 && plain < 35, `unsteered: ${plain} of 40 lean B`);
  assert.ok(inB(more.rows) > plain, `more: ${inB(more.rows)} vs ${plain}`);
  assert.ok(inB(less.rows) < plain, `less: ${inB(less.rows)} vs ${plain}`);
  assert.ok(!less.rows.includes(b), 'a "less like this" track is never picked');
});

test('requests that cannot be met are refused or come back short, never padded', () => {
  const { index, tracks } = library(30, 9);
  assert.throws(() => buildPlaylist(index, tracks, { seeds: [] }), /seed/);
  assert.throws(() => buildPlaylist(index, tracks.slice(1), { seeds: [0] }), /tracks for an index/);
  const playlist = buildPlaylist(index, tracks, { seeds: [0], count: 100, includeGenres: ['polka'] });
  assert.deepEqual(playlist.rows, [0]);
});

test('a playlist holds one file of a recording: never a copy of a seed, nor two copies of one track', () => {
  // Rows 0 and 1 are one recording (the seed and its copy); 2 and 3 another; 4 and 5 are distinct.
  const vectors = new Float32Array([1, 0, 1, 0, 0.9, 0.1, 0.9, 0.1, 0.5, 0.5, 0.1, 0.9]);
  const index = CosineIndex.fromVectors(vectors, 2);
  const tracks = [0, 0, 2, 2, null, null].map((duplicateGroup) => ({ duplicateGroup }));
  const playlist = buildPlaylist(index, tracks, { seeds: [0], count: 10 });
  assert.deepEqual([...playlist.rows].sort(), [0, 2, 4, 5]);
});
