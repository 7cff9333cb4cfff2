import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { runTimbre, TIMBRE_BIN } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TRACKS = 24;
const KILLS = 4;

/** Analysed tracks and when each was analysed, read straight from the database. */
function analysedSnapshot(dbPath: string): Map<number, number> {
  if (!existsSync(dbPath)) return new Map();
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT t.id, f.analysed_at AS at FROM tracks t JOIN features f ON f.track_id = t.id WHERE t.status = 'done'`)
      .all() as Array<{ id: number; at: number }>;
    return new Map(rows.map((row) => [row.id, row.at]));
  } catch {
    return new Map(); // Killed before the schema was committed.
  } finally {
    db.close();
  }
}

/** Starts `timbre scan` and SIGKILLs it once `shouldKill` says so (asked every 25 ms); resolves with how it ended. */
function scanAndKill(
  music: string,
  dbPath: string,
  shouldKill: (elapsedMs: number) => boolean,
): Promise<{ ended: NodeJS.Signals | number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TIMBRE_BIN, 'scan', music, '--db', dbPath, '--jobs', '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const started = Date.now();
    const poll = setInterval(() => {
      if (shouldKill(Date.now() - started)) child.kill('SIGKILL');
    }, 25);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      resolve({ ended: signal ?? code, stderr });
    });
  });
}

describe('crash safety', () => {
  it('survives SIGKILL at random points: results are kept, not redone, and the database stays intact', async (t) => {
    const temp = makeTempDir();
    try {
      const music = join(temp.dir, 'music');
      mkdirSync(music);
      for (let i = 0; i < TRACKS; i++) writeWav(join(music, `tone-${i}.wav`), toneSamples(2, { frequency: 150 + 37 * i }));
      const dbPath = join(temp.dir, 'library.db');

      let previous = new Map<number, number>();
      for (let kill = 0; kill < KILLS; kill++) {
        // The first kill lands at a random moment of start-up and the initial scan; later ones at a random
        // point while analysing: once a random number of further tracks is done, plus up to 200 ms.
        const target = previous.size + 1 + Math.floor(Math.random() * (TRACKS - previous.size) * 0.4);
        const delayMs = Math.floor(Math.random() * (kill === 0 ? 1200 : 200));
        let reachedAt: number | null = null;
        const { ended, stderr } = await scanAndKill(music, dbPath, (elapsedMs) => {
          if (kill === 0) return elapsedMs >= delayMs;
          if (reachedAt === null && analysedSnapshot(dbPath).size >= target) reachedAt = elapsedMs;
          return reachedAt !== null && elapsedMs >= reachedAt + delayMs;
        });
        assert.ok(ended === 'SIGKILL' || ended === 0, `the scan failed on its own (${ended}): ${stderr}`);
        const now = analysedSnapshot(dbPath);
        const when = kill === 0 ? `${delayMs} ms after start` : `${delayMs} ms after ${target} analysed`;
        t.diagnostic(`run ${kill + 1}: killed ${when} (${ended}); ${now.size}/${TRACKS} analysed`);
        assert.ok(now.size >= previous.size, `analysed count went down: ${previous.size} → ${now.size}`);
        for (const [id, at] of previous) assert.equal(now.get(id), at, `track ${id} was lost or analysed again`);
        previous = now;
      }

      const final = await runTimbre(['scan', music, '--db', dbPath, '--jobs', '2']);
      assert.equal(final.code, 0, final.stderr);
      const done = analysedSnapshot(dbPath);
      assert.equal(done.size, TRACKS);
      for (const [id, at] of previous) assert.equal(done.get(id), at, `track ${id} was analysed again after the restart`);

      const db = new Database(dbPath, { readonly: true });
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0, 'no job left behind');
        assert.equal(db.prepare('SELECT count(*) FROM tracks').pluck().get(), TRACKS, 'no duplicate tracks');
      } finally {
        db.close();
      }
    } finally {
      temp.cleanup();
    }
  });

  it('two scans of one library share the work; when one is killed, the other takes over its jobs', async () => {
    const temp = makeTempDir();
    try {
      const music = join(temp.dir, 'music');
      mkdirSync(music);
      for (let i = 0; i < 12; i++) writeWav(join(music, `tone-${i}.wav`), toneSamples(2, { frequency: 200 + 41 * i }));
      const dbPath = join(temp.dir, 'library.db');
      const first = spawn(process.execPath, [TIMBRE_BIN, 'scan', music, '--db', dbPath, '--jobs', '1'], { stdio: 'ignore' });
      const firstExit = new Promise((resolve) => first.on('exit', resolve));
      await waitFor('the first scan to analyse a track', () => analysedSnapshot(dbPath).size >= 1);
      const second = runTimbre(['scan', music, '--db', dbPath, '--jobs', '1']);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      first.kill('SIGKILL');
      await firstExit;
      const result = await second;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(analysedSnapshot(dbPath).size, 12);
      const registeredPids = () => {
        const db = new Database(dbPath, { readonly: true });
        try {
          assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 0);
          const records = db.prepare(`SELECT value FROM meta WHERE key LIKE 'analysis-runner:%'`).pluck().all() as string[];
          return records.map((value) => (JSON.parse(value) as { pid: number }).pid);
        } finally {
          db.close();
        }
      };
      // The second scan unregistered itself. The killed one may have died after the second finished
      // (while shutting down), leaving its record: the next runner to start forgets it.
      assert.ok(registeredPids().every((pid) => pid === first.pid), 'only the killed scan may be left registered');
      assert.equal((await runTimbre(['scan', music, '--db', dbPath])).code, 0);
      assert.deepEqual(registeredPids(), [], 'no runner left registered');
    } finally {
      temp.cleanup();
    }
  });
});
