import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { createCore } from '../../core/index.js';
import { makeTempDir } from '../helpers/temp.js';
import { addClusteredTracks } from './similarity-fixtures.js';

test('core.similarity follows library changes: a genre fix shows in reasons, filters and map colours', async () => {
  const temp = makeTempDir('timbre-similarity-core-');
  const dbPath = path.join(temp.dir, 'library.db');
  const db = openDatabase(dbPath);
  const ids = addClusteredTracks(db, { root: path.join(temp.dir, 'music'), count: 30 });
  db.close();
  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  try {
    const metal = ids.filter((_, i) => i % 3 === 1);
    const before = await core.similarity.similar(metal[0], 3);
    assert.ok(before.every((neighbour) => neighbour.reasons.some((reason) => reason.text === 'both Metal')));
    const firstMap = await core.similarity.libraryMap();
    assert.equal(firstMap.points.find((point) => point.trackId === metal[0])!.genre, 'Metal');

    core.genres.setTrackGenres(metal, ['Doom'], { writeTags: false });
    const after = await core.similarity.similar(metal[0], 3);
    assert.ok(after.every((neighbour) => neighbour.reasons.some((reason) => reason.code === 'same-genre' && reason.text.includes('Doom'))));
    const doom = await core.similarity.generate({ seeds: [ids[0]], count: 5, includeGenres: ['doom'] });
    assert.deepEqual(doom.trackIds.slice(1).filter((id) => !metal.includes(id)), [], 'the confirmed genre filters');
    const map = await core.similarity.libraryMap();
    assert.equal(map.points.find((point) => point.trackId === metal[0])!.genre, 'Doom', 'recoloured');
    assert.equal(map.stale, false);
    assert.equal(map.computedAt, firstMap.computedAt, 'same features: same layout');
  } finally {
    await core.shutdown();
    temp.cleanup();
  }
});
