import type { Db } from '../open.js';
import { builtinGenre, builtinKeys, cleanGenreName, genreKey, genreNameProblem } from '../../genres/vocabulary.js';

/** How a track's genre came to be confirmed. */
export type ConfirmationSource = 'user' | 'accepted-prediction' | 'tag';

export interface Genre {
  id: number;
  name: string;
}

export interface GenreListing extends Genre {
  createdAt: number;
  /** Every normalised spelling key that resolves to this genre. */
  aliasKeys: string[];
  /** Tracks whose confirmed genres include it. */
  trackCount: number;
}

/** One confirmed genre of a track, in the stored form (position is the index in the list). */
export interface ConfirmedGenreRow {
  genreId: number;
  source: ConfirmationSource;
  confirmedAt: number;
}

export interface ConfirmedGenre extends ConfirmedGenreRow {
  name: string;
}

/**
 * The exact stored state of some genres and some tracks' confirmed genres: what an edit captures
 * before and after itself, so that undo and redo are both "apply this state".
 */
export interface VocabularyState {
  genres: Array<{ id: number; name: string; createdAt: number; aliasKeys: string[] } | { id: number; deleted: true }>;
  tracks: Array<{ trackId: number; rows: ConfirmedGenreRow[] }>;
}

export class GenreNameError extends Error {
  override readonly name = 'GenreNameError';
}

/**
 * The genre vocabulary (canonical names and their alias keys) and the genres users confirmed per track.
 *
 * The rule that a confirmed genre is never overwritten by a prediction or a retrain holds by design:
 * only user actions call setConfirmed/applyState, and predictions are stored elsewhere (H4's table).
 * A track's effective genre is its confirmed genres when it has any, else its prediction.
 */
export class GenresRepo {
  private readonly byKeyStmt;
  private readonly byIdStmt;
  private readonly insertGenreStmt;
  private readonly upsertGenreStmt;
  private readonly renameStmt;
  private readonly deleteGenreStmt;
  private readonly aliasKeysStmt;
  private readonly upsertAliasStmt;
  private readonly deleteAliasStmt;
  private readonly listStmt;
  private readonly confirmedStmt;
  private readonly clearConfirmedStmt;
  private readonly insertConfirmedStmt;
  private readonly tracksWithGenreStmt;
  private readonly allConfirmedStmt;
  private readonly tagSpellingsStmt;
  private readonly tracksWithTagSpellingsStmt;
  private readonly placementsStmt;
  private readonly placementStmt;
  private readonly setPlacementStmt;
  private readonly deletePlacementStmt;

