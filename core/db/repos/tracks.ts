import { sep } from 'node:path';
import type { Db } from '../open.js';
import type { TrackStatus, TrackSummary, UserDataPatch } from '../../library/types.js';
import { decideGenre } from '../../ml/unsure.js';

/** What the scanner needs to decide whether a file changed. */
export interface TrackFileRow {
  id: number;
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string | null;
  status: TrackStatus;
}

export interface NewTrack {
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string | null;
  status: TrackStatus;
  error: string | null;
}

/** Tags as read from the file (music-metadata): the tag fields of a track summary. */
export type TrackTags = Pick<
  TrackSummary,
  'title' | 'artist' | 'album' | 'year' | 'genres' | 'durationSec' | 'bitrate' | 'sampleRate'
> &
  Partial<Pick<TrackSummary, 'albumArtist' | 'trackNo' | 'discNo' | 'artHash'>>;

/** What a genre edit needs of a track: its file and the genres it has from each source. */
export interface TrackGenreContext {
  path: string;
  size: number;
  mtimeMs: number;
  tagGenres: string[];
  confirmedGenres: string[];
  predictedGenre: string | null;
}

export interface TrackRow extends TrackSummary {
  sizeBytes: number;
  mtimeMs: number;
}

const TAG_GENRES_JSON = `(SELECT json_group_array(genre) FROM (SELECT genre FROM track_genres g WHERE g.track_id = t.id ORDER BY position))`;
const CONFIRMED_GENRES_JSON = `(SELECT json_group_array(name) FROM (SELECT g.name FROM track_confirmed_genres c JOIN genres g ON g.id = c.genre_id
    WHERE c.track_id = t.id ORDER BY c.position))`;

const SUMMARY_COLUMNS = `
  t.id, t.folder_id AS folderId, t.path, t.title, t.artist, t.album, t.year,
  t.album_artist AS albumArtist, t.track_no AS trackNo, t.disc_no AS discNo, t.art_hash AS artHash,
  t.duration_sec AS durationSec, t.bitrate, t.sample_rate AS sampleRate, t.status, t.error,
  f.tempo_bpm AS tempoBpm, t.rating, t.size AS sizeBytes, t.mtime_ms AS mtimeMs,
  p.named_genre AS predictedGenre, p.confidence AS predictedConfidence,
  CASE WHEN p.named_genre IS NULL THEN p.probabilities END AS unsureProbabilities`;

const SELECT_SUMMARY = `SELECT ${SUMMARY_COLUMNS} FROM tracks t LEFT JOIN features f ON f.track_id = t.id
  LEFT JOIN track_predictions p ON p.track_id = t.id`;

/** A track's genres from its tags and its confirmed genres (names), each in order, as [trackId, genre] rows. */
const SELECT_TAG_GENRES = 'SELECT track_id, genre FROM track_genres';
const SELECT_CONFIRMED_GENRES = 'SELECT c.track_id, g.name FROM track_confirmed_genres c JOIN genres g ON g.id = c.genre_id';

type RawTrackRow = Omit<TrackRow, 'genres' | 'confirmedGenres' | 'predicted' | 'genre'> & {
  predictedGenre: string | null;
  predictedConfidence: number | null;
  /** The probabilities of an unsure prediction only: its candidates are shown, a named genre needs none. */
  unsureProbabilities: string | null;
};

/** Builds the row field by field: object rest/spread costs ~7 µs a row, which is seconds at 100k tracks. */
function toTrackRow(raw: RawTrackRow, genres: string[], confirmedGenres: string[]): TrackRow {
  const predicted =
    raw.predictedConfidence === null
      ? null
      : {
          genre: raw.predictedGenre,
          confidence: raw.predictedConfidence,
          candidates: raw.unsureProbabilities ? decideGenre(JSON.parse(raw.unsureProbabilities) as Record<string, number>).candidates : [],
        };
  return {
    id: raw.id,
    folderId: raw.folderId,
    path: raw.path,
    title: raw.title,
    artist: raw.artist,
    album: raw.album,
    year: raw.year,
    albumArtist: raw.albumArtist,
    trackNo: raw.trackNo,
    discNo: raw.discNo,
    artHash: raw.artHash,
    genres,
    durationSec: raw.durationSec,
    bitrate: raw.bitrate,
    sampleRate: raw.sampleRate,
    status: raw.status,
    error: raw.error,
    tempoBpm: raw.tempoBpm,
    rating: raw.rating,
    confirmedGenres,
    predicted,
    genre: confirmedGenres[0] ?? genres[0] ?? predicted?.genre ?? null,
    sizeBytes: raw.sizeBytes,
    mtimeMs: raw.mtimeMs,
  };
}

