import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { LibrarySimilarity, type SimilarityTrack } from '../../core/similarity/library.js';
import { SimilarityWorker } from '../../core/similarity/search-worker.js';
import { seededUniform } from '../../core/ml/random.js';

function randomLibrary(n: number): SimilarityTrack[] {
  const random = seededUniform(11);
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    path: `/music/${i}.mp3`,
    artist: `artist ${i % 40}`,
    genres: [['rock', 'jazz'][i % 2]],
    durationSec: 180,
    tempoBpm: 80 + (i % 60),
    mir: Float32Array.from(FMA518_KEYS, () => random() * 100),
    embedding: Float32Array.from({ length: 16 }, () => random() - 0.5),
  }));
}

test('the worker answers similar and playlist requests as LibrarySimilarity does, by track id', async () => {
  const tracks = randomLibrary(800);
  const local = new LibrarySimilarity(tracks);
  const expectedSimilar = local.similar({ trackId: 1007 }, 12).map(({ track, score, reasons }) => ({ trackId: track.id, score, reasons }));
  const outside = { features: { mir: tracks[5].mir, embedding: tracks[5].embedding, tempoBpm: 100 } };
  const expectedOutside = local.similar(outside, 3).map(({ track }) => track.id);
  const request = { seeds: [1003, 1009], count: 20, maxPerArtist: 1, lessLike: [1010] };
  const expectedPlaylist = local.playlist(request);

  const worker = new SimilarityWorker();
  try {
    assert.deepEqual(await worker.load(tracks), { tracks: 800, dim: 16 + 518, simd: true });
    const [similar, fromOutside, playlist] = await Promise.all([worker.similar({ trackId: 1007 }, 12), worker.similar(outside, 3), worker.playlist(request)]);
    assert.deepEqual(similar, expectedSimilar);
    assert.ok(!similar.some((result) => result.trackId === 1007));
    assert.deepEqual(
      fromOutside.map((result) => result.trackId),
      expectedOutside,
    );
    assert.equal(fromOutside[0].trackId, 1005, 'a file with the features of track 1005 finds it first');
    assert.deepEqual(playlist.trackIds, expectedPlaylist.tracks.map((track) => track.id));
    assert.deepEqual(playlist.scores, expectedPlaylist.playlist.scores);
    await assert.rejects(worker.similar({ trackId: 5 }, 3), /track 5 is not analysed/);
  } finally {
    await worker.close();
  }
});
