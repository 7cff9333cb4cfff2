import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Db } from '../db/open.js';
import { GenresRepo, GenreNameError, type ConfirmationSource, type ConfirmedGenreRow, type VocabularyState } from '../db/repos/genres.js';
import { TagJournalRepo, type EditRow, type EditSummary, type TagFieldChange, type TagWriteRow } from '../db/repos/tag-journal.js';
import { TracksRepo } from '../db/repos/tracks.js';
import { fingerprintFile as contentFingerprint } from '../library/files.js';
import { describeFingerprintDifference, StaleFileError } from '../tags/fingerprint.js';
import { planGenreWrite, TagWriter, type GenreWritePlan } from '../tags/tag-writer.js';
import { canonicalGenreName, genreKey, genreNameProblem, normaliseGenreList, splitGenreField } from './vocabulary.js';

/** What an edit stores to undo or redo its database part. */
interface EditData {
  state: VocabularyState;
}

/** A track (by library id) or a file outside the library (tags only). */
export interface GenreTarget {
  path: string;
  trackId: number | null;
  /** The file version the library last saw; the write refuses a file changed since (rescan first). */
  known?: { size: number; mtimeMs: number };
}

export interface SetGenresOptions {
  targets: readonly GenreTarget[];
  genres: readonly string[];
  source?: ConfirmationSource;
  /** Also write the genres into the files' tags (opt-in). */
  writeTags?: boolean;
  /** Report what would change; change nothing. */
  dryRun?: boolean;
}

/** Options of the track-id based edits (setTrackGenres, addTrackGenre, …). */
export interface TrackEditOptions {
  /** Also write each track's resulting genres into its file's tags (opt-in). */
  writeTags?: boolean;
  /** Report what would change; change nothing. */
  dryRun?: boolean;
}

export interface TrackGenreChange {
  trackId: number;
  path: string;
  before: string[];
  after: string[];
}

export interface FileTagChange {
  path: string;
  format: string;
  fields: TagFieldChange[];
  /** False when the file already held these genres. */
  changed: boolean;
  /** The journal entry, once written. */
  writeId: number | null;
  error: string | null;
}

export interface SetGenresResult {
  /** The edit recorded (what undo takes back); null for a dry run or when nothing changed. */
  editId: number | null;
  /** Every genre the edit gave a track (canonical names). */
  genres: string[];
  /** Each track asked for and not skipped, with its confirmed genres before and after (equal if unchanged). */
  tracks: TrackGenreChange[];
  files: FileTagChange[];
  /** Tracks asked for but left out: no such track, no prediction to accept, nothing to confirm. */
  skipped: number[];
  dryRun: boolean;
}

export interface UndoRedoResult {
  editId: number;
  kind: string;
  summary: string;
  /** Files rewritten byte for byte. */
  files: Array<{ path: string; writeId: number }>;
  /** Files left as they were because they changed behind Timbre's back (keepChangedFiles). */
  keptFiles: Array<{ path: string; writeId: number }>;
}

/** What the undo and redo buttons offer right now. */
export interface UndoState {
  canUndo: boolean;
  canRedo: boolean;
  undoSummary: string | null;
  redoSummary: string | null;
}

export interface GenreSummary {
  id: number;
  name: string;
  /** The other spellings that resolve to the genre, as normalised keys (e.g. "hiphop"). */
  aliases: string[];
  /** Tracks confirmed as this genre. */
  trackCount: number;
}

export interface GenreServiceOptions {
  /**
   * Told after every committed change which tracks it changed (confirmed genres, or the file's tags
   * and version after a tag write): set, add, remove, accept, confirm, rename, merge, undo and redo.
   */
  onTracksChanged?: (trackIds: number[]) => void;
}

export class NothingToUndoError extends Error {
  override readonly name = 'NothingToUndoError';
}

/** An undo or redo refused because a file it would rewrite changed behind Timbre's back. */
export class EditBlockedError extends Error {
  override readonly name = 'EditBlockedError';
}

/** One track's (or file's) part of an edit: the genres it ends with and how new ones count as confirmed. */
interface EditItem {
  target: GenreTarget;
  genres: string[];
  source: ConfirmationSource;
}

/**
 * Genre fixing: confirmed genres per track, the user's vocabulary (rename, merge), opt-in tag
 * write-back, and one undo/redo history for all of it. Every change is an edit whose database part is
 * stored as the exact state before and after, and whose file part is the tag-write journal.
 *
 * Confirmed genres are only ever written here, by user actions; predictions live in their own table,
 * so no prediction or retrain can overwrite what the user confirmed.
 */
