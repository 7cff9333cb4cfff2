import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const track = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  track.run(1, '/music/a.mp3');
  track.run(2, '/music/b.mp3');
  return db;
}

const columns = (db: Db, table: string) =>
  (db.pragma(`table_info(${table})`) as Array<{ name: string; type: string }>).map((column) => `${column.name} ${column.type}`);

describe('migration 0007-saved-playlists', () => {
  it('adds playlists, playlist_tracks and library_map', () => {
    const db = upTo(7);
    assert.deepEqual(columns(db, 'playlists'), ['id INTEGER', 'name TEXT', 'request TEXT', 'created_at INTEGER', 'updated_at INTEGER']);
    assert.deepEqual(columns(db, 'playlist_tracks'), ['playlist_id INTEGER', 'position INTEGER', 'track_id INTEGER']);
    assert.deepEqual(columns(db, 'library_map'), ['track_id INTEGER', 'x REAL', 'y REAL']);
    const indexes = (db.pragma('index_list(playlist_tracks)') as Array<{ name: string }>).map((index) => index.name);
    assert.ok(indexes.includes('playlist_tracks_track'));
    db.close();
  });

  it('checks names and requests, keeps positions unique, and cascades from playlists and tracks', () => {
    const db = upTo(7);
    const playlist = db.prepare('INSERT INTO playlists (id, name, request, created_at, updated_at) VALUES (?, ?, ?, 0, 0)');
    playlist.run(1, 'Mix', '{"seeds":[1]}');
    assert.throws(() => playlist.run(2, '  ', null), /CHECK/, 'a blank name');
    assert.throws(() => playlist.run(3, 'x', 'not json'), /CHECK/);
    assert.throws(() => playlist.run(4, 'x', '[1]'), /CHECK/, 'a request is an object');
    playlist.run(5, 'Imported', null);

    const entry = db.prepare('INSERT INTO playlist_tracks (playlist_id, position, track_id) VALUES (?, ?, ?)');
    entry.run(1, 0, 2);
    entry.run(1, 1, 1);
    entry.run(5, 0, 1);
    assert.throws(() => entry.run(1, 1, 2), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => entry.run(1, 2, 99), /FOREIGN KEY/);
    assert.throws(() => entry.run(99, 0, 1), /FOREIGN KEY/);

    const point = db.prepare('INSERT INTO library_map (track_id, x, y) VALUES (?, ?, ?)');
    point.run(1, 0.25, 0.75);
    point.run(2, 0.5, 0.5);
    assert.throws(() => point.run(99, 0, 0), /FOREIGN KEY/);

    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.deepEqual(db.prepare('SELECT playlist_id, position, track_id FROM playlist_tracks ORDER BY playlist_id, position').raw().all(), [[1, 0, 2]]);
    assert.equal(db.prepare('SELECT count(*) FROM library_map').pluck().get(), 1);
    db.prepare('DELETE FROM playlists WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM playlist_tracks').pluck().get(), 0);
    db.close();
  });
});
