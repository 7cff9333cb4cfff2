import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate, openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  return db;
}

const insertVersion = `INSERT INTO model_versions (model_id, model_version, name, labels, head, active, created_at) VALUES (?, ?, ?, ?, ?, ?, 0)`;

describe('migration 0006-model-versions', () => {
  it("copies each stored prediction into the shipped model's own columns", () => {
    const db = upTo(5);
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, 1, '/music/a.mp3', 1, 1, 0, 0)`).run();
    db.prepare(`INSERT INTO track_predictions VALUES (1, 'genre-cnn-lstm', '1.1.0', 'rock', 0.7, '{"rock":0.7,"pop":0.3}', '[]', NULL, 5)`).run();
    migrate(db, migrations.filter((migration) => migration.version <= 6));
    assert.equal(db.pragma('user_version', { simple: true }), 6);
    const row = db.prepare('SELECT base_genre, base_confidence, base_probabilities, head_version_id FROM track_predictions').get();
    assert.deepEqual(row, { base_genre: 'rock', base_confidence: 0.7, base_probabilities: '{"rock":0.7,"pop":0.3}', head_version_id: null });
    const indexes = (db.pragma('index_list(track_predictions)') as Array<{ name: string }>).map((index) => index.name).filter((name) => !name.startsWith('sqlite_'));
    assert.deepEqual(indexes.sort(), ['track_predictions_genre', 'track_predictions_model', 'track_predictions_predicted_at']);
    db.close();
  });

  it('keeps one active version and one shipped-model version per model, and checks its JSON', () => {
    const db = upTo(6);
    const insert = db.prepare(insertVersion);
    insert.run('m', '1', 'm 1', '["rock"]', null, 1);
    assert.throws(() => insert.run('m', '1', 'm 1 again', '["rock"]', null, 0), /UNIQUE/, 'one shipped-model version per model');
    assert.throws(() => insert.run('m', '1', 'm 1 + fixes #1', '["rock"]', '{}', 1), /UNIQUE/, 'one active version');
    insert.run('m', '1', 'm 1 + fixes #1', '["rock"]', '{}', 0);
    insert.run('m', '2', 'm 2', '["rock"]', null, 0);
    assert.throws(() => insert.run('m', '3', 'x', '{"rock":1}', null, 0), /CHECK/, 'labels are an array');
    assert.throws(() => insert.run('m', '3', 'x', '[]', '[1]', 0), /CHECK/, 'a head is an object');
    assert.throws(() => insert.run('m', '3', 'x', '[]', null, 2), /CHECK/);
    db.close();
  });

  it('forgets which head made a prediction when that version is deleted', () => {
    const db = upTo(6);
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, 1, '/music/a.mp3', 1, 1, 0, 0)`).run();
    const versionId = Number(db.prepare(insertVersion).run('m', '1', 'm 1 + fixes #1', '["Jazz"]', '{}', 1).lastInsertRowid);
    db.prepare(`
      INSERT INTO track_predictions (track_id, model_id, model_version, genre, confidence, probabilities, segments, embedding, predicted_at,
                                     base_genre, base_confidence, base_probabilities, head_version_id)
      VALUES (1, 'm', '1', 'Jazz', 0.9, '{"Jazz":0.9}', '[]', NULL, 0, 'rock', 0.6, '{"rock":0.6}', ?)`).run(versionId);
    assert.throws(() => db.prepare('UPDATE track_predictions SET base_confidence = 2').run(), /CHECK/);
    assert.throws(() => db.prepare(`UPDATE track_predictions SET base_probabilities = '[]'`).run(), /CHECK/);
    db.prepare('DELETE FROM model_versions WHERE id = ?').run(versionId);
    assert.equal(db.prepare('SELECT head_version_id FROM track_predictions').pluck().get(), null);
    db.close();
  });
});