export class GenreService {
  readonly genres: GenresRepo;
  readonly journal: TagJournalRepo;
  private readonly tracks: TracksRepo;
  private readonly writer: TagWriter;
  private readonly onTracksChanged: (trackIds: number[]) => void;

  constructor(db: Db, options: GenreServiceOptions = {}) {
    this.genres = new GenresRepo(db);
    this.journal = new TagJournalRepo(db);
    this.tracks = new TracksRepo(db);
    this.writer = new TagWriter(this.journal);
    this.onTracksChanged = options.onTracksChanged ?? (() => undefined);
  }

  /**
   * Confirms `genres` (canonical names, duplicates dropped) as the genres of each target track and,
   * with writeTags, writes them to the files. All files are read and planned before anything changes;
   * a file that cannot be planned (unsupported, damaged, changed since the library saw it) stops the
   * whole edit. A file that changes between planning and its write is refused and reported in `files`.
   */
  setGenres(options: SetGenresOptions): SetGenresResult {
    const names = this.requireNames(options.genres);
    const source = options.source ?? 'user';
    const items = options.targets.map((target) => ({ target: { ...target, path: resolve(target.path) }, genres: names, source }));
    return this.edit('set-genres', (what) => `genre of ${what} → ${names.join(', ')}`, items, [], options);
  }

  /**
   * setGenres for library tracks by id (paths and known file versions looked up); unknown ids are
   * skipped. An empty list clears the tracks' confirmed genres (their files' tags are left as they are).
   */
  setTrackGenres(trackIds: readonly number[], genres: readonly string[], options: TrackEditOptions & { source?: ConfirmationSource } = {}): SetGenresResult {
    const clearing = splitGenreField(genres).length === 0;
    if (clearing && options.writeTags) throw new GenreNameError('give at least one genre to write into the tags');
    const names = clearing ? [] : this.requireNames(genres);
    const source = options.source ?? 'user';
    const { found, skipped } = this.lookUp(trackIds);
    const items = found.map(({ target }) => ({ target, genres: names, source }));
    const describe = (what: string) => (clearing ? `clear the confirmed genre of ${what}` : `genre of ${what} → ${names.join(', ')}`);
    return this.edit('set-genres', describe, items, skipped, options);
  }

  /** Adds one genre to each track's confirmed genres (at the end), keeping the others. */
  addTrackGenre(trackIds: readonly number[], genre: string, options: TrackEditOptions = {}): SetGenresResult {
    const names = this.requireNames([genre]);
    const { found, skipped } = this.lookUp(trackIds);
    const items = found.map(({ target, confirmed }) => ({ target, genres: uniqueByKey([...confirmed, ...names]), source: 'user' as const }));
    return this.edit('add-genre', (what) => `add ${names.join(', ')} to ${what}`, items, skipped, options);
  }

  /** Removes one genre (any spelling) from each track's confirmed genres, keeping the others. */
  removeTrackGenre(trackIds: readonly number[], genre: string, options: TrackEditOptions = {}): SetGenresResult {
    const names = this.requireNames([genre]);
    const keys = new Set(names.map(genreKey));
    const { found, skipped } = this.lookUp(trackIds);
    const items = found.map(({ target, confirmed }) => ({ target, genres: confirmed.filter((name) => !keys.has(genreKey(name))), source: 'user' as const }));
    return this.edit('remove-genre', (what) => `remove ${names.join(', ')} from ${what}`, items, skipped, options);
  }

  /** "Accept suggestion": each track's predicted genre becomes its confirmed genre; tracks without a prediction are skipped. */
  acceptPredictions(trackIds: readonly number[], options: TrackEditOptions = {}): SetGenresResult {
    const { found, skipped } = this.lookUp(trackIds);
    const items: EditItem[] = [];
    for (const { target, predicted } of found) {
      const genres = predicted ? this.namesOf([predicted]) : [];
      if (genres.length > 0) items.push({ target, genres, source: 'accepted-prediction' });
      else skipped.push(target.trackId!);
    }
    return this.edit('accept-predictions', (what) => `accept the suggested genre of ${what}`, items, skipped, options);
  }

