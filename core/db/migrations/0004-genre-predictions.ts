import type { Migration } from './types.js';

/**
 * The genre classifier's latest prediction per track, apart from tags and confirmed
 * genres so a retrain never overwrites what the user chose.
 *
 * - model_id / model_version: which registered model (models/registry.json) produced it; a track
 *   whose row names an older model is stale and can be re-queued.
 * - probabilities: JSON object genre → p; segments: JSON array of {start, end, genre, probabilities}
 *   (the genre timeline, seconds in track time).
 * - embedding: the model's track embedding, float32 little-endian, for similarity.
 */
export const migration: Migration = {
  version: 4,
  name: 'genre-predictions',
  up(db) {
    db.exec(`
      CREATE TABLE track_predictions (
        track_id      INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        model_id      TEXT NOT NULL,
        model_version TEXT NOT NULL,
        genre         TEXT NOT NULL,
        confidence    REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        probabilities TEXT NOT NULL CHECK (json_valid(probabilities) AND json_type(probabilities) = 'object'),
        segments      TEXT NOT NULL CHECK (json_valid(segments) AND json_type(segments) = 'array'),
        embedding     BLOB,
        predicted_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX track_predictions_genre ON track_predictions(genre, confidence);
      CREATE INDEX track_predictions_model ON track_predictions(model_id, model_version);
    `);
  },
};
