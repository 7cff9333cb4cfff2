import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import { parseFile } from 'music-metadata';
import { openDatabase } from '../../core/db/open.js';
import { GenreService, NothingToUndoError } from '../../core/genres/service.js';
import { makeTempDir } from '../helpers/temp.js';
import { CRASH_GENRE_LISTS } from './tag-write-crash-child.js';
import { decodedAudioSha256, FIXTURES, INITIAL_GENRE, makeFixture, mp3AudioFramesSha256, sha256OfFile } from './tag-write-fixtures.js';

const CHILD = fileURLToPath(new URL('./tag-write-crash-child.js', import.meta.url));
const KILLS_PER_FORMAT = 8;

/** Starts the writer loop, lets it run for `runMs` after it is ready, then SIGKILLs it. */
async function killWriterAfter(dbPath: string, path: string, runMs: number): Promise<void> {
  const child = spawn(process.execPath, [CHILD, dbPath, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', () => reject(new Error(`writer exited before it was ready: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, runMs));
  child.kill('SIGKILL');
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', `the writer was killed, not failed: ${stderr}`);
}

describe('a SIGKILL during tag writes', () => {
  const temp = makeTempDir('timbre-tag-crash-');
  after(() => temp.cleanup());

  for (const fixture of [FIXTURES[0], FIXTURES[3], FIXTURES[5]]) {
    it(`leaves ${fixture.name} intact (old or new, never broken), and recovery + undo give back the original bytes`, async (t) => {
      const dir = join(temp.dir, fixture.extension);
      mkdirSync(dir);
      const path = makeFixture(dir, fixture, 10);
      const dbPath = join(dir, 'library.db');
      const originalSha = sha256OfFile(path);
      const originalAudio = decodedAudioSha256(path);
      const originalFrames = fixture.extension === 'mp3' ? mp3AudioFramesSha256(readFileSync(path)) : null;
      const allowedGenres = new Set([[INITIAL_GENRE], ...CRASH_GENRE_LISTS].map((genres) => genres.join('|')));
      let interrupted = 0;

      for (let kill = 0; kill < KILLS_PER_FORMAT; kill++) {
        await killWriterAfter(dbPath, path, 10 + Math.floor(Math.random() * 150));

        const { common } = await parseFile(path, { skipCovers: true });
        const genres = (common.genre ?? []).flatMap((value) => value.split(/\s*;\s*/));
        assert.ok(allowedGenres.has(genres.join('|')), `kill ${kill}: genre ${JSON.stringify(genres)} is one a write put there`);
        assert.equal(decodedAudioSha256(path), originalAudio, `kill ${kill}: decoded audio unchanged`);
        if (originalFrames) assert.equal(mp3AudioFramesSha256(readFileSync(path)), originalFrames, `kill ${kill}: MP3 frames unchanged`);

        const db = openDatabase(dbPath);
        try {
          // Every version the file can be in was journaled before it was written.
          const known = new Set(db.prepare('SELECT before_sha256 FROM tag_writes UNION SELECT after_sha256 FROM tag_writes').pluck().all() as string[]);
          assert.ok(known.has(sha256OfFile(path)) || sha256OfFile(path) === originalSha, `kill ${kill}: the file is a journaled version`);
          interrupted += new GenreService(db).recover();
          assert.equal(db.prepare(`SELECT count(*) FROM tag_writes WHERE state IN ('writing', 'restoring')`).pluck().get(), 0);
        } finally {
          db.close();
        }
        assert.deepEqual(readdirSync(dir).filter((name) => name.includes('timbre-tmp')), [], `kill ${kill}: recovery removed temp files`);
      }

      const db = openDatabase(dbPath);
      try {
        const service = new GenreService(db);
        const edits = db.prepare('SELECT count(*) FROM edits').pluck().get() as number;
        for (;;) {
          try {
            service.undo();
          } catch (error) {
            if (error instanceof NothingToUndoError) break;
            throw error;
          }
        }
        assert.equal(sha256OfFile(path), originalSha, 'undoing every edit gives back the original bytes');
        t.diagnostic(`${KILLS_PER_FORMAT} kills, ${edits} edits journaled, ${interrupted} writes caught mid-flight and settled by recovery`);
      } finally {
        db.close();
      }
    });
  }
});