  /**
   * "Mark confirmed": confirms each track's current genre as shown, its tag genres (source 'tag'), else
   * its prediction (source 'accepted-prediction'). Tracks already confirmed, or with neither, are skipped.
   */
  confirmCurrent(trackIds: readonly number[], options: TrackEditOptions = {}): SetGenresResult {
    const { found, skipped } = this.lookUp(trackIds);
    const items: EditItem[] = [];
    for (const { target, confirmed, tagGenres, predicted } of found) {
      const fromTags = confirmed.length > 0 ? [] : this.namesOf(tagGenres);
      const fromPrediction = confirmed.length > 0 || fromTags.length > 0 || !predicted ? [] : this.namesOf([predicted]);
      if (fromTags.length > 0) items.push({ target, genres: fromTags, source: 'tag' });
      else if (fromPrediction.length > 0) items.push({ target, genres: fromPrediction, source: 'accepted-prediction' });
      else skipped.push(target.trackId!);
    }
    return this.edit('confirm-genres', (what) => `confirm the genre of ${what}`, items, skipped, options);
  }

  /** The newest edits first (each with whether it is done, undone, or superseded by a later edit). */
  history(limit = 50): EditSummary[] {
    return this.journal.recentEdits(limit);
  }

  undoState(): UndoState {
    const undo = this.journal.lastEditSummary('done');
    const redo = this.journal.lastEditSummary('undone');
    return { canUndo: undo !== null, canRedo: redo !== null, undoSummary: undo?.summary ?? null, redoSummary: redo?.summary ?? null };
  }

  /** The vocabulary, by name, with each genre's other spellings and how many tracks are confirmed as it. */
  listGenres(): GenreSummary[] {
    return this.genres.list().map(({ id, name, aliasKeys, trackCount }) => ({
      id,
      name,
      aliases: aliasKeys.filter((key) => key !== genreKey(name)),
      trackCount,
    }));
  }

  /** Renames a genre (its old spellings keep resolving to it). Returns the edit id. */
  renameGenre(nameOrId: string | number, newName: string): number {
    const genre = this.requireGenre(nameOrId);
    const editId = this.recordVocabularyEdit('rename-genre', `rename genre ${genre.name} → ${newName.trim()}`, [genre.id], [], () =>
      this.genres.rename(genre.id, newName),
    );
    this.report(this.genres.tracksWithGenre(genre.id));
    return editId;
  }

  /** Merges one genre into another: its tracks and spellings go to the target. Returns the edit id. */
  mergeGenres(sourceNameOrId: string | number, targetNameOrId: string | number): number {
    const source = this.requireGenre(sourceNameOrId);
    const target = this.requireGenre(targetNameOrId);
    const trackIds = this.genres.tracksWithGenre(source.id);
    const editId = this.recordVocabularyEdit('merge-genres', `merge genre ${source.name} into ${target.name}`, [source.id, target.id], trackIds, () => {
      this.genres.merge(source.id, target.id);
    });
    this.report(trackIds);
    return editId;
  }

  /**
   * Undoes the newest edit still done: files get back their exact earlier bytes, then the database its
   * earlier state. If any of the edit's files changed since Timbre wrote them, nothing is undone,
   * unless `keepChangedFiles`: then those files are left as they are and the rest is undone.
   */
  undo(options: { keepChangedFiles?: boolean } = {}): UndoRedoResult {
    this.recover();
    const edit = this.journal.lastDone<EditData>();
    if (!edit) throw new NothingToUndoError('nothing to undo');
    const writes = this.journal.tagWritesOfEdit(edit.id).filter((write) => write.state === 'written');
    const kept = this.changedFiles('undo', writes, (write) => this.writer.assertRestorable(write), options.keepChangedFiles);
    for (const write of [...writes].reverse()) if (!kept.has(write.id)) this.writer.restore(write);
    return this.settle(edit, 'undone', edit.undoData, writes, kept);
  }

  /** Redoes the edit undone last (until a new edit supersedes it); `keepChangedFiles` as for undo. */
  redo(options: { keepChangedFiles?: boolean } = {}): UndoRedoResult {
    this.recover();
    const edit = this.journal.lastUndone<EditData>();
    if (!edit) throw new NothingToUndoError('nothing to redo');
    const writes = this.journal.tagWritesOfEdit(edit.id).filter((write) => write.state === 'restored');
    const kept = this.changedFiles('redo', writes, (write) => this.writer.assertReapplicable(write), options.keepChangedFiles);
    for (const write of writes) if (!kept.has(write.id)) this.writer.reapply(write);
    return this.settle(edit, 'done', edit.redoData, writes, kept);
  }

