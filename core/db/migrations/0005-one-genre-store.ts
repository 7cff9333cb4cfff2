import type { Migration } from './types.js';
import {
  builtinGenre,
  builtinKeys,
  cleanGenreName,
  genreKey,
  genreNameProblem,
  MAX_GENRE_NAME_LENGTH,
  splitGenreField,
} from '../../genres/vocabulary.js';

/**
 * One store for the user's genres: `tracks.user_genre` (one free-text genre per track,
 * from the first app) moves into `track_confirmed_genres`, resolved through the genre vocabulary
 * (source 'user'), and the column is dropped. A track that already had confirmed genres gets the
 * user genre first (it was what the app showed as the track's genre), then the others.
 *
 * Written with plain SQL instead of GenresRepo so that later changes to the repository cannot change
 * what this released step does; the naming rules come from the pure vocabulary module.
 */
export const migration: Migration = {
  version: 5,
  name: 'one-genre-store',
  up(db) {
    const userGenres = db
      .prepare(`SELECT id, user_genre AS userGenre, updated_at AS updatedAt FROM tracks WHERE user_genre IS NOT NULL ORDER BY id`)
      .all() as Array<{ id: number; userGenre: string; updatedAt: number }>;
    const byKey = db.prepare('SELECT genre_id FROM genre_aliases WHERE key = ?').pluck();
    const insertGenre = db.prepare('INSERT INTO genres (name, created_at) VALUES (?, ?)');
    const insertAlias = db.prepare('INSERT INTO genre_aliases (key, genre_id) VALUES (?, ?)');
    const confirmedOf = db.prepare('SELECT genre_id AS genreId, source, confirmed_at AS confirmedAt FROM track_confirmed_genres WHERE track_id = ? ORDER BY position');
    const clearConfirmed = db.prepare('DELETE FROM track_confirmed_genres WHERE track_id = ?');
    const insertConfirmed = db.prepare('INSERT INTO track_confirmed_genres (track_id, position, genre_id, source, confirmed_at) VALUES (?, ?, ?, ?, ?)');

    /** The genre a spelling resolves to, created (with a built-in genre's aliases) if new. */
    const resolveOrCreate = (name: string, now: number): number => {
      const existing = byKey.get(genreKey(name)) as number | undefined;
      if (existing !== undefined) return existing;
      const builtin = builtinGenre(name);
      const id = Number(insertGenre.run(builtin?.name ?? name, now).lastInsertRowid);
      for (const key of new Set([genreKey(name), ...(builtin ? builtinKeys(builtin) : [])])) {
        if (byKey.get(key) === undefined) insertAlias.run(key, id);
      }
      return id;
    };

    for (const track of userGenres) {
      const names = splitGenreField([track.userGenre])
        .map((name) => cleanGenreName(name.slice(0, MAX_GENRE_NAME_LENGTH)))
        // A value with no letters or digits names no genre; there is nothing to keep.
        .filter((name) => genreNameProblem(name) === null);
      if (names.length === 0) continue;
      const rows: Array<{ genreId: number; source: string; confirmedAt: number }> = [];
      for (const name of names) rows.push({ genreId: resolveOrCreate(name, track.updatedAt), source: 'user', confirmedAt: track.updatedAt });
      rows.push(...(confirmedOf.all(track.id) as typeof rows));
      const seen = new Set<number>();
      clearConfirmed.run(track.id);
      for (const row of rows) {
        if (seen.has(row.genreId)) continue;
        insertConfirmed.run(track.id, seen.size, row.genreId, row.source, row.confirmedAt);
        seen.add(row.genreId);
      }
    }
    db.exec('ALTER TABLE tracks DROP COLUMN user_genre');
  },
};
