import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';

describe('migration 0010-album-tags-and-art', () => {
  it('adds album artist, track and disc numbers and the art hash, checked, to existing tracks', () => {
    const upgraded = openDatabase(':memory:', migrations.filter((migration) => migration.version < 10));
    upgraded.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    upgraded.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, 1, '/music/a.mp3', 1, 1, 0, 0)`).run();
    const migration = migrations.find((candidate) => candidate.version === 10)!;
    migration.up(upgraded);
    const row = upgraded.prepare('SELECT album_artist, track_no, disc_no, art_hash FROM tracks WHERE id = 1').get();
    assert.deepEqual(row, { album_artist: null, track_no: null, disc_no: null, art_hash: null });
    assert.throws(() => upgraded.prepare(`UPDATE tracks SET track_no = -1 WHERE id = 1`).run(), /CHECK/);
    assert.throws(() => upgraded.prepare(`UPDATE tracks SET art_hash = '../x' WHERE id = 1`).run(), /CHECK/);

    // The repository reads the latest schema: bring the database up to it before using one.
    for (const later of migrations.filter((candidate) => candidate.version > 10)) later.up(upgraded);
    const tracks = new TracksRepo(upgraded);
    tracks.setTags(1, {
      title: 'A', artist: 'B', album: 'C', year: 2000, genres: [], durationSec: 1, bitrate: null, sampleRate: null,
      albumArtist: 'Various', trackNo: 3, discNo: 2, artHash: 'ab'.repeat(16),
    });
    const summary = tracks.summary(1)!;
    assert.deepEqual([summary.albumArtist, summary.trackNo, summary.discNo, summary.artHash], ['Various', 3, 2, 'ab'.repeat(16)]);
    tracks.setTags(1, { title: 'A', artist: 'B', album: 'C', year: 2000, genres: [], durationSec: 1, bitrate: null, sampleRate: null });
    assert.equal(tracks.summary(1)!.artHash, null, 'tags read again without art clear it');
    upgraded.close();
  });
});