/** [trackId, genre] rows, in order, grouped by track. */
function groupByTrack(rows: Array<[number, string]>): Map<number, string[]> {
  const byTrack = new Map<number, string[]>();
  for (const [trackId, genre] of rows) {
    const genres = byTrack.get(trackId);
    if (genres) genres.push(genre);
    else byTrack.set(trackId, [genre]);
  }
  return byTrack;
}

/** Tracks: one row per audio file, with its tags and analysis status. */
export class TracksRepo {
  private readonly fileRowsStmt;
  private readonly insertStmt;
  private readonly updateFileStmt;
  private readonly restampStmt;
  private readonly moveStmt;
  private readonly deleteStmt;
  private readonly byFingerprintStmt;
  private readonly statusStmt;
  private readonly tagsStmt;
  private readonly clearGenresStmt;
  private readonly insertGenreStmt;
  /** Summary rows, tag genres and confirmed genres: of one track, of a JSON list of ids, of every track. */
  private readonly summaryStmts;
  private readonly summariesOfStmts;
  private readonly allSummariesStmts;
  private readonly genreContextsStmt;
  private readonly idByPathStmt;
  private readonly fileRowByIdStmt;
  private readonly userDataStmt;
  private readonly resetInterruptedStmt;
  private readonly resetOneStmt;
  private readonly underStmt;
  private readonly pendingWithoutJobStmt;

