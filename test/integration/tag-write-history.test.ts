import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { GenreService } from '../../core/genres/service.js';
import { makeTempDir } from '../helpers/temp.js';
import { FIXTURES, makeFixture, sha256OfFile } from './tag-write-fixtures.js';

const CHILD = fileURLToPath(new URL('./tag-write-history-child.js', import.meta.url));

function editThenKill(dbPath: string, path: string, when: 'before-write' | 'after-write'): void {
  const child = spawnSync(process.execPath, [CHILD, dbPath, path, when], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', `the child was killed where it meant to be: ${child.stderr}`);
}

function lastSummary(dbPath: string, settle: boolean): string {
  const db = openDatabase(dbPath);
  try {
    const service = new GenreService(db);
    if (settle) service.recover();
    return service.history(1)[0].summary;
  } finally {
    db.close();
  }
}

describe('the history of tag writes says only what is known', () => {
  const temp = makeTempDir('timbre-tag-history-');
  after(() => temp.cleanup());

  it('a kill between recording the edit and writing the file: never "tags written"; the next start settles it as interrupted, not written', () => {
    const dir = join(temp.dir, 'before');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[0], 2);
    const original = sha256OfFile(path);
    const dbPath = join(dir, 'library.db');
    editThenKill(dbPath, path, 'before-write');
    assert.equal(sha256OfFile(path), original, 'the file was not written');
    const unsettled = lastSummary(dbPath, false);
    assert.doesNotMatch(unsettled, /tags written/);
    assert.match(unsettled, /writing tags/);
    assert.match(lastSummary(dbPath, true), /interrupted; written to 0 of 1 file, the rest NOT written/);
  });

  it('a kill after the file was written, before the edit was settled: the next start says it was written', () => {
    const dir = join(temp.dir, 'after');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[0], 2);
    const dbPath = join(dir, 'library.db');
    editThenKill(dbPath, path, 'after-write');
    assert.match(lastSummary(dbPath, true), /interrupted; written to 1 of 1 file/);
  });

  it('a read-only (0444) file is left unchanged, and the edit says its tags were NOT written, and why', () => {
    const dir = join(temp.dir, 'read-only');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[0], 2);
    chmodSync(path, 0o444);
    const before = { sha: sha256OfFile(path), ino: statSync(path).ino, mtimeMs: statSync(path).mtimeMs };
    const db = openDatabase(join(dir, 'library.db'));
    try {
      const service = new GenreService(db);
      const result = service.setGenres({ targets: [{ path, trackId: null }], genres: ['Jazz'], writeTags: true });
      assert.match(result.files[0].error ?? '', /read-only \(permissions 444\): it was left unchanged/);
      assert.deepEqual({ sha: sha256OfFile(path), ino: statSync(path).ino, mtimeMs: statSync(path).mtimeMs }, before, 'the same file, untouched');
      assert.equal(statSync(path).mode & 0o777, 0o444);
      assert.match(service.history(1)[0].summary, /\(tags NOT written: track\.mp3: .*read-only/);
    } finally {
      db.close();
    }
  });

  it('a file that was written: "tags written"', () => {
    const dir = join(temp.dir, 'written');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[0], 2);
    const db = openDatabase(join(dir, 'library.db'));
    try {
      const service = new GenreService(db);
      service.setGenres({ targets: [{ path, trackId: null }], genres: ['Jazz'], writeTags: true });
      assert.match(service.history(1)[0].summary, /\(tags written to 1 file\)$/);
    } finally {
      db.close();
    }
  });
});
