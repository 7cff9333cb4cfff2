import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { BackboneFeaturesRepo } from '../../core/db/repos/backbone-features.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { loadSimilarityTracks } from '../../core/similarity/library-db.js';

test('similarity takes the backbone embedding where the scan stored one, of the model with most tracks', () => {
  const db = openDatabase(':memory:');
  try {
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    const track = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at, status) VALUES (?, 1, ?, 1, 1, 0, 0, 'done')`);
    const features = new FeaturesRepo(db);
    for (const id of [1, 2, 3]) {
      track.run(id, `/music/${id}.mp3`);
      features.save(id, {
        analysisVersion: 1,
        fma518: new Float32Array(518).fill(id),
        tempoBpm: 120,
        melPreview: { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: 0, dbMax: 1, data: new Uint8Array(1) },
        analysedAt: 0,
      });
    }
    assert.ok(loadSimilarityTracks(db).every((row) => !row.embedding), 'no classifier and no backbone: no embeddings');

    const backbone = new BackboneFeaturesRepo(db);
    const embedding = (value: number) => new Float32Array(200).fill(value);
    backbone.save(1, { modelId: 'msd-musicnn-1', tags: new Float32Array(50), embedding: embedding(1), patchCount: 1 }, 0);
    backbone.save(2, { modelId: 'msd-musicnn-1', tags: new Float32Array(50), embedding: embedding(2), patchCount: 1 }, 0);
    backbone.save(3, { modelId: 'older-model', tags: new Float32Array(50), embedding: new Float32Array(64).fill(3), patchCount: 1 }, 0);
    const byId = new Map(loadSimilarityTracks(db).map((row) => [row.id, row.embedding]));
    assert.deepEqual(byId.get(1), embedding(1));
    assert.deepEqual(byId.get(2), embedding(2));
    assert.equal(byId.get(3), null, "another model's embedding is not mixed in");
  } finally {
    db.close();
  }
});
