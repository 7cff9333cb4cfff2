import type { Migration } from './types.js';

/** Tables whose rows are part of what a track shows (list, track panel, counts), each keyed by track_id. */
const TRACK_PARTS = ['track_genres', 'track_confirmed_genres', 'features', 'track_predictions'] as const;

/**
 * A log of changed track ids, filled by triggers, so that a running app learns which tracks another
 * process (a CLI scan, a second app) changed: `PRAGMA data_version` says only that something changed.
 * `at` (ms) lets each process prune what every reader has long seen (core/db/repos/track-changes.ts).
 */
export const migration: Migration = {
  version: 8,
  name: 'track-change-log',
  up(db) {
    const now = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;
    const statements = [
      `CREATE TABLE track_changes (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        track_id INTEGER NOT NULL,
        at       INTEGER NOT NULL
      ) STRICT`,
      `CREATE INDEX track_changes_at ON track_changes(at)`,
      `CREATE TRIGGER tracks_inserted_log AFTER INSERT ON tracks BEGIN INSERT INTO track_changes (track_id, at) VALUES (NEW.id, ${now}); END`,
      `CREATE TRIGGER tracks_updated_log AFTER UPDATE ON tracks BEGIN INSERT INTO track_changes (track_id, at) VALUES (NEW.id, ${now}); END`,
      `CREATE TRIGGER tracks_deleted_log AFTER DELETE ON tracks BEGIN INSERT INTO track_changes (track_id, at) VALUES (OLD.id, ${now}); END`,
    ];
    for (const table of TRACK_PARTS) {
      statements.push(
        `CREATE TRIGGER ${table}_inserted_log AFTER INSERT ON ${table} BEGIN INSERT INTO track_changes (track_id, at) VALUES (NEW.track_id, ${now}); END`,
        `CREATE TRIGGER ${table}_updated_log AFTER UPDATE ON ${table} BEGIN INSERT INTO track_changes (track_id, at) VALUES (NEW.track_id, ${now}); END`,
        `CREATE TRIGGER ${table}_deleted_log AFTER DELETE ON ${table} BEGIN INSERT INTO track_changes (track_id, at) VALUES (OLD.track_id, ${now}); END`,
      );
    }
    for (const statement of statements) db.exec(statement);
  },
};
