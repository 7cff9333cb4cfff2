import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import type { SimilarityTrack } from '../../core/similarity/library.js';
import { SimilarityService } from '../../core/similarity/service.js';
import { seededRandom } from './similarity-fixtures.js';

function tracks(n: number, root: string): SimilarityTrack[] {
  const random = seededRandom(n);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    path: path.join(root, `song ${i + 1}.mp3`),
    title: `Song ${i + 1}`,
    artist: `Artist ${i % 7}`,
    genres: [],
    durationSec: 100 + i,
    mir: Float32Array.from(FMA518_KEYS, () => random()),
  }));
}

test('the service builds once for concurrent queries and rebuilds after invalidate', async () => {
  const root = path.join(os.tmpdir(), 'lib');
  let library: SimilarityTrack[] = [];
  let loads = 0;
  const service = new SimilarityService(() => {
    loads++;
    return library;
  });
  try {
    await assert.rejects(service.similar({ trackId: 1 }, 3), /no analysed tracks yet/);
    library = tracks(50, root);
    const [a, b] = await Promise.all([service.similar({ trackId: 1 }, 5), service.similar({ trackId: 2 }, 5)]);
    assert.equal(loads, 2, 'one failed load, then one build for both queries');
    assert.equal(a.length, 5);
    assert.ok(!b.some((result) => result.trackId === 2));

    await service.similar({ trackId: 3 }, 5);
    assert.equal(loads, 2, 'no rebuild without invalidate');
    library = tracks(60, root);
    service.invalidate();
    const neighbours = await service.similar({ trackId: 55 }, 59);
    assert.equal(loads, 3);
    assert.equal(neighbours.length, 59);

    const playlist = await service.playlist({ seeds: [10], count: 8, maxPerArtist: 2 });
    assert.equal(playlist.trackIds.length, 8);
    assert.equal(playlist.trackIds[0], 10);
  } finally {
    await service.close();
  }
});

test('the service exports a playlist as M3U8 and imports it back to track ids', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-similarity-service-'));
  const library = tracks(20, path.join(directory, 'music'));
  const service = new SimilarityService(() => library);
  try {
    const file = path.join(directory, 'lists', 'mine.m3u8');
    await service.exportM3u8(file, [5, 2, 9]);
    assert.deepEqual(await service.importM3u8(file), { trackIds: [5, 2, 9], missing: [] });
    await writeFile(file, '#EXTM3U\n../music/song 7.mp3\n../elsewhere.mp3\n');
    assert.deepEqual(await service.importM3u8(file), { trackIds: [7], missing: [path.join(directory, 'elsewhere.mp3')] });
    await assert.rejects(service.exportM3u8(file, [99]), /track 99/);
  } finally {
    await service.close();
    await rm(directory, { recursive: true, force: true });
  }
});
