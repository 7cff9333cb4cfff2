import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { GenreService } from '../../core/genres/service.js';
import { createCore } from '../../core/index.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { Scanner } from '../../core/library/scanner.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';
import { FIXTURES, INITIAL_GENRE, makeFixture } from './tag-write-fixtures.js';

describe('tag write-back and the library', () => {
  it('a file whose tags Timbre wrote (or restored) is not taken for a changed file by the next scan', async () => {
    const temp = makeTempDir('timbre-tag-library-');
    const db = openDatabase(':memory:');
    try {
      const path = makeFixture(temp.dir, FIXTURES.find((fixture) => fixture.extension === 'flac')!);
      const tracks = new TracksRepo(db);
      const queue = new AnalysisQueue(new JobsRepo(db));
      const scanner = new Scanner({ db, tracks, features: new FeaturesRepo(db), queue });
      const folder = new FoldersRepo(db).add(temp.dir);
      await scanner.scanFolder(folder);
      const id = tracks.idByPath(path)!;
      // What analysis leaves: the tags as read, the track done, no job outstanding.
      tracks.setTags(id, { title: 'Fixture', artist: null, album: null, year: null, genres: [INITIAL_GENRE], durationSec: 3, bitrate: null, sampleRate: 44_100 });
      tracks.setStatus(id, 'done');
      queue.complete(queue.claim()!.job);
      const original = tracks.fileRow(id)!;

      const reported: number[][] = [];
      const service = new GenreService(db, { onTracksChanged: (ids) => reported.push(ids) });
      const result = service.setTrackGenres([id], ['Electronic', 'Drum & Bass'], { writeTags: true });
      assert.equal(result.files[0].error, null);
      assert.ok(result.files[0].writeId);
      const written = tracks.fileRow(id)!;
      assert.notEqual(written.fingerprint, original.fingerprint, 'the library knows the new version');
      assert.notEqual(written.mtimeMs, original.mtimeMs);
      assert.deepEqual(tracks.summary(id)!.genres, ['Electronic', 'Drum & Bass'], 'the tag genres as written');
      assert.deepEqual(reported, [[id]]);

      const afterWrite = (await scanner.scanFolder(folder)).summary;
      assert.deepEqual([afterWrite.unchanged, afterWrite.changed, afterWrite.queued], [1, 0, 0], 'not re-analysed');
      assert.equal(tracks.fileRow(id)!.status, 'done');

      service.undo();
      assert.deepEqual(tracks.fileRow(id), original, 'the restored file is the version first scanned');
      assert.deepEqual(tracks.summary(id)!.genres, [INITIAL_GENRE]);
      const afterUndo = (await scanner.scanFolder(folder)).summary;
      assert.deepEqual([afterUndo.unchanged, afterUndo.changed, afterUndo.queued], [1, 0, 0]);

      service.redo();
      assert.deepEqual(tracks.fileRow(id), written);
      assert.equal((await scanner.scanFolder(folder)).summary.changed, 0);

      // Another program's change is still a change.
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      assert.equal((await scanner.scanFolder(folder)).summary.changed, 1);
    } finally {
      db.close();
      temp.cleanup();
    }
  });

  it('recovery after a crash mid-write has the library record the version the file was left in', async () => {
    const temp = makeTempDir('timbre-tag-recover-');
    const db = openDatabase(':memory:');
    try {
      const path = makeFixture(temp.dir, FIXTURES.find((fixture) => fixture.extension === 'mp3')!);
      const tracks = new TracksRepo(db);
      const scanner = new Scanner({ db, tracks, features: new FeaturesRepo(db), queue: new AnalysisQueue(new JobsRepo(db)) });
      const folder = new FoldersRepo(db).add(temp.dir);
      await scanner.scanFolder(folder);
      const id = tracks.idByPath(path)!;
      const original = tracks.fileRow(id)!;
      const { files } = new GenreService(db).setTrackGenres([id], ['Shoegaze'], { writeTags: true });
      const written = tracks.fileRow(id)!;
      // As if the process died after replacing the file, before the journal and the library heard of it.
      db.prepare(`UPDATE tag_writes SET state = 'writing' WHERE id = ?`).run(files[0].writeId);
      tracks.recordTagRewrite(id, { size: original.size, mtimeMs: original.mtimeMs, fingerprint: original.fingerprint, genres: [] });

      const reported: number[][] = [];
      assert.equal(new GenreService(db, { onTracksChanged: (ids) => reported.push(ids) }).recover(), 1);
      assert.deepEqual(tracks.fileRow(id), written);
      assert.deepEqual(tracks.summary(id)!.genres, ['Shoegaze']);
      assert.deepEqual(reported, [[id]]);
      assert.equal((await scanner.scanFolder(folder)).summary.changed, 0);
    } finally {
      db.close();
      temp.cleanup();
    }
  });

  it('a watched folder does not queue a file again after Timbre wrote its tags; another change it does', async () => {
    const temp = makeTempDir('timbre-tag-watch-');
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    const path = makeFixture(music, FIXTURES.find((fixture) => fixture.extension === 'm4a')!);
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, watch: true });
    try {
      const folder = await core.library.addFolder(music);
      await waitFor('the folder to be watched', () => core.library.listFolders().find((f) => f.id === folder.id)?.watching);
      await core.library.whenIdle();
      const [track] = core.library.listTracks();
      assert.equal(track.status, 'done');
      const statuses: string[] = [];
      core.events.on('track-updated', (event) => statuses.push(event.track?.status ?? 'removed'));
      const { done, total } = core.library.progress();

      const result = core.genres.setTrackGenres([track.id], ['Trip-Hop'], { writeTags: true });
      assert.equal(result.files[0].error, null);
      assert.deepEqual(core.library.getTrack(track.id)!.genres, ['Trip-Hop']);
      // Longer than the watcher waits for a write to settle, and its polling on top.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(statuses, ['done'], 'only the edit itself was announced');
      assert.deepEqual((({ done, total }) => ({ done, total }))(core.library.progress()), { done, total }, 'nothing queued');

      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      await waitFor('the watcher to see the other change', () => statuses.includes('pending'));
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });
});