  /**
   * Settles tag writes a crash interrupted (see TagWriter.recover), and has the library record the
   * version each such file was left in. Cheap when there are none.
   */
  recover(): number {
    const interrupted = this.journal.unsettledTagWrites();
    if (interrupted.length === 0) return this.journal.settleInterruptedEditTagWrites();
    this.writer.recover();
    this.journal.settleInterruptedEditTagWrites();
    const changed: number[] = [];
    for (const { id } of interrupted) {
      const write = this.journal.tagWrite(id)!;
      const trackId = this.tracks.idByPath(write.path);
      // 'failed' after a crash: the file is the version from before the write, or someone else's.
      const side = write.state === 'written' ? 'after' : write.state === 'restored' ? 'before' : null;
      if (trackId !== null && side && this.recordFileVersion(trackId, write.path, tagGenresOf(write, side))) changed.push(trackId);
    }
    this.report(changed);
    return interrupted.length;
  }

  /**
   * Records an edit of track genres (and, with writeTags, file tags): the database part in one
   * transaction with its exact before and after state, then each file's write. Tracks whose genres stay
   * the same are not part of the edit; when nothing would change, no edit is recorded. A genre a track
   * already had keeps when and how it was first confirmed.
   */
  private edit(kind: string, describe: (what: string) => string, items: EditItem[], skipped: number[], options: TrackEditOptions): SetGenresResult {
    this.recover();
    // Plans are checked up front but not kept: each file is read again right before it is written (and
    // must still match the fingerprint seen here), so a bulk edit holds one file in memory at a time.
    const planned = options.writeTags ? items.map((item) => withoutBytes(this.plan(item.target, item.genres))) : [];
    const tracks: TrackGenreChange[] = [];
    const changedTracks = new Map<number, { item: EditItem; current: ConfirmedGenreRow[] }>();
    for (const item of items) {
      const { trackId, path } = item.target;
      if (trackId === null) continue;
      const current = this.genres.confirmed(trackId);
      const before = current.map((genre) => genre.name);
      tracks.push({ trackId, path, before, after: item.genres });
      if (!sameList(before, item.genres)) {
        changedTracks.set(trackId, { item, current: current.map(({ genreId, source, confirmedAt }) => ({ genreId, source, confirmedAt })) });
      }
    }
    const files: FileTagChange[] = planned.map(({ path, format, fields, changed }) => ({ path, format, fields, changed, writeId: null, error: null }));
    const genres = uniqueByKey(items.flatMap((item) => item.genres));
    const result: SetGenresResult = { editId: null, genres, tracks, files, skipped, dryRun: !!options.dryRun };
    const affected = items.filter((item, index) => (item.target.trackId !== null && changedTracks.has(item.target.trackId)) || planned[index]?.changed);
    if (options.dryRun || affected.length === 0) return result;

    const what = affected.length === 1 ? basename(affected[0].target.path) : `${affected.length} tracks`;
    // Where the tag writes stand is added once known (TagJournalRepo.settleEditTagWrites).
    const summary = describe(what);
    const filesToWrite = planned.filter((plan) => plan.changed).length;
    result.editId = this.genres.transaction(() => {
      const now = Date.now();
      const created: number[] = [];
      const genreIds = new Map<string, number>();
      const idOf = (name: string): number => {
        let id = genreIds.get(name);
        if (id === undefined) {
          const genre = this.genres.resolveOrCreate(name, now);
          if (genre.created) created.push(genre.id);
          genreIds.set(name, (id = genre.id));
        }
        return id;
      };
      const beforeTracks: VocabularyState['tracks'] = [];
      const afterTracks: VocabularyState['tracks'] = [];
      for (const [trackId, { item, current }] of changedTracks) {
        const kept = new Map(current.map((row) => [row.genreId, row]));
        const rows: ConfirmedGenreRow[] = item.genres.map((name) => {
          const genreId = idOf(name);
          return kept.get(genreId) ?? { genreId, source: item.source, confirmedAt: now };
        });
        this.genres.setConfirmedRows(trackId, rows);
        beforeTracks.push({ trackId, rows: current });
        afterTracks.push({ trackId, rows });
      }
      const before: EditData = { state: { genres: created.map((id) => ({ id, deleted: true as const })), tracks: beforeTracks } };
      const after: EditData = { state: { genres: this.genres.captureState(created, []).genres, tracks: afterTracks } };
      const editId = this.journal.insertEdit({ kind, summary, undoData: before, redoData: after }, now);
      if (filesToWrite > 0) this.journal.beginEditTagWrites(editId, filesToWrite);
      return editId;
    });

    const rewritten: number[] = [];
    planned.forEach(({ path, fingerprint, changed }, index) => {
      if (!changed) return;
      const { target, genres: names } = items[index];
      try {
        const plan = planGenreWrite(path, names);
        const difference = describeFingerprintDifference(fingerprint, plan.fingerprint);
        if (difference) throw new StaleFileError(path, difference);
        files[index].writeId = this.writer.apply(plan, result.editId!)?.id ?? null;
      } catch (error) {
        files[index].error = (error as Error).message;
        return;
      }
      if (target.trackId !== null && this.recordFileVersion(target.trackId, path, names)) rewritten.push(target.trackId);
    });
    if (filesToWrite > 0) {
      const failures = files.filter((file) => file.changed && file.error !== null).map((file) => `${basename(file.path)}: ${file.error}`);
      this.journal.settleEditTagWrites(result.editId, filesToWrite, failures);
    }
    this.report([...changedTracks.keys(), ...rewritten]);
    return result;
  }

