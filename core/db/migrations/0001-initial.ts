import type { Migration } from './types.js';

/** Folders, tracks with their tags, analysis features, the durable job queue and key/value meta. */
export const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE folders (
        id           INTEGER PRIMARY KEY,
        path         TEXT NOT NULL UNIQUE,
        added_at     INTEGER NOT NULL,
        last_scan_at INTEGER,
        error        TEXT
      ) STRICT;

      CREATE TABLE tracks (
        id          INTEGER PRIMARY KEY,
        folder_id   INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        path        TEXT NOT NULL UNIQUE,
        size        INTEGER NOT NULL,
        mtime_ms    INTEGER NOT NULL,
        fingerprint TEXT,
        title       TEXT,
        artist      TEXT,
        album       TEXT,
        year        INTEGER,
        duration_sec REAL,
        bitrate     REAL,
        sample_rate INTEGER,
        status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'analysing', 'done', 'error')),
        error       TEXT,
        rating      INTEGER CHECK (rating BETWEEN 0 AND 5),
        user_genre  TEXT,
        added_at    INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tracks_folder ON tracks(folder_id);
      CREATE INDEX tracks_fingerprint ON tracks(fingerprint);

      CREATE TABLE track_genres (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        genre    TEXT NOT NULL,
        PRIMARY KEY (track_id, position)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX track_genres_genre ON track_genres(genre);

      CREATE TABLE features (
        track_id         INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        analysis_version INTEGER NOT NULL,
        fma518           BLOB NOT NULL,
        tempo_bpm        REAL NOT NULL,
        mel_preview      BLOB NOT NULL,
        mel_bands        INTEGER NOT NULL,
        mel_frames       INTEGER NOT NULL,
        mel_seconds_per_frame REAL NOT NULL,
        mel_db_min       REAL NOT NULL,
        mel_db_max       REAL NOT NULL,
        analysed_at      INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE jobs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        track_id     INTEGER REFERENCES tracks(id) ON DELETE CASCADE,
        payload      TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'failed')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        last_error   TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX jobs_one_per_track ON jobs(kind, track_id);
      CREATE INDEX jobs_by_state ON jobs(state, id);
    `);
  },
};
