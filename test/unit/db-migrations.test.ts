import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { migrate, openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { makeTempDir } from '../helpers/temp.js';

/** The schema version a new database gets. */
const LATEST = migrations.at(-1)!.version;

function columns(db: Db, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((column) => column.name);
}

function indexes(db: Db, table: string): string[] {
  return (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map((index) => index.name).filter((name) => !name.startsWith('sqlite_'));
}

describe('migrations', () => {
  it('are numbered from 1 upwards, each number once (parallel work reserves numbers ahead)', () => {
    const versions = migrations.map((migration) => migration.version);
    assert.equal(versions[0], 1);
    assert.ok(versions.every((version, i) => i === 0 || version > versions[i - 1]), `versions ${versions}`);
  });

  it('0001-initial creates folders, tracks, genres, features, jobs and meta', () => {
    const db = openDatabase(':memory:', migrations.slice(0, 1));
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]);
    assert.deepEqual(tables, ['features', 'folders', 'jobs', 'meta', 'track_genres', 'tracks']);
    assert.deepEqual(columns(db, 'folders'), ['id', 'path', 'added_at', 'last_scan_at', 'error']);
    assert.deepEqual(columns(db, 'tracks'), [
      'id', 'folder_id', 'path', 'size', 'mtime_ms', 'fingerprint', 'title', 'artist', 'album', 'year', 'duration_sec',
      'bitrate', 'sample_rate', 'status', 'error', 'rating', 'user_genre', 'added_at', 'updated_at',
    ]);
    assert.deepEqual(columns(db, 'track_genres'), ['track_id', 'position', 'genre']);
    assert.deepEqual(columns(db, 'features'), [
      'track_id', 'analysis_version', 'fma518', 'tempo_bpm', 'mel_preview', 'mel_bands', 'mel_frames',
      'mel_seconds_per_frame', 'mel_db_min', 'mel_db_max', 'analysed_at',
    ]);
    assert.deepEqual(columns(db, 'jobs'), [
      'id', 'kind', 'track_id', 'payload', 'state', 'attempts', 'max_attempts', 'last_error', 'created_at', 'updated_at',
    ]);
    assert.deepEqual(indexes(db, 'tracks').sort(), ['tracks_fingerprint', 'tracks_folder']);
    assert.deepEqual(indexes(db, 'jobs').sort(), ['jobs_by_state', 'jobs_one_per_track']);
    db.close();
  });

  it('0001-initial enforces statuses, ratings, one job per track and cascades deletes', () => {
    const db = openDatabase(':memory:', migrations.slice(0, 1));
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    const insertTrack = db.prepare(
      `INSERT INTO tracks (id, folder_id, path, size, mtime_ms, status, rating, added_at, updated_at) VALUES (?, 1, ?, 1, 1, ?, ?, 0, 0)`,
    );
    insertTrack.run(1, '/music/a.mp3', 'pending', null);
    assert.throws(() => insertTrack.run(2, '/music/b.mp3', 'finished', null), /CHECK constraint/);
    assert.throws(() => insertTrack.run(3, '/music/c.mp3', 'done', 6), /CHECK constraint/);
    assert.throws(() => insertTrack.run(4, '/music/a.mp3', 'done', null), /UNIQUE constraint/);

    const insertJob = db.prepare(
      `INSERT INTO jobs (kind, track_id, payload, max_attempts, created_at, updated_at) VALUES ('analyse-track', 1, '{}', 3, 0, 0)`,
    );
    insertJob.run();
    assert.throws(() => insertJob.run(), /UNIQUE constraint/);
    db.prepare(`INSERT INTO track_genres VALUES (1, 0, 'Rock')`).run();
    db.prepare(
      `INSERT INTO features VALUES (1, 1, x'00000000', 120, x'00', 1, 1, 0.02, -80, 0, 0)`,
    ).run();

    db.prepare('DELETE FROM folders WHERE id = 1').run();
    for (const table of ['tracks', 'jobs', 'track_genres', 'features']) {
      assert.equal(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), 0, `${table} emptied by the cascade`);
    }
    db.close();
  });

  it('opens files in WAL mode with foreign keys on, and re-opening applies nothing twice', () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'nested', 'library.db');
      const first = openDatabase(path);
      assert.equal(first.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(first.pragma('foreign_keys', { simple: true }), 1);
      assert.ok((first.pragma('busy_timeout', { simple: true }) as number) >= 1000);
      first.prepare(`INSERT INTO folders (path, added_at) VALUES ('/music', 0)`).run();
      first.close();
      const second = openDatabase(path);
      assert.equal(second.pragma('user_version', { simple: true }), LATEST);
      assert.equal(second.prepare('SELECT count(*) FROM folders').pluck().get(), 1);
      second.close();
    } finally {
      temp.cleanup();
    }
  });

  it('lets two processes open the same new database at once (the app and a CLI scan)', async () => {
    // Each worker thread has its own connection, as another process would; before IMMEDIATE
    // transactions, most rounds had one of them fail with "table meta already exists".
    const openInWorker = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ openDatabase }) => {
        try { openDatabase(workerData.path).close(); parentPort.postMessage('opened'); }
        catch (error) { parentPort.postMessage(error.message); }
      });`;
    const module = new URL('../../core/db/open.js', import.meta.url).href;
    const temp = makeTempDir();
    try {
      for (let round = 0; round < 6; round++) {
        const path = join(temp.dir, `library-${round}.db`);
        const outcomes = await Promise.all([0, 1, 2].map(() => new Promise<unknown>((resolve) => {
          const worker = new Worker(openInWorker, { eval: true, workerData: { module, path } });
          worker.once('message', (message) => void worker.terminate().then(() => resolve(message)));
        })));
        assert.deepEqual(outcomes, ['opened', 'opened', 'opened'], `round ${round}`);
        const db = openDatabase(path);
        assert.equal(db.pragma('user_version', { simple: true }), LATEST);
        db.close();
      }
    } finally {
      temp.cleanup();
    }
  });

  it("refuses another program's SQLite database and leaves it untouched", () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'photos.db');
      const other = new Database(path);
      other.exec('CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)');
      other.close();
      const before = readFileSync(path);
      assert.throws(() => openDatabase(path), /photos\.db is an SQLite database of another program, not a Timbre library/);
      assert.deepEqual(readFileSync(path), before);
    } finally {
      temp.cleanup();
    }
  });

  it('refuses a database made by a newer Timbre', () => {
    const db = openDatabase(':memory:');
    db.pragma(`user_version = ${LATEST + 1}`);
    assert.throws(() => migrate(db, migrations), /newer than this Timbre/);
    db.close();
  });
});
