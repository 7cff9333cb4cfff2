import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { PlaylistsRepo } from '../../core/db/repos/playlists.js';

function database() {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const track = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, duration_sec, added_at, updated_at) VALUES (?, 1, ?, 1, 1, ?, 0, 0)`);
  for (let id = 1; id <= 6; id++) track.run(id, `/music/${id}.mp3`, id === 6 ? null : 60 * id);
  return db;
}

test('create, get and list keep the order, the request and the summed known durations', () => {
  const db = database();
  const repo = new PlaylistsRepo(db);
  const first = repo.create({ name: 'First', trackIds: [3, 1, 6], request: { seeds: [3], count: 3, excludeGenres: ['Pop'] } }, 1000);
  assert.deepEqual(first, {
    id: first.id,
    name: 'First',
    trackCount: 3,
    durationSec: 240,
    generated: true,
    createdAt: 1000,
    updatedAt: 1000,
    trackIds: [3, 1, 6],
    request: { seeds: [3], count: 3, excludeGenres: ['Pop'] },
  });
  const second = repo.create({ name: 'Second', trackIds: [] }, 2000);
  assert.equal(second.generated, false);
  assert.equal(second.request, null);
  assert.deepEqual(repo.list().map((summary) => [summary.name, summary.trackCount]), [['Second', 0], ['First', 3]], 'most recently changed first');
  assert.equal(repo.get(999), null);
  db.close();
});

test('update renames and reorders; removed tracks join the request\'s exclusions, a removed seed stops being one', () => {
  const db = database();
  const repo = new PlaylistsRepo(db);
  const playlist = repo.create({ name: 'Mix', trackIds: [1, 2, 3, 4], request: { seeds: [1, 2], exclude: [5] } }, 1000);
  const updated = repo.update(playlist.id, { name: 'Renamed', trackIds: [4, 1, 3] }, 3000);
  assert.equal(updated.name, 'Renamed');
  assert.deepEqual(updated.trackIds, [4, 1, 3]);
  assert.deepEqual(updated.request, { seeds: [1], exclude: [5, 2] });
  assert.equal(updated.updatedAt, 3000);
  assert.equal(updated.createdAt, 1000);

  const onlySeedRemoved = repo.update(playlist.id, { trackIds: [4, 3] });
  assert.deepEqual(onlySeedRemoved.request!.seeds, [1], 'the last seed stays a seed');
  assert.deepEqual(onlySeedRemoved.request!.exclude, [5, 2]);

  const regenerated = repo.update(playlist.id, { trackIds: [1, 6], request: { seeds: [1], exclude: [5, 2] } });
  assert.deepEqual(regenerated.trackIds, [1, 6]);
  assert.deepEqual(regenerated.request, { seeds: [1], exclude: [5, 2] }, 'a request given with the tracks is kept as given');

  const replaced = repo.update(playlist.id, { request: null });
  assert.equal(replaced.generated, false);
  assert.deepEqual(repo.update(playlist.id, { trackIds: [3] }).request, null, 'no request to add exclusions to');
  db.close();
});

test('invalid content is refused without changing the playlist', () => {
  const db = database();
  const repo = new PlaylistsRepo(db);
  const playlist = repo.create({ name: 'Mix', trackIds: [1, 2] });
  assert.throws(() => repo.create({ name: 'x', trackIds: [1, 42] }), /no track 42 in the library/);
  assert.throws(() => repo.update(playlist.id, { trackIds: [2, 2] }), /each track once/);
  assert.throws(() => repo.update(playlist.id, { name: '' }), /needs a name/);
  assert.throws(() => repo.update(77, { name: 'x' }), /no playlist 77/);
  assert.deepEqual(repo.get(playlist.id)!.trackIds, [1, 2]);
  assert.equal(repo.get(playlist.id)!.name, 'Mix');
  assert.equal(repo.list().length, 1);
  assert.equal(repo.delete(playlist.id), true);
  assert.equal(repo.delete(playlist.id), false);
  db.close();
});
