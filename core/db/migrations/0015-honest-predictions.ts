import type { Migration } from './types.js';

/**
 * Honest predictions: an "unsure" decision per stored prediction, and the held-out predictions a
 * retrained version is judged by.
 *
 * - track_predictions.unsure_threshold: the probability the prediction's model needs to name a genre
 *   (its definition's unsureThreshold). genre / base_genre stay the top label; named_genre is the
 *   decision: the top label when confidence reaches the threshold, NULL (unsure) otherwise. Existing
 *   predictions get 0.5, the default of a model that stores no threshold.
 * - model_version_tracks: the confirmed tracks a retrained version learned from, the genre each was
 *   confirmed as then, and held_out_genre: the genre predicted for it by a head of the artist-grouped
 *   validation that never saw it (NULL when there were too few tracks to validate). The Confusion page
 *   rests on these, not on the version's agreement with its own training tracks.
 */
export const migration: Migration = {
  version: 15,
  name: 'honest-predictions',
  up(db) {
    db.exec(`
      ALTER TABLE track_predictions ADD COLUMN unsure_threshold REAL NOT NULL DEFAULT 0.5
        CHECK (unsure_threshold > 0 AND unsure_threshold <= 1);
      ALTER TABLE track_predictions ADD COLUMN named_genre TEXT
        GENERATED ALWAYS AS (CASE WHEN confidence >= unsure_threshold THEN genre END) VIRTUAL;

      CREATE TABLE model_version_tracks (
        version_id     INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        track_id       INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        confirmed      TEXT NOT NULL,
        held_out_genre TEXT,
        PRIMARY KEY (version_id, track_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX model_version_tracks_track ON model_version_tracks(track_id);
    `);
  },
};
