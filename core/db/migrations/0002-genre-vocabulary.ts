import type { Migration } from './types.js';

/**
 * The genre vocabulary and the genres users confirm per track.
 *
 * - genres: one row per canonical genre; `name` is how it is shown and written to tags. Ids are never
 *   reused (AUTOINCREMENT), so an undo entry that names a deleted genre cannot hit a newer one.
 * - genre_aliases: every normalised spelling key (core/genres/vocabulary.ts genreKey) that resolves to a
 *   genre, the canonical name's own key included; a key belongs to exactly one genre.
 * - track_confirmed_genres: the user's confirmed genres of a track, in order. Only user actions write
 *   here (typing a genre, accepting a suggestion, marking the tag genre confirmed); predictions live in
 *   their own table, so no prediction or retrain can overwrite a confirmation.
 */
export const migration: Migration = {
  version: 2,
  name: 'genre-vocabulary',
  up(db) {
    db.exec(`
      CREATE TABLE genres (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE genre_aliases (
        key      TEXT PRIMARY KEY,
        genre_id INTEGER NOT NULL REFERENCES genres(id) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX genre_aliases_genre ON genre_aliases(genre_id);

      CREATE TABLE track_confirmed_genres (
        track_id     INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        position     INTEGER NOT NULL CHECK (position >= 0),
        genre_id     INTEGER NOT NULL REFERENCES genres(id),
        source       TEXT NOT NULL CHECK (source IN ('user', 'accepted-prediction', 'tag')),
        confirmed_at INTEGER NOT NULL,
        PRIMARY KEY (track_id, position),
        UNIQUE (track_id, genre_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX track_confirmed_genres_genre ON track_confirmed_genres(genre_id);
    `);
  },
};
