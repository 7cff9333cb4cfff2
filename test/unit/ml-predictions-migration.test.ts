import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, 1, '/music/a.mp3', 1, 1, 0, 0)`).run();
  return db;
}

describe('migration 0004-genre-predictions', () => {
  it('adds track_predictions with its columns and indexes', () => {
    const db = upTo(4);
    const columns = (db.pragma('table_info(track_predictions)') as Array<{ name: string; type: string }>).map((c) => `${c.name} ${c.type}`);
    assert.deepEqual(columns, [
      'track_id INTEGER',
      'model_id TEXT',
      'model_version TEXT',
      'genre TEXT',
      'confidence REAL',
      'probabilities TEXT',
      'segments TEXT',
      'embedding BLOB',
      'predicted_at INTEGER',
    ]);
    const indexes = (db.pragma('index_list(track_predictions)') as Array<{ name: string }>).map((index) => index.name).filter((name) => !name.startsWith('sqlite_'));
    assert.deepEqual(indexes.sort(), ['track_predictions_genre', 'track_predictions_model']);
    db.close();
  });

  it('keeps one prediction per track, validates JSON and confidence, and cascades with the track', () => {
    const db = upTo(4);
    const insert = db.prepare(`INSERT INTO track_predictions VALUES (1, 'genre-cnn-lstm', '1', 'rock', ?, ?, ?, ?, 0)`);
    const embedding = Buffer.from(new Float32Array([0.6, 0.8]).buffer);
    insert.run(0.7, '{"rock":0.7,"pop":0.3}', '[{"start":0,"end":3,"genre":"rock","probabilities":{"rock":0.7,"pop":0.3}}]', embedding);
    assert.throws(() => insert.run(0.7, '{"rock":0.7}', '[]', null), /UNIQUE|PRIMARY KEY/);
    db.prepare('DELETE FROM track_predictions').run();
    assert.throws(() => insert.run(1.5, '{}', '[]', null), /CHECK/);
    assert.throws(() => insert.run(0.5, '[1]', '[]', null), /CHECK/, 'probabilities must be an object');
    assert.throws(() => insert.run(0.5, '{}', 'not json', null), /CHECK/);
    assert.throws(() => db.prepare(`INSERT INTO track_predictions VALUES (99, 'm', '1', 'rock', 0.5, '{}', '[]', NULL, 0)`).run(), /FOREIGN KEY/);
    insert.run(0.5, '{}', '[]', embedding);
    const stored = db.prepare('SELECT embedding FROM track_predictions WHERE track_id = 1').pluck().get() as Buffer;
    assert.deepEqual(Array.from(new Float32Array(stored.buffer, stored.byteOffset, 2)), [Math.fround(0.6), Math.fround(0.8)]);
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM track_predictions').pluck().get(), 0);
    db.close();
  });
});
