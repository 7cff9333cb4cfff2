import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { ANALYSIS_VERSION, AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { Scanner } from '../../core/library/scanner.js';
import { makeTempDir } from '../helpers/temp.js';

function setUp() {
  const temp = makeTempDir();
  const db = openDatabase(':memory:');
  const folders = new FoldersRepo(db);
  const tracks = new TracksRepo(db);
  const features = new FeaturesRepo(db);
  const queue = new AnalysisQueue(new JobsRepo(db));
  const scanner = new Scanner({ db, tracks, features, queue });
  const folder = folders.add(temp.dir);
  /** Distinct content per name, so fingerprints differ. */
  const write = (name: string, content = name) => writeFileSync(join(temp.dir, name), `${content}\n`.repeat(100));
  const idOf = (name: string) => tracks.idByPath(join(temp.dir, name));
  const finishAnalysis = (id: number) => {
    features.save(id, {
      analysisVersion: ANALYSIS_VERSION,
      fma518: new Float32Array(518),
      tempoBpm: 100,
      melPreview: { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: -80, dbMax: 0, data: new Uint8Array(1) },
      analysedAt: 0,
    });
    tracks.setStatus(id, 'done');
    const job = queue.claim();
    if (job) queue.complete(job.job);
  };
  return { temp, db, folders, tracks, features, queue, scanner, folder, write, idOf, finishAnalysis };
}

describe('scanner', () => {
  it('adds new files as pending tracks with one analysis job each', async () => {
    const { temp, scanner, folder, write, queue, tracks } = setUp();
    try {
      write('a.mp3');
      write('b.flac');
      const { summary } = await scanner.scanFolder(folder);
      assert.equal(summary.added, 2);
      assert.equal(summary.queued, 2);
      assert.equal(queue.outstanding(), 2);
      assert.ok(tracks.summaries().every((track) => track.status === 'pending'));
    } finally {
      temp.cleanup();
    }
  });

  it('a rescan of an unchanged library queues nothing; a changed file is queued again', async () => {
    const { temp, scanner, folder, write, queue, idOf, finishAnalysis } = setUp();
    try {
      write('a.mp3');
      write('b.mp3');
      await scanner.scanFolder(folder);
      finishAnalysis(idOf('a.mp3')!);
      finishAnalysis(idOf('b.mp3')!);
      assert.equal(queue.outstanding(), 0);

      const unchanged = await scanner.scanFolder(folder);
      assert.equal(unchanged.summary.unchanged, 2);
      assert.equal(unchanged.summary.queued, 0);
      assert.equal(queue.outstanding(), 0);

      write('a.mp3', 'new content');
      utimesSync(join(temp.dir, 'a.mp3'), new Date(), new Date(Date.now() + 5000));
      const changed = await scanner.scanFolder(folder);
      assert.equal(changed.summary.changed, 1);
      assert.equal(changed.summary.queued, 1);
      assert.equal(queue.claim()!.payload.trackId, idOf('a.mp3'));
    } finally {
      temp.cleanup();
    }
  });

  it('a renamed or moved file keeps its track id, features and user data, and is not re-analysed', async () => {
    const { temp, db, scanner, folder, write, queue, tracks, features, idOf, finishAnalysis } = setUp();
    try {
      write('song.mp3');
      await scanner.scanFolder(folder);
      const id = idOf('song.mp3')!;
      finishAnalysis(id);
      tracks.setUserData(id, { rating: 4 });
      const genres = new GenresRepo(db);
      genres.setConfirmedRows(id, [{ genreId: genres.resolveOrCreate('Jazz').id, source: 'user', confirmedAt: 0 }]);

      renameSync(join(temp.dir, 'song.mp3'), join(temp.dir, 'renamed.mp3'));
      const renamed = await scanner.scanFolder(folder);
      assert.deepEqual([renamed.summary.moved, renamed.summary.added, renamed.summary.removed], [1, 0, 0]);
      assert.equal(idOf('renamed.mp3'), id);

      mkdirSync(join(temp.dir, 'sub'));
      renameSync(join(temp.dir, 'renamed.mp3'), join(temp.dir, 'sub', 'moved.mp3'));
      await scanner.scanFolder(folder);
      const track = tracks.summary(id)!;
      assert.equal(track.path, join(temp.dir, 'sub', 'moved.mp3'));
      assert.equal(track.rating, 4);
      assert.deepEqual(track.confirmedGenres, ['Jazz']);
      assert.equal(track.status, 'done');
      assert.ok(features.get(id));
      assert.equal(queue.outstanding(), 0);
    } finally {
      temp.cleanup();
    }
  });

  it('removes tracks whose files are gone', async () => {
    const { temp, scanner, folder, write, tracks } = setUp();
    try {
      write('a.mp3');
      write('b.mp3');
      await scanner.scanFolder(folder);
      rmSync(join(temp.dir, 'b.mp3'));
      const { summary, removedIds } = await scanner.scanFolder(folder);
      assert.equal(summary.removed, 1);
      assert.equal(removedIds.length, 1);
      assert.deepEqual(tracks.summaries().map((track) => track.path), [join(temp.dir, 'a.mp3')]);
    } finally {
      temp.cleanup();
    }
  });

  it('keeps the tracks of a folder that suddenly has no files at all (an unmounted drive)', async () => {
    const { temp, scanner, folder, write, tracks } = setUp();
    try {
      write('a.mp3');
      await scanner.scanFolder(folder);
      rmSync(join(temp.dir, 'a.mp3'));
      await assert.rejects(scanner.scanFolder(folder), /tracks are kept in case it is on a drive that is not mounted/);
      assert.equal(tracks.summaries().length, 1);
    } finally {
      temp.cleanup();
    }
  });

  it('single-file sync (watcher) adds, detects a move, and removes only files really gone', async () => {
    const { temp, scanner, folder, write, idOf, finishAnalysis, tracks } = setUp();
    try {
      write('a.mp3');
      const added = scanner.syncFile(folder.id, join(temp.dir, 'a.mp3'), folder.path);
      assert.equal(added.kind, 'added');
      const id = idOf('a.mp3')!;
      finishAnalysis(id);
      assert.equal(scanner.syncFile(folder.id, join(temp.dir, 'a.mp3'), folder.path).kind, 'unchanged');

      renameSync(join(temp.dir, 'a.mp3'), join(temp.dir, 'b.mp3'));
      assert.deepEqual(scanner.syncFile(folder.id, join(temp.dir, 'b.mp3'), folder.path), { kind: 'moved', trackId: id });
      assert.deepEqual(scanner.removeMissing(join(temp.dir, 'a.mp3')), [], 'the moved track is not deleted');

      rmSync(join(temp.dir, 'b.mp3'));
      assert.deepEqual(scanner.removeMissing(join(temp.dir, 'b.mp3')), [id]);
      assert.equal(tracks.summary(id), null);
    } finally {
      temp.cleanup();
    }
  });

  it('re-queues tracks analysed by an older analysis version', async () => {
    const { temp, scanner, folder, write, idOf, features, queue, finishAnalysis } = setUp();
    try {
      write('a.mp3');
      await scanner.scanFolder(folder);
      const id = idOf('a.mp3')!;
      finishAnalysis(id);
      const stored = features.get(id)!;
      features.save(id, { ...stored, analysisVersion: ANALYSIS_VERSION - 1 });
      const { summary } = await scanner.scanFolder(folder);
      assert.equal(summary.queued, 1);
      assert.equal(queue.outstanding(), 1);
    } finally {
      temp.cleanup();
    }
  });
});