  constructor(private readonly db: Db) {
    this.byKeyStmt = db.prepare('SELECT g.id, g.name FROM genre_aliases a JOIN genres g ON g.id = a.genre_id WHERE a.key = ?');
    this.byIdStmt = db.prepare('SELECT id, name, created_at AS createdAt FROM genres WHERE id = ?');
    this.insertGenreStmt = db.prepare('INSERT INTO genres (name, created_at) VALUES (?, ?)');
    this.upsertGenreStmt = db.prepare(`
      INSERT INTO genres (id, name, created_at) VALUES (@id, @name, @createdAt)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at`);
    this.renameStmt = db.prepare('UPDATE genres SET name = ? WHERE id = ?');
    this.deleteGenreStmt = db.prepare('DELETE FROM genres WHERE id = ?');
    this.aliasKeysStmt = db.prepare('SELECT key FROM genre_aliases WHERE genre_id = ? ORDER BY key').pluck();
    this.upsertAliasStmt = db.prepare(`
      INSERT INTO genre_aliases (key, genre_id) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET genre_id = excluded.genre_id`);
    this.deleteAliasStmt = db.prepare('DELETE FROM genre_aliases WHERE key = ? AND genre_id = ?');
    this.listStmt = db.prepare(`
      SELECT g.id, g.name, g.created_at AS createdAt,
             (SELECT json_group_array(key) FROM (SELECT key FROM genre_aliases WHERE genre_id = g.id ORDER BY key)) AS aliasKeysJson,
             (SELECT count(*) FROM track_confirmed_genres c WHERE c.genre_id = g.id) AS trackCount
      FROM genres g ORDER BY g.name COLLATE NOCASE, g.id`);
    this.confirmedStmt = db.prepare(`
      SELECT c.genre_id AS genreId, g.name, c.source, c.confirmed_at AS confirmedAt
      FROM track_confirmed_genres c JOIN genres g ON g.id = c.genre_id
      WHERE c.track_id = ? ORDER BY c.position`);
    this.clearConfirmedStmt = db.prepare('DELETE FROM track_confirmed_genres WHERE track_id = ?');
    this.insertConfirmedStmt = db.prepare(`
      INSERT INTO track_confirmed_genres (track_id, position, genre_id, source, confirmed_at)
      SELECT @trackId, @position, @genreId, @source, @confirmedAt WHERE EXISTS (SELECT 1 FROM tracks WHERE id = @trackId)`);
    this.tracksWithGenreStmt = db.prepare('SELECT DISTINCT track_id FROM track_confirmed_genres WHERE genre_id = ?').pluck();
    this.allConfirmedStmt = db.prepare(`
      SELECT c.track_id AS trackId, json_group_array(g.name) AS genresJson
      FROM (SELECT * FROM track_confirmed_genres ORDER BY track_id, position) c JOIN genres g ON g.id = c.genre_id
      GROUP BY c.track_id ORDER BY c.track_id`);
    this.tagSpellingsStmt = db.prepare('SELECT genre AS spelling, count(DISTINCT track_id) AS trackCount FROM track_genres GROUP BY genre ORDER BY genre');
    this.tracksWithTagSpellingsStmt = db.prepare('SELECT DISTINCT track_id FROM track_genres WHERE genre IN (SELECT value FROM json_each(?)) ORDER BY track_id').pluck();
    this.placementsStmt = db.prepare('SELECT key, placement FROM genre_tree_placements');
    this.placementStmt = db.prepare('SELECT placement FROM genre_tree_placements WHERE key = ?').pluck();
    this.setPlacementStmt = db.prepare('INSERT INTO genre_tree_placements (key, placement) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET placement = excluded.placement');
    this.deletePlacementStmt = db.prepare('DELETE FROM genre_tree_placements WHERE key = ?');
  }

  /** Every genre spelling the files' tags hold, as written, with how many tracks hold it. */
  tagSpellings(): Array<{ spelling: string; trackCount: number }> {
    return this.tagSpellingsStmt.all() as Array<{ spelling: string; trackCount: number }>;
  }

  /** Tracks whose tags hold any of these spellings (exactly as written). */
  tracksWithTagSpellings(spellings: readonly string[]): number[] {
    return spellings.length === 0 ? [] : (this.tracksWithTagSpellingsStmt.all(JSON.stringify(spellings)) as number[]);
  }

  /** Makes a spelling key resolve to a genre (taking it from any genre it resolved to before). */
  setAlias(key: string, genreId: number): void {
    this.upsertAliasStmt.run(key, genreId);
  }

  /** The user's tree placements by spelling key: family ids joined by ',' or 'outside'. */
  treePlacements(): Map<string, string> {
    return new Map((this.placementsStmt.all() as Array<{ key: string; placement: string }>).map(({ key, placement }) => [key, placement]));
  }

  treePlacement(key: string): string | null {
    return (this.placementStmt.get(key) as string | undefined) ?? null;
  }

  /** Sets (or, with null, clears) the user's placement of a spelling key. */
  setTreePlacement(key: string, placement: string | null): void {
    if (placement === null) this.deletePlacementStmt.run(key);
    else this.setPlacementStmt.run(key, placement);
  }

