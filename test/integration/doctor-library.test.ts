import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

describe('timbre doctor', () => {
  it("names the library's active model version: a retrained one once it is active", async () => {
    const temp = makeTempDir('timbre-doctor-');
    try {
      const dbPath = join(temp.dir, 'library.db');
      const db = openDatabase(dbPath);
      const insert = db.prepare(`
        INSERT INTO model_versions (model_id, model_version, name, labels, head, trained_on, validation, active, created_at)
        VALUES ('genre-cnn-lstm-emotify', '1.3.0', ?, '["rock","pop"]', ?, ?, ?, ?, 0)`);
      insert.run('genre-cnn-lstm-emotify 1.3.0', null, 0, null, 1);
      db.close();
      const doctor = async () => {
        const result = await runTimbre(['doctor', '--db', dbPath, '--json']);
        const checks = (JSON.parse(result.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
        return checks.find((check) => check.name === 'library model')!;
      };
      assert.match((await doctor()).detail, /^genre-cnn-lstm-emotify 1\.3\.0, the shipped model/);

      const retrain = openDatabase(dbPath);
      retrain.prepare('UPDATE model_versions SET active = 0').run();
      retrain
        .prepare(`
          INSERT INTO model_versions (model_id, model_version, name, labels, head, trained_on, validation, active, created_at)
          VALUES ('genre-cnn-lstm-emotify', '1.3.0', 'genre-cnn-lstm-emotify 1.3.0 + fixes #2', '["rock","pop"]', '{}', 240, '{"accuracy":0.8125,"kappa":0.7,"tracks":240,"folds":5,"groups":30}', 1, 1)`)
        .run();
      retrain.close();
      const check = await doctor();
      assert.equal(check.ok, true);
      assert.match(check.detail, /^genre-cnn-lstm-emotify 1\.3\.0 \+ fixes #2, retrained from 240 confirmed tracks, validation accuracy 0\.813/);

      const none = await runTimbre(['doctor', '--db', join(temp.dir, 'missing.db'), '--json']);
      assert.match(none.stdout, /no library at .*missing\.db yet/);
    } finally {
      temp.cleanup();
    }
  });
});