  /**
   * The name a genre spelling goes by: the vocabulary genre it resolves to (after the user's renames
   * and merges), else its built-in canonical name, else the spelling cleaned.
   */
  canonicalName(spelling: string): string {
    return this.genres.resolve(spelling)?.name ?? canonicalGenreName(spelling);
  }

  /** Valid canonical names for genres the user typed; throws GenreNameError on an unusable one or none. */
  private requireNames(raw: readonly string[]): string[] {
    for (const genre of splitGenreField(raw)) {
      const problem = genreNameProblem(genre);
      if (problem) throw new GenreNameError(problem);
    }
    const names = this.namesOf(raw);
    if (names.length === 0) throw new GenreNameError('give at least one genre');
    return names;
  }

  /** Canonical names for genres from tags or the model; unusable names (junk in a tag) are dropped. */
  private namesOf(raw: readonly string[]): string[] {
    const usable = splitGenreField(raw).filter((genre) => genreNameProblem(genre) === null);
    return normaliseGenreList(usable, (name) => this.canonicalName(name));
  }

  /** The library tracks behind these ids (each once), with what the edits need; unknown ids are skipped. */
  private lookUp(trackIds: readonly number[]): {
    found: Array<{ target: GenreTarget; confirmed: string[]; tagGenres: string[]; predicted: string | null }>;
    skipped: number[];
  } {
    const found = [];
    const skipped: number[] = [];
    const unique = [...new Set(trackIds)];
    const contexts = this.tracks.genreContexts(unique);
    for (const trackId of unique) {
      const track = contexts.get(trackId);
      if (!track) {
        skipped.push(trackId);
        continue;
      }
      found.push({
        target: { path: track.path, trackId, known: { size: track.size, mtimeMs: track.mtimeMs } },
        confirmed: track.confirmedGenres,
        tagGenres: track.tagGenres,
        predicted: track.predictedGenre,
      });
    }
    return { found, skipped };
  }

