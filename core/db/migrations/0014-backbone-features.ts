import type { Migration } from './types.js';

/**
 * What a pretrained backbone (core/ml/pretrained) computed for a track in the scan: its tag
 * probabilities and embedding (float32 BLOBs, means over the patches it ran on) and the model id,
 * so features of another model are never read as this one's. One row per track: the latest scan's.
 */
export const migration: Migration = {
  version: 14,
  name: 'backbone-features',
  up(db) {
    db.exec(`
      CREATE TABLE track_backbone_features (
        track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        model_id    TEXT NOT NULL CHECK (length(model_id) > 0),
        tags        BLOB NOT NULL CHECK (length(tags) > 0 AND length(tags) % 4 = 0),
        embedding   BLOB NOT NULL CHECK (length(embedding) > 0 AND length(embedding) % 4 = 0),
        patch_count INTEGER NOT NULL CHECK (patch_count > 0),
        computed_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX track_backbone_features_model ON track_backbone_features(model_id);
    `);
  },
};