  /** The genre a spelling resolves to (any alias, any case or punctuation), or null. */
  resolve(name: string): Genre | null {
    const key = genreKey(name);
    return key ? ((this.byKeyStmt.get(key) as Genre | undefined) ?? null) : null;
  }

  /** The genre a normalised spelling key resolves to, or null. */
  resolveKey(key: string): Genre | null {
    return (this.byKeyStmt.get(key) as Genre | undefined) ?? null;
  }

  /**
   * The genre named exactly `name` (cleaned), creating it if none is: unlike resolveOrCreate, a spelling
   * that now resolves to another genre (a synonym, or one merged into it) gets a genre of its own, and
   * its key moves to it.
   */
  resolveOrCreateExact(name: string, now = Date.now()): Genre & { created: boolean } {
    const problem = genreNameProblem(name);
    if (problem) throw new GenreNameError(problem);
    const cleaned = cleanGenreName(name);
    const existing = this.resolve(cleaned);
    if (existing && existing.name === cleaned) return { ...existing, created: false };
    const id = Number(this.insertGenreStmt.run(cleaned, now).lastInsertRowid);
    this.upsertAliasStmt.run(genreKey(cleaned), id);
    const builtin = builtinGenre(cleaned);
    if (builtin?.name === cleaned) for (const key of builtinKeys(builtin)) if (!this.byKeyStmt.get(key)) this.upsertAliasStmt.run(key, id);
    return { id, name: cleaned, created: true };
  }

  byId(id: number): (Genre & { createdAt: number }) | null {
    return (this.byIdStmt.get(id) as (Genre & { createdAt: number }) | undefined) ?? null;
  }

  /**
   * The genre a spelling resolves to, creating it if new: a built-in genre or synonym is created under
   * its canonical name with all its aliases ("Electronica" → Electronic); anything else is a genre the
   * user invents, named as typed (cleaned). Returns whether it was created.
   */
  resolveOrCreate(name: string, now = Date.now()): Genre & { created: boolean } {
    const problem = genreNameProblem(name);
    if (problem) throw new GenreNameError(problem);
    const existing = this.resolve(name);
    if (existing) return { ...existing, created: false };
    const builtin = builtinGenre(name);
    const canonical = builtin?.name ?? cleanGenreName(name);
    const id = Number(this.insertGenreStmt.run(canonical, now).lastInsertRowid);
    const keys = new Set([genreKey(name), genreKey(canonical), ...(builtin ? builtinKeys(builtin) : [])]);
    // A built-in alias a user already gave to another genre (by renaming) stays with that genre.
    for (const key of keys) if (!this.byKeyStmt.get(key)) this.upsertAliasStmt.run(key, id);
    return { id, name: canonical, created: true };
  }

  /**
   * Renames a genre; its old spellings keep resolving to it. Fails if the new name already belongs to
   * another genre (merge them instead).
   */
  rename(id: number, newName: string): void {
    const problem = genreNameProblem(newName);
    if (problem) throw new GenreNameError(problem);
    const owner = this.resolve(newName);
    if (owner && owner.id !== id) {
      throw new GenreNameError(`'${cleanGenreName(newName)}' is already the genre '${owner.name}'; merge the two instead`);
    }
    if (!this.byId(id)) throw new GenreNameError(`no genre with id ${id}`);
    this.renameStmt.run(cleanGenreName(newName), id);
    this.upsertAliasStmt.run(genreKey(newName), id);
  }