  /**
   * After Timbre rewrote a track's tags: the library records the file's new version and tag genres, so
   * the next scan does not take it for a changed file and analyse its (byte-identical) audio again.
   * Returns false if the file could not be read (the next scan then catches up with it).
   */
  private recordFileVersion(trackId: number, path: string, tagGenres: readonly string[]): boolean {
    try {
      const stats = statSync(path);
      this.tracks.recordTagRewrite(trackId, { size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs), fingerprint: contentFingerprint(path, stats.size), genres: tagGenres });
      return true;
    } catch {
      return false;
    }
  }

  private report(trackIds: Iterable<number>): void {
    const unique = [...new Set(trackIds)];
    if (unique.length > 0) this.onTracksChanged(unique);
  }

  /**
   * Plans one file's write. The file must be the version the library last scanned, or the version
   * Timbre itself last wrote there (the library catches up with it on its next scan).
   */
  private plan(target: GenreTarget, names: readonly string[]): GenreWritePlan {
    const plan = planGenreWrite(target.path, names);
    const { known } = target;
    if (!known || (plan.fingerprint.size === known.size && plan.fingerprint.mtimeMs === Math.trunc(known.mtimeMs))) return plan;
    const ownWrite = this.journal.lastVersionWritten(plan.path);
    if (ownWrite && describeFingerprintDifference(ownWrite, plan.fingerprint) === null) return plan;
    throw new StaleFileError(
      plan.path,
      `library has ${known.size} bytes, modified ${new Date(known.mtimeMs).toISOString()}; the file has ${plan.fingerprint.size} bytes, modified ${new Date(plan.fingerprint.mtimeMs).toISOString()}`,
      'the library last scanned it',
    );
  }

  private requireGenre(nameOrId: string | number): { id: number; name: string } {
    const genre = typeof nameOrId === 'number' ? this.genres.byId(nameOrId) : this.genres.resolve(nameOrId);
    if (!genre) throw new GenreNameError(`no genre '${nameOrId}' in the vocabulary`);
    return genre;
  }

  private recordVocabularyEdit(kind: string, summary: string, genreIds: number[], trackIds: number[], change: () => void): number {
    return this.genres.transaction(() => {
      const before: EditData = { state: this.genres.captureState(genreIds, trackIds) };
      change();
      const after: EditData = { state: this.genres.captureState(genreIds, trackIds) };
      return this.journal.insertEdit({ kind, summary, undoData: before, redoData: after });
    });
  }

  /**
   * The writes whose files changed since Timbre last wrote or restored them. Throws EditBlockedError
   * naming them, unless they are to be kept as they are; those are then noted in the journal.
   */
  private changedFiles(action: 'undo' | 'redo', writes: TagWriteRow[], check: (write: TagWriteRow) => void, keep = false): Set<number> {
    const problems = new Map<number, string>();
    for (const write of writes) {
      try {
        check(write);
      } catch (error) {
        if (!(error instanceof StaleFileError)) throw error;
        problems.set(write.id, error.message);
      }
    }
    if (problems.size > 0 && !keep) {
      throw new EditBlockedError(
        `cannot ${action}: ${[...problems.values()].join('; ')}. Nothing was changed (to ${action} the rest and leave ${problems.size === 1 ? 'that file' : 'those files'} as ${problems.size === 1 ? 'it is' : 'they are'}, use --keep-changed-files).`,
      );
    }
    for (const [id, problem] of problems) {
      const write = writes.find((candidate) => candidate.id === id)!;
      this.journal.setTagWriteState(id, { state: write.state, error: `left as it was by ${action}: ${problem}` });
    }
    return new Set(problems.keys());
  }

  private settle(edit: EditRow<EditData>, state: 'done' | 'undone', data: EditData, writes: TagWriteRow[], kept: Set<number>): UndoRedoResult {
    const namesBefore = new Map(data.state.genres.map((genre) => [genre.id, this.genres.byId(genre.id)?.name]));
    this.genres.transaction(() => {
      this.genres.applyState(data.state);
      this.journal.setEditState(edit.id, state);
    });
    // Changed: the tracks the edit names, the tracks of a genre renamed back or forth, and rewritten files.
    const affected = data.state.tracks.map((track) => track.trackId);
    for (const genre of data.state.genres) {
      if (!('deleted' in genre) && genre.name !== namesBefore.get(genre.id)) affected.push(...this.genres.tracksWithGenre(genre.id));
    }
    for (const write of writes) {
      const trackId = kept.has(write.id) ? null : this.tracks.idByPath(write.path);
      if (trackId !== null && this.recordFileVersion(trackId, write.path, tagGenresOf(write, state === 'undone' ? 'before' : 'after'))) affected.push(trackId);
    }
    this.report(affected);
    const files = writes.filter((write) => !kept.has(write.id)).map((write) => ({ path: write.path, writeId: write.id }));
    const keptFiles = writes.filter((write) => kept.has(write.id)).map((write) => ({ path: write.path, writeId: write.id }));
    return { editId: edit.id, kind: edit.kind, summary: edit.summary, files, keptFiles };
  }

}

/**
 * The genres a written file holds on one side of a write, as the library reads them: the richest tag
 * (ID3v1 holds at most one genre from a fixed list), split like a tag field.
 */
function tagGenresOf(write: TagWriteRow, side: 'before' | 'after'): string[] {
  const genreFields = write.fields.filter((field) => field.field === 'genre' && field[side].length > 0);
  const richest = genreFields.find((field) => field.tag !== 'Id3v1') ?? genreFields[0];
  return richest ? [...new Set(splitGenreField(richest[side]))] : [];
}

/** Names with the same genre key once, first spelling kept. */
function uniqueByKey(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(genreKey(name)) && seen.add(genreKey(name)));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function withoutBytes({ original: _original, updated: _updated, ...rest }: GenreWritePlan): Omit<GenreWritePlan, 'original' | 'updated'> {
  return rest;
}
