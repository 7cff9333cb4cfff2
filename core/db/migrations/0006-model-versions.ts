import type { Migration } from './types.js';

/**
 * Model versions for "retrain from my fixes".
 *
 * - model_versions: the shipped model itself (head NULL: its own final layer) and every head trained
 *   on its cached track embeddings from the user's confirmed genres. model_id / model_version name the
 *   shipped model whose embeddings a head reads: a head applies only to predictions of that model.
 *   head is JSON (see core/retrain/head.ts HeadParameters); labels a JSON array of genre names;
 *   validation / training JSON reports. At most one version is active.
 * - track_predictions.base_*: the shipped model's own prediction. The stored embedding is not the input
 *   of the model's final layer, so its output cannot be recomputed from it: it is kept here, so the
 *   shipped version can still be compared and rolled back to once a head's predictions replace
 *   genre / confidence / probabilities. head_version_id names the head that made those (NULL: the
 *   shipped model's own). The predicted_at index finds the model analysis uses now (the latest
 *   prediction's), which a retrain learns from.
 */
export const migration: Migration = {
  version: 6,
  name: 'model-versions',
  up(db) {
    db.exec(`
      CREATE TABLE model_versions (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        model_id      TEXT NOT NULL,
        model_version TEXT NOT NULL,
        name          TEXT NOT NULL,
        labels        TEXT NOT NULL CHECK (json_valid(labels) AND json_type(labels) = 'array'),
        head          TEXT CHECK (head IS NULL OR (json_valid(head) AND json_type(head) = 'object')),
        trained_on    INTEGER NOT NULL DEFAULT 0 CHECK (trained_on >= 0),
        validation    TEXT CHECK (validation IS NULL OR json_valid(validation)),
        training      TEXT CHECK (training IS NULL OR json_valid(training)),
        active        INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        created_at    INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX model_versions_one_active ON model_versions(active) WHERE active = 1;
      CREATE UNIQUE INDEX model_versions_one_base ON model_versions(model_id, model_version) WHERE head IS NULL;

      ALTER TABLE track_predictions ADD COLUMN base_genre TEXT;
      ALTER TABLE track_predictions ADD COLUMN base_confidence REAL CHECK (base_confidence IS NULL OR (base_confidence >= 0 AND base_confidence <= 1));
      ALTER TABLE track_predictions ADD COLUMN base_probabilities TEXT
        CHECK (base_probabilities IS NULL OR (json_valid(base_probabilities) AND json_type(base_probabilities) = 'object'));
      ALTER TABLE track_predictions ADD COLUMN head_version_id INTEGER REFERENCES model_versions(id) ON DELETE SET NULL;
      UPDATE track_predictions SET base_genre = genre, base_confidence = confidence, base_probabilities = probabilities;
      CREATE INDEX track_predictions_predicted_at ON track_predictions(predicted_at);
    `);
  },
};