  /**
   * Merges `sourceId` into `targetId`: tracks confirmed as the source get the target (once, at the first
   * of the two positions), the source's spellings resolve to the target, and the source is deleted.
   * Returns the tracks whose confirmed genres changed.
   */
  merge(sourceId: number, targetId: number): number[] {
    if (sourceId === targetId) throw new GenreNameError('cannot merge a genre into itself');
    if (!this.byId(sourceId) || !this.byId(targetId)) throw new GenreNameError('both genres must exist to merge them');
    const trackIds = this.tracksWithGenre(sourceId);
    for (const trackId of trackIds) {
      const seen = new Set<number>();
      const rows = this.confirmedRows(trackId)
        .map((row) => (row.genreId === sourceId ? { ...row, genreId: targetId } : row))
        .filter((row) => !seen.has(row.genreId) && seen.add(row.genreId));
      this.setConfirmedRows(trackId, rows);
    }
    for (const key of this.aliasKeysStmt.all(sourceId) as string[]) this.upsertAliasStmt.run(key, targetId);
    this.deleteGenreStmt.run(sourceId);
    return trackIds;
  }

  /** Tracks whose confirmed genres include this genre. */
  tracksWithGenre(genreId: number): number[] {
    return this.tracksWithGenreStmt.all(genreId) as number[];
  }

  list(): GenreListing[] {
    return (this.listStmt.all() as Array<Omit<GenreListing, 'aliasKeys'> & { aliasKeysJson: string }>).map(({ aliasKeysJson, ...rest }) => ({
      ...rest,
      aliasKeys: JSON.parse(aliasKeysJson) as string[],
    }));
  }

  /** A track's confirmed genres, in order; empty when the user has not confirmed any. */
  confirmed(trackId: number): ConfirmedGenre[] {
    return this.confirmedStmt.all(trackId) as ConfirmedGenre[];
  }

  confirmedRows(trackId: number): ConfirmedGenreRow[] {
    return this.confirmed(trackId).map(({ genreId, source, confirmedAt }) => ({ genreId, source, confirmedAt }));
  }

  /** Replaces a track's confirmed genres (an empty list un-confirms it). Missing tracks are skipped. */
  setConfirmedRows(trackId: number, rows: readonly ConfirmedGenreRow[]): void {
    this.clearConfirmedStmt.run(trackId);
    rows.forEach((row, position) => this.insertConfirmedStmt.run({ trackId, position, ...row }));
  }

  /** Every track with confirmed genres and those genres' names: the labels "retrain from my fixes" learns. */
  allConfirmed(): Array<{ trackId: number; genres: string[] }> {
    return (this.allConfirmedStmt.all() as Array<{ trackId: number; genresJson: string }>).map(({ trackId, genresJson }) => ({
      trackId,
      genres: JSON.parse(genresJson) as string[],
    }));
  }

  /** The stored state of these genres and tracks (see VocabularyState). */
  captureState(genreIds: Iterable<number>, trackIds: Iterable<number>): VocabularyState {
    const genres: VocabularyState['genres'] = [...new Set(genreIds)].map((id) => {
      const genre = this.byId(id);
      return genre ? { ...genre, aliasKeys: this.aliasKeysStmt.all(id) as string[] } : { id, deleted: true as const };
    });
    const tracks = [...new Set(trackIds)].map((trackId) => ({ trackId, rows: this.confirmedRows(trackId) }));
    return { genres, tracks };
  }

  /**
   * Makes the stored state equal `state` for the genres and tracks it names: genres are (re)created or
   * renamed with exactly their alias keys, track rows replaced, and genres marked deleted removed last,
   * once nothing points at them. Call inside a transaction.
   */
  applyState(state: VocabularyState): void {
    for (const genre of state.genres) {
      if ('deleted' in genre) continue;
      this.upsertGenreStmt.run({ id: genre.id, name: genre.name, createdAt: genre.createdAt });
      for (const key of this.aliasKeysStmt.all(genre.id) as string[]) {
        if (!genre.aliasKeys.includes(key)) this.deleteAliasStmt.run(key, genre.id);
      }
      for (const key of genre.aliasKeys) this.upsertAliasStmt.run(key, genre.id);
    }
    for (const { trackId, rows } of state.tracks) this.setConfirmedRows(trackId, rows);
    for (const genre of state.genres) if ('deleted' in genre) this.deleteGenreStmt.run(genre.id);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}