  constructor(db: Db) {
    const fileColumns = 'id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, fingerprint, status';
    this.fileRowsStmt = db.prepare(`SELECT ${fileColumns} FROM tracks WHERE folder_id = ?`);
    this.fileRowByIdStmt = db.prepare(`SELECT ${fileColumns} FROM tracks WHERE id = ?`);
    this.byFingerprintStmt = db.prepare(`SELECT ${fileColumns} FROM tracks WHERE fingerprint = ? AND size = ?`);
    this.idByPathStmt = db.prepare('SELECT id FROM tracks WHERE path = ?').pluck();
    this.insertStmt = db.prepare(`
      INSERT INTO tracks (folder_id, path, size, mtime_ms, fingerprint, status, error, added_at, updated_at)
      VALUES (@folderId, @path, @size, @mtimeMs, @fingerprint, @status, @error, @now, @now)`);
    this.updateFileStmt = db.prepare(`
      UPDATE tracks SET size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint, status = @status, error = @error,
                        updated_at = @now
      WHERE id = @id`);
    this.restampStmt = db.prepare(`
      UPDATE tracks SET size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint, updated_at = @now WHERE id = @id`);
    this.moveStmt = db.prepare(`
      UPDATE tracks SET folder_id = @folderId, path = @path, size = @size, mtime_ms = @mtimeMs, updated_at = @now
      WHERE id = @id`);
    this.deleteStmt = db.prepare('DELETE FROM tracks WHERE id = ?');
    this.statusStmt = db.prepare('UPDATE tracks SET status = ?, error = ?, updated_at = ? WHERE id = ?');
    this.tagsStmt = db.prepare(`
      UPDATE tracks SET title = @title, artist = @artist, album = @album, year = @year, duration_sec = @durationSec,
                        bitrate = @bitrate, sample_rate = @sampleRate, album_artist = @albumArtist, track_no = @trackNo,
                        disc_no = @discNo, art_hash = @artHash, updated_at = @now
      WHERE id = @id`);
    this.clearGenresStmt = db.prepare('DELETE FROM track_genres WHERE track_id = ?');
    this.insertGenreStmt = db.prepare('INSERT INTO track_genres (track_id, position, genre) VALUES (?, ?, ?)');
    // Genres come from their own ordered scans, grouped here: a correlated json_group_array subquery per
    // row took twice as long at 100k tracks.
    const summaryStmts = (where: (trackIdColumn: string) => string, order = '') => ({
      rows: db.prepare(`${SELECT_SUMMARY} ${where('t.id')} ${order}`),
      tagGenres: db.prepare(`${SELECT_TAG_GENRES} ${where('track_id')} ORDER BY track_id, position`).raw(),
      confirmedGenres: db.prepare(`${SELECT_CONFIRMED_GENRES} ${where('c.track_id')} ORDER BY c.track_id, c.position`).raw(),
    });
    this.summaryStmts = summaryStmts((column) => `WHERE ${column} = ?`);
    this.summariesOfStmts = summaryStmts((column) => `WHERE ${column} IN (SELECT value FROM json_each(?))`);
    this.allSummariesStmts = summaryStmts(() => '', 'ORDER BY t.path');
    this.genreContextsStmt = db.prepare(`
      SELECT t.id, t.path, t.size, t.mtime_ms AS mtimeMs, ${TAG_GENRES_JSON} AS tagJson, ${CONFIRMED_GENRES_JSON} AS confirmedJson,
             p.named_genre AS predictedGenre
      FROM tracks t LEFT JOIN track_predictions p ON p.track_id = t.id WHERE t.id IN (SELECT value FROM json_each(?))`);
    this.userDataStmt = db.prepare(`
      UPDATE tracks SET rating = @rating, updated_at = @now
      WHERE id = @id`);
    // Paths under a directory: the range [dir + sep, dir + the character after sep).
    this.underStmt = db.prepare(`SELECT ${fileColumns} FROM tracks WHERE path >= ? AND path < ?`);
    this.pendingWithoutJobStmt = db.prepare(`
      SELECT t.id FROM tracks t
      WHERE t.folder_id = ? AND t.status IN ('pending', 'analysing') AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.track_id = t.id)`).pluck();
    this.resetInterruptedStmt = db.prepare(`UPDATE tracks SET status = 'pending' WHERE status = 'analysing'`);
    this.resetOneStmt = db.prepare(`UPDATE tracks SET status = 'pending' WHERE id = ? AND status = 'analysing'`);
  }

  fileRowsInFolder(folderId: number): TrackFileRow[] {
    return this.fileRowsStmt.all(folderId) as TrackFileRow[];
  }

  fileRow(id: number): TrackFileRow | null {
    return (this.fileRowByIdStmt.get(id) as TrackFileRow | undefined) ?? null;
  }

  /** Tracks inside directory `dir` (any depth). */
  fileRowsUnder(dir: string): TrackFileRow[] {
    const prefix = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
    return this.underStmt.all(prefix + sep, prefix + String.fromCharCode(sep.charCodeAt(0) + 1)) as TrackFileRow[];
  }

  /** Tracks still to analyse that have no job (e.g. after a cancel): the next scan queues them. */
  pendingWithoutJob(folderId: number): number[] {
    return this.pendingWithoutJobStmt.all(folderId) as number[];
  }

  idByPath(path: string): number | null {
    return (this.idByPathStmt.get(path) as number | undefined) ?? null;
  }

  /** Tracks whose content fingerprint and size match: candidates for a renamed or moved file. */
  withFingerprint(fingerprint: string, size: number): TrackFileRow[] {
    return this.byFingerprintStmt.all(fingerprint, size) as TrackFileRow[];
  }

  insert(track: NewTrack, now = Date.now()): number {
    return Number(this.insertStmt.run({ ...track, now }).lastInsertRowid);
  }

  /** The file at the track's path changed: record its new size, mtime and fingerprint. */
  updateFile(
    id: number,
    file: { size: number; mtimeMs: number; fingerprint: string | null; status: TrackStatus; error: string | null },
    now = Date.now(),
  ): void {
    this.updateFileStmt.run({ id, ...file, now });
  }

