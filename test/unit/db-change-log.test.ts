import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { TrackChangesRepo } from '../../core/db/repos/track-changes.js';
import { OtherProcesses } from '../../core/library/other-processes.js';
import { makeTempDir } from '../helpers/temp.js';

const INSERT_TRACK = `INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`;

describe('the track change log (0008) and following other processes', () => {
  it('0008 logs every change of a track, its genres, features and prediction, deletions included', () => {
    const db = openDatabase(':memory:', migrations.slice(0, 8));
    assert.equal(db.pragma('user_version', { simple: true }), 8);
    const changes = new TrackChangesRepo(db);
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    db.prepare(INSERT_TRACK).run(1, '/music/a.mp3');
    db.prepare(INSERT_TRACK).run(2, '/music/b.mp3');
    const afterInserts = changes.latestSeq();
    assert.deepEqual(changes.trackIdsBetween(0, afterInserts).sort(), [1, 2]);

    db.prepare(`UPDATE tracks SET status = 'done' WHERE id = 2`).run();
    assert.deepEqual(changes.trackIdsBetween(afterInserts, changes.latestSeq()), [2]);
    let seen = changes.latestSeq();
    db.prepare(`INSERT INTO track_genres VALUES (1, 0, 'Rock')`).run();
    assert.deepEqual(changes.trackIdsBetween(seen, changes.latestSeq()), [1]);
    seen = changes.latestSeq();
    db.prepare(`INSERT INTO genres (id, name, created_at) VALUES (1, 'Jazz', 0)`).run();
    db.prepare(`INSERT INTO track_confirmed_genres (track_id, position, genre_id, source, confirmed_at) VALUES (2, 0, 1, 'user', 0)`).run();
    assert.deepEqual(changes.trackIdsBetween(seen, changes.latestSeq()), [2]);
    seen = changes.latestSeq();
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.deepEqual(changes.trackIdsBetween(seen, changes.latestSeq()), [1]);

    const logged = db.prepare('SELECT COUNT(*) FROM track_changes').pluck().get();
    assert.equal(changes.prune(Date.now() + 1000), logged, 'pruning forgets what is older than asked');
    assert.equal(changes.oldestSeq(), null);
    db.close();
  });

  it("announces another connection's changes, and not this connection's own", () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'library.db');
      const app = openDatabase(path);
      const cli = openDatabase(path);
      app.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
      const announced: number[][] = [];
      let libraryChanges = 0;
      const follower = new OtherProcesses({
        changes: new TrackChangesRepo(app),
        allTrackIds: () => app.prepare('SELECT id FROM tracks').pluck().all() as number[],
        tracksChanged: (ids) => announced.push([...ids].sort()),
        libraryChanged: () => libraryChanges++,
        onError: (message) => assert.fail(message),
      });
      app.prepare(INSERT_TRACK).run(1, '/music/own.mp3');
      follower.check();
      assert.deepEqual(announced, [], "the app's own change is not announced again");
      assert.equal(libraryChanges, 0);

      cli.prepare(INSERT_TRACK).run(2, '/music/b.mp3');
      cli.prepare(INSERT_TRACK).run(3, '/music/c.mp3');
      app.prepare(`UPDATE tracks SET title = 'own' WHERE id = 1`).run();
      follower.check();
      assert.deepEqual(announced, [[1, 2, 3]]);
      assert.equal(libraryChanges, 1);
      follower.check();
      assert.equal(announced.length, 1, 'nothing new: nothing announced');
      app.close();
      cli.close();
    } finally {
      temp.cleanup();
    }
  });
});
