import type { Migration } from './types.js';

/**
 * The undo/redo log of user edits and the journal of tag writes to audio files.
 *
 * - edits: one row per user action (set genres on tracks, rename or merge a genre, write tags), with
 *   JSON describing how to undo and redo its database part. 'undone' edits can be redone until a new
 *   edit supersedes them.
 * - tag_writes: one row per file written, recorded (and committed) before the file is touched, with
 *   the file's fingerprint before and after, the temp file used, and exact byte patches to restore the
 *   old bytes (undo) or the new ones (redo). `state` tells a crashed write from a finished one.
 * - tag_write_fields: per tag and field (e.g. Id3v2 genre), the value before and after, as JSON arrays.
 */
export const migration: Migration = {
  version: 3,
  name: 'edit-journal',
  up(db) {
    db.exec(`
      CREATE TABLE edits (
        id         INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        summary    TEXT NOT NULL,
        undo_data  TEXT NOT NULL CHECK (json_valid(undo_data)),
        redo_data  TEXT NOT NULL CHECK (json_valid(redo_data)),
        state      TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'superseded')),
        created_at INTEGER NOT NULL,
        changed_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX edits_by_state ON edits(state, id);

      CREATE TABLE tag_writes (
        id              INTEGER PRIMARY KEY,
        edit_id         INTEGER NOT NULL REFERENCES edits(id) ON DELETE CASCADE,
        path            TEXT NOT NULL,
        format          TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('writing', 'written', 'restoring', 'restored', 'failed')),
        temp_path       TEXT,
        before_size     INTEGER NOT NULL,
        before_mtime_ms INTEGER NOT NULL,
        before_sha256   TEXT NOT NULL,
        after_size      INTEGER NOT NULL,
        after_mtime_ms  INTEGER,
        after_sha256    TEXT NOT NULL,
        restore_patch   BLOB NOT NULL,
        reapply_patch   BLOB NOT NULL,
        error           TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tag_writes_edit ON tag_writes(edit_id);
      CREATE INDEX tag_writes_path ON tag_writes(path, id);
      CREATE INDEX tag_writes_unsettled ON tag_writes(state) WHERE state IN ('writing', 'restoring');

      CREATE TABLE tag_write_fields (
        write_id     INTEGER NOT NULL REFERENCES tag_writes(id) ON DELETE CASCADE,
        tag          TEXT NOT NULL,
        field        TEXT NOT NULL,
        before_value TEXT NOT NULL CHECK (json_valid(before_value)),
        after_value  TEXT NOT NULL CHECK (json_valid(after_value)),
        PRIMARY KEY (write_id, tag, field)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
