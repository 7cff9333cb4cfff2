import type { Migration } from './types.js';

/**
 * Saved playlists and the cached 2D library map.
 *
 * - playlists.request: the JSON generate request a playlist came from (regenerate replays it), or
 *   NULL for an imported or hand-made one.
 * - playlist_tracks: the order is `position` (gaps allowed: a track deleted from the library just
 *   leaves the playlists it was in).
 * - library_map: the last computed layout, one point per track; which library it was computed for
 *   is in meta (library-map.*), so an app start can reuse it when nothing changed.
 */
export const migration: Migration = {
  version: 7,
  name: 'saved-playlists',
  up(db) {
    db.exec(`
      CREATE TABLE playlists (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
        request    TEXT CHECK (request IS NULL OR (json_valid(request) AND json_type(request) = 'object')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE playlist_tracks (
        playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        track_id    INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        PRIMARY KEY (playlist_id, position)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX playlist_tracks_track ON playlist_tracks(track_id);

      CREATE TABLE library_map (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        x        REAL NOT NULL,
        y        REAL NOT NULL
      ) STRICT;
    `);
  },
};
