import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CosineIndex } from '../../core/similarity/index.js';
import { buildPlaylist, type PlaylistTrack } from '../../core/similarity/playlist.js';
import { SimilarityWorker } from '../../core/similarity/search-worker.js';
import { randomVectors } from './similarity-fixtures.js';

test('the worker answers searches and playlists exactly as the pure functions do', async () => {
  const dim = 40;
  const vectors = randomVectors(2000, dim, 11);
  const tracks: PlaylistTrack[] = Array.from({ length: 2000 }, (_, row) => ({
    artist: `artist ${row % 50}`,
    durationSec: 180,
    tempoBpm: 80 + (row % 60),
  }));
  const local = CosineIndex.fromVectors(vectors, dim);
  const expectedSimilar = local.searchFromRow(7, { k: 12, exclude: [1, 2] });
  const query = vectors.slice(100 * dim, 101 * dim);
  const expectedSearch = local.search(query, { k: 5 });
  const request = { seeds: [3, 9], count: 20, maxPerArtist: 1 };
  const expectedPlaylist = buildPlaylist(local, tracks, request);

  const worker = new SimilarityWorker();
  try {
    const summary = await worker.load(vectors.slice(), dim, tracks);
    assert.deepEqual(summary, { size: 2000, dim, simd: true });
    const [similar, search, playlist] = await Promise.all([
      worker.similar(7, 12, [1, 2]),
      worker.search(query, 5),
      worker.playlist(request),
    ]);
    assert.deepEqual(similar, expectedSimilar);
    assert.deepEqual(search, expectedSearch);
    assert.deepEqual(playlist, expectedPlaylist);
    await assert.rejects(worker.similar(5000, 3), /no row 5000/);
  } finally {
    await worker.close();
  }
});
