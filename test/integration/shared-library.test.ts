import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const ROUNDS = 20;
const NEW_FILES_PER_ROUND = 2;

describe('one library, several processes', () => {
  it(`two processes scanning and analysing one library at once, ${ROUNDS} rounds: no crash, nothing lost`, { timeout: 600_000 }, async () => {
    const temp = makeTempDir();
    try {
      const music = join(temp.dir, 'music');
      mkdirSync(music);
      const dbPath = join(temp.dir, 'library.db');
      const failures: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < NEW_FILES_PER_ROUND; i++) {
          writeWav(join(music, `r${round}-t${i}.wav`), toneSamples(1, { frequency: 120 + 13 * (round * NEW_FILES_PER_ROUND + i) }));
        }
        const both = await Promise.all([0, 1].map(() => runTimbre(['scan', music, '--db', dbPath, '--jobs', '1'])));
        for (const [which, result] of both.entries()) {
          if (result.code !== 0 || /SqliteError|at .*\.js:\d+/.test(result.stderr)) {
            failures.push(`round ${round}, process ${which}: exit ${result.code ?? result.signal}\n${result.stderr.slice(-1500)}`);
          }
        }
      }
      assert.deepEqual(failures, [], `crashes:\n${failures.join('\n---\n')}`);

      const db = new Database(dbPath, { readonly: true });
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const statuses = db.prepare('SELECT status, COUNT(*) AS n FROM tracks GROUP BY status').all() as Array<{ status: string; n: number }>;
        assert.deepEqual(statuses, [{ status: 'done', n: ROUNDS * NEW_FILES_PER_ROUND }]);
        const analysed = db.prepare('SELECT COUNT(*) FROM features').pluck().get();
        assert.equal(analysed, ROUNDS * NEW_FILES_PER_ROUND);
      } finally {
        db.close();
      }
    } finally {
      temp.cleanup();
    }
  });
});
