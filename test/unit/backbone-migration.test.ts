import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { BackboneFeaturesRepo } from '../../core/db/repos/backbone-features.js';

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const track = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  track.run(1, '/music/a.mp3');
  track.run(2, '/music/b.mp3');
  return db;
}

const columns = (db: Db, table: string) =>
  (db.pragma(`table_info(${table})`) as Array<{ name: string; type: string }>).map((column) => `${column.name} ${column.type}`);

describe('migration 0014-backbone-features', () => {
  it('adds track_backbone_features with its model index', () => {
    const db = upTo(14);
    assert.deepEqual(columns(db, 'track_backbone_features'), [
      'track_id INTEGER',
      'model_id TEXT',
      'tags BLOB',
      'embedding BLOB',
      'patch_count INTEGER',
      'computed_at INTEGER',
    ]);
    const indexes = (db.pragma('index_list(track_backbone_features)') as Array<{ name: string }>).map((index) => index.name);
    assert.ok(indexes.includes('track_backbone_features_model'));
    db.close();
  });

  it('checks its values and cascades from tracks', () => {
    const db = upTo(14);
    const insert = db.prepare('INSERT INTO track_backbone_features VALUES (?, ?, ?, ?, ?, 0)');
    const four = Buffer.alloc(4);
    insert.run(1, 'msd-musicnn-1', four, four, 1);
    assert.throws(() => insert.run(2, '', four, four, 1), /CHECK/, 'an empty model id');
    assert.throws(() => insert.run(2, 'm', Buffer.alloc(3), four, 1), /CHECK/, 'tags not float32');
    assert.throws(() => insert.run(2, 'm', four, Buffer.alloc(0), 1), /CHECK/, 'an empty embedding');
    assert.throws(() => insert.run(2, 'm', four, four, 0), /CHECK/, 'no patches');
    assert.throws(() => insert.run(3, 'm', four, four, 1), /FOREIGN KEY/);
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.equal((db.prepare('SELECT count(*) AS n FROM track_backbone_features').get() as { n: number }).n, 0);
    db.close();
  });

  it('the repo stores and reads float32 tags and embeddings per track and by model', () => {
    const db = upTo(14);
    const repo = new BackboneFeaturesRepo(db);
    const tags = Float32Array.from({ length: 50 }, (_, i) => i / 50);
    const embedding = Float32Array.from({ length: 200 }, (_, i) => i * 0.5);
    repo.save(1, { modelId: 'msd-musicnn-1', tags, embedding, patchCount: 2 }, 10);
    repo.save(2, { modelId: 'other', tags: tags.subarray(0, 10), embedding: embedding.subarray(5, 15), patchCount: 1 }, 10);
    assert.deepEqual(repo.get(1), { modelId: 'msd-musicnn-1', tags, embedding, patchCount: 2 });
    assert.deepEqual(repo.get(2)?.embedding, embedding.slice(5, 15));
    assert.equal(repo.get(3), null);
    assert.deepEqual([...repo.byModel('msd-musicnn-1').keys()], [1]);
    // A later scan replaces the row.
    repo.save(1, { modelId: 'msd-musicnn-1', tags, embedding: embedding.map((v) => -v), patchCount: 1 }, 20);
    assert.equal(repo.get(1)?.patchCount, 1);
    assert.equal(repo.get(1)?.embedding[2], -1);
    db.close();
  });
});