  /**
   * Timbre itself rewrote the file's genre tags (or restored them): record the new version and tag
   * genres without queuing a re-analysis, since only tag bytes changed and the audio is byte-identical.
   */
  recordTagRewrite(id: number, file: { size: number; mtimeMs: number; fingerprint: string | null; genres: readonly string[] }, now = Date.now()): void {
    this.restampStmt.run({ id, size: file.size, mtimeMs: file.mtimeMs, fingerprint: file.fingerprint, now });
    this.clearGenresStmt.run(id);
    file.genres.forEach((genre, position) => this.insertGenreStmt.run(id, position, genre));
  }

  /** The file was renamed or moved: the track keeps its id, tags, features and user data. */
  move(id: number, to: { folderId: number; path: string; size: number; mtimeMs: number }, now = Date.now()): void {
    this.moveStmt.run({ id, ...to, now });
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  setStatus(id: number, status: TrackStatus, error: string | null = null, now = Date.now()): void {
    this.statusStmt.run(status, error, now, id);
  }

  setTags(id: number, tags: TrackTags, now = Date.now()): void {
    const { genres, albumArtist = null, trackNo = null, discNo = null, artHash = null, ...columns } = tags;
    this.tagsStmt.run({ id, ...columns, albumArtist, trackNo, discNo, artHash, now });
    this.clearGenresStmt.run(id);
    genres.forEach((genre, position) => this.insertGenreStmt.run(id, position, genre));
  }

  /** Applies a user-data patch: absent keys keep their value, null clears. Returns false if no such track. */
  setUserData(id: number, patch: UserDataPatch, now = Date.now()): boolean {
    if (patch.rating === undefined) return this.fileRow(id) !== null;
    return this.userDataStmt.run({ id, rating: patch.rating, now }).changes > 0;
  }

  /** Tracks left 'analysing' by a crash go back to 'pending' (their jobs are re-queued too). */
  /** These tracks, where still marked as being analysed, wait again (their analysis was interrupted). */
  resetAnalysing(ids: readonly number[]): void {
    for (const id of ids) this.resetOneStmt.run(id);
  }

  resetInterrupted(): number {
    return this.resetInterruptedStmt.run().changes;
  }

  summary(id: number): TrackRow | null {
    return this.readSummaries(this.summaryStmts, [id])[0] ?? null;
  }

  /** The rows of these tracks (in no particular order; ids with no track are left out), in one query. */
  summariesOf(ids: readonly number[]): TrackRow[] {
    return this.readSummaries(this.summariesOfStmts, [JSON.stringify(ids)]);
  }

  /**
   * What a genre edit needs of these tracks, by track id, in one query: lighter than summaries (no
   * features, no prediction JSON). Ids with no track are left out.
   */
  genreContexts(ids: readonly number[]): Map<number, TrackGenreContext> {
    type Raw = Omit<TrackGenreContext, 'tagGenres' | 'confirmedGenres'> & { id: number; tagJson: string; confirmedJson: string };
    const rows = this.genreContextsStmt.all(JSON.stringify(ids)) as Raw[];
    return new Map(
      rows.map((raw) => [
        raw.id,
        {
          path: raw.path,
          size: raw.size,
          mtimeMs: raw.mtimeMs,
          tagGenres: JSON.parse(raw.tagJson) as string[],
          confirmedGenres: JSON.parse(raw.confirmedJson) as string[],
          predictedGenre: raw.predictedGenre,
        },
      ]),
    );
  }

  summaries(): TrackRow[] {
    return this.readSummaries(this.allSummariesStmts, []);
  }

  private readSummaries(stmts: TracksRepo['summaryStmts'], params: unknown[]): TrackRow[] {
    const tagGenres = groupByTrack(stmts.tagGenres.all(...params) as Array<[number, string]>);
    const confirmedGenres = groupByTrack(stmts.confirmedGenres.all(...params) as Array<[number, string]>);
    return (stmts.rows.all(...params) as RawTrackRow[]).map((raw) => toTrackRow(raw, tagGenres.get(raw.id) ?? [], confirmedGenres.get(raw.id) ?? []));
  }
}
