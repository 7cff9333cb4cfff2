import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Db } from '../db/open.js';
import { GenresRepo, GenreNameError, type ConfirmationSource, type Genre, type ConfirmedGenreRow, type VocabularyState } from '../db/repos/genres.js';
import { TagJournalRepo, type EditRow, type EditSummary, type TagFieldChange, type TagWriteRow } from '../db/repos/tag-journal.js';
import { MetaRepo } from '../db/repos/meta.js';
import { TracksRepo } from '../db/repos/tracks.js';
import { fingerprintFile as contentFingerprint } from '../library/files.js';
import { describeFingerprintDifference, StaleFileError, type FileFingerprint } from '../tags/fingerprint.js';
import { planGenreWrite, TagWriter, type GenreWritePlan } from '../tags/tag-writer.js';
import { encodePlacement, placeSpellings, suggestMerges, type SpellingCount, type SpellingSuggestion, type UserPlacement } from './spellings.js';
import { genreFamily } from './tree.js';
import { canonicalGenreName, cleanGenreName, genreKey, genreNameProblem, normaliseGenreList, splitGenreField } from './vocabulary.js';
import type { GenreSpellingEntry, GenreSummary, UndoState } from './types.js';

export type { GenreSpellingEntry, GenreSummary, UndoState } from './types.js';

/** What an edit stores to undo or redo its database part. */
interface EditData {
  state: VocabularyState;
  /** Tree placements by spelling key (null: the tree's own), for "map to" edits. */
  placements?: Array<{ key: string; placement: string | null }>;
}

/** How often, at most, a bulk tag write tells the views which rows its files changed. */
const ROWS_FOLLOW_MS = 250;

/** Tracks whose rows writingInSteps stores per transaction: tens of milliseconds of work each. */
const ROWS_PER_STEP = 2000;

/** The meta key naming the edit whose rows are being stored in steps. */
const STORING_EDIT_KEY = 'genre-edit-storing';

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

export interface GenreServiceOptions {
  /**
   * Told after every committed change which tracks it changed (confirmed genres, or the file's tags
   * and version after a tag write): set, add, remove, accept, confirm, rename, merge, undo and redo.
   */
  onTracksChanged?: (trackIds: number[]) => void;
}

export interface SpellingVocabulary {
  entries: GenreSpellingEntry[];
  suggestions: SpellingSuggestion[];
}

export interface SpellingEditOptions {
  /** Also rewrite the genre tags of the files that spell the genres (opt-in), as part of the edit. */
  writeTags?: boolean;
  /** Told before the first file and after each. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface SpellingEditResult {
  editId: number;
  summary: string;
  files: FileTagChange[];
}

/** A change refused because a bulk tag write is still under way. */
export class GenreBusyError extends Error {
  override readonly name = 'GenreBusyError';
}

export class NothingToUndoError extends Error {
  override readonly name = 'NothingToUndoError';
}

/** An undo or redo refused because a file it would rewrite changed behind Timbre's back. */
export class EditBlockedError extends Error {
  override readonly name = 'EditBlockedError';
}

/** A planned file write of an edit, done after the edit's database part. */
interface PendingWrite {
  file: FileTagChange;
  path: string;
  fingerprint: FileFingerprint;
  genres: string[];
  trackId: number | null;
  editId: number;
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
  private bulkWriting = false;
  /** While writingInSteps runs a track edit: the edit's file writes, left for it to do in steps. */
  private deferredWrites: PendingWrite[] | null = null;
  /** While writingInSteps runs a track edit: the edit's track rows, left for it to store in steps. */
  private deferredRows: { editId: number; tracks: VocabularyState['tracks'] } | null = null;
  private readonly meta: MetaRepo;

  constructor(db: Db, options: GenreServiceOptions = {}) {
    this.genres = new GenresRepo(db);
    this.journal = new TagJournalRepo(db);
    this.tracks = new TracksRepo(db);
    this.meta = new MetaRepo(db);
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
   * Every genre the library holds: the tag spellings its files carry and the confirmed genres, grouped
   * by the name the library shows for them, each with its counts and its place in the genre tree;
   * and the merges worth suggesting.
   */
  spellingVocabulary(): SpellingVocabulary {
    const confirmed = this.genres.list();
    const tagSpellings = this.genres.tagSpellings();
    const userPlacements = this.genres.treePlacements();
    const byName = new Map<string, { name: string; genre: (typeof confirmed)[number] | null; spellings: SpellingCount[] }>();
    const entryOf = (name: string) => {
      const key = genreKey(name);
      let entry = byName.get(key);
      if (!entry) byName.set(key, (entry = { name, genre: null, spellings: [] }));
      return entry;
    };
    for (const genre of confirmed) entryOf(genre.name).genre = genre;
    for (const spelling of tagSpellings) entryOf(this.canonicalName(spelling.spelling)).spellings.push(spelling);
    const entries: GenreSpellingEntry[] = [...byName.values()].map(({ name, genre, spellings }) => {
      const { placement, byUser } = placeSpellings([name, ...spellings.map((entry) => entry.spelling)], userPlacements);
      return {
        name,
        genreId: genre?.id ?? null,
        spellings: spellings.sort((a, b) => b.trackCount - a.trackCount || a.spelling.localeCompare(b.spelling)),
        aliases: genre ? genre.aliasKeys.filter((key) => key !== genreKey(name)) : [],
        tagTrackCount: spellings.length === 1 ? spellings[0].trackCount : this.genres.tracksWithTagSpellings(spellings.map((entry) => entry.spelling)).length,
        confirmedTrackCount: genre?.trackCount ?? 0,
        placement: placement.kind === 'families' ? { kind: 'families', families: [...placement.familyIds] } : { kind: placement.kind },
        placedByUser: byUser,
      };
    });
    entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    const vocabularyKeys = new Set(confirmed.map((genre) => genreKey(genre.name)));
    const counts = new Map<string, SpellingCount>();
    for (const spelling of tagSpellings) counts.set(spelling.spelling, { ...spelling });
    // Confirmed genres no file spells take part too, so "Rap" tags are offered to an existing Hip-Hop.
    for (const genre of confirmed) if (!counts.has(genre.name)) counts.set(genre.name, { spelling: genre.name, trackCount: genre.trackCount });
    const suggestions = suggestMerges([...counts.values()], (spelling) => vocabularyKeys.has(genreKey(spelling)) && confirmed.some((genre) => genre.name === spelling));
    return { entries, suggestions };
  }

  /**
   * Merges genres given by any spelling (tag spellings, confirmed genres, or both) into `target`: from
   * then on they all read as the target, and with writeTags every file whose tags spell one of them
   * (or the target another way) gets the target's spelling. One edit: undo restores the vocabulary
   * and every file's bytes. Files are checked against the library's version of them before anything
   * changes (a file changed since the last scan stops the edit).
   */
  async mergeSpellings(sources: readonly string[], target: string, options: SpellingEditOptions = {}): Promise<SpellingEditResult> {
    const names = sources.map((source) => this.canonicalName(source));
    const targetName = this.genres.resolve(target)?.name ?? cleanGenreName(target);
    const summary = `merge genre ${[...new Set(names)].join(', ')} into ${targetName}`;
    return this.reshape('merge-genres', sources, target, summary, options);
  }

  /** Renames a genre given by any spelling; like mergeSpellings into a new name. */
  async renameSpelling(spelling: string, newName: string, options: SpellingEditOptions = {}): Promise<SpellingEditResult> {
    return this.reshape('rename-genre', [spelling], newName, `rename genre ${this.canonicalName(spelling)} → ${cleanGenreName(newName)}`, options);
  }

  /**
   * Splits a spelling off the genre it resolves to (one merged into it earlier, or a built-in synonym):
   * it becomes a genre of its own, named as spelled. Tracks confirmed as the genre keep it.
   */
  splitOffSpelling(spelling: string): number {
    this.assertIdle();
    const name = cleanGenreName(spelling);
    const problem = genreNameProblem(name);
    if (problem) throw new GenreNameError(problem);
    const owner = this.genres.resolve(name);
    const shownAs = this.canonicalName(name);
    if (genreKey(shownAs) === genreKey(name)) throw new GenreNameError(`'${name}' is a genre of its own already`);
    const tagTracks = this.genres.tracksWithTagSpellings(this.spellingsReadingAs([name]));
    const editId = this.genres.transaction(() => {
      const before: EditData = { state: this.genres.captureState(owner ? [owner.id] : [], []) };
      const id = Number(this.genres.resolveOrCreateExact(name).id);
      before.state.genres.push({ id, deleted: true });
      const after: EditData = { state: this.genres.captureState(owner ? [owner.id, id] : [id], []) };
      return this.journal.insertEdit({ kind: 'split-genre', summary: `split ${name} off ${shownAs}`, undoData: before, redoData: after });
    });
    this.report(tagTracks);
    return editId;
  }

  /**
   * Places a genre (any spelling) in the genre tree: on a family, 'outside' the tree, or back where the
   * tree itself puts it (null). Every spelling that reads as that genre follows.
   */
  mapSpelling(spelling: string, node: UserPlacement | null): number {
    this.assertIdle();
    const name = this.canonicalName(spelling);
    const known = this.genres.resolve(name) !== null || this.spellingsReadingAs([name]).length > 0;
    if (!known) throw new GenreNameError(`no genre '${cleanGenreName(spelling)}' in the library`);
    const key = genreKey(name);
    const stored = node === null ? null : encodePlacement(node);
    const previous = this.genres.treePlacement(key);
    const where = node === null ? 'where the genre tree puts it' : node === 'outside' ? 'outside the genre tree' : node.map((id) => genreFamily(id)?.name ?? id).join(' + ');
    const editId = this.genres.transaction(() => {
      this.genres.setTreePlacement(key, stored);
      const before: EditData = { state: { genres: [], tracks: [] }, placements: [{ key, placement: previous }] };
      const after: EditData = { state: { genres: [], tracks: [] }, placements: [{ key, placement: stored }] };
      return this.journal.insertEdit({ kind: 'map-genre', summary: `map genre ${name} → ${where}`, undoData: before, redoData: after });
    });
    return editId;
  }

  /** The tag spellings (as written) that the library shows as one of these names. */
  private spellingsReadingAs(names: readonly string[]): string[] {
    const keys = new Set(names.map((name) => genreKey(this.canonicalName(name))));
    return this.genres
      .tagSpellings()
      .map(({ spelling }) => spelling)
      .filter((spelling) => keys.has(genreKey(this.canonicalName(spelling))));
  }

  private async reshape(kind: string, sources: readonly string[], target: string, summary: string, options: SpellingEditOptions): Promise<SpellingEditResult> {
    this.assertIdle();
    this.recover();
    const problem = genreNameProblem(target);
    if (problem) throw new GenreNameError(problem);
    for (const source of sources) {
      if (this.genres.resolve(source) === null && this.spellingsReadingAs([source]).length === 0) {
        throw new GenreNameError(`no genre '${cleanGenreName(source)}' in the library`);
      }
    }
    const targetOwner = this.genres.resolve(target);
    const targetName = targetOwner?.name ?? cleanGenreName(target);
    const sourceGenres = [...new Map(sources.map((source) => this.genres.resolve(source)).filter((genre): genre is Genre => genre !== null && genre.id !== targetOwner?.id).map((genre) => [genre.id, genre])).values()];
    // Every spelling the files hold that will read as the target; the ones spelt otherwise get rewritten.
    const spellings = this.spellingsReadingAs([...sources, target]);
    const rewritten = spellings.filter((spelling) => spelling !== targetName);
    const sourceKeys = new Set([...sources, ...spellings].map(genreKey).filter((key) => key !== genreKey(targetName)));
    const vocabularyChanges =
      targetOwner === null ||
      sourceGenres.length > 0 ||
      [...sourceKeys].some((key) => this.genres.resolveKey(key)?.id !== targetOwner.id) ||
      (kind === 'rename-genre' && targetOwner.name !== cleanGenreName(target));
    if (!vocabularyChanges && !(options.writeTags && rewritten.length > 0)) {
      throw new GenreNameError(`'${cleanGenreName(sources.join("', '"))}' already ${sources.length === 1 ? 'reads' : 'read'} as ${targetName}${rewritten.length > 0 ? '; write the tags to change the files' : ''}`);
    }

    const tagTrackIds = this.genres.tracksWithTagSpellings(rewritten);
    const contexts = this.tracks.genreContexts(tagTrackIds);
    const rewrittenSet = new Set(rewritten);
    const fileItems: Array<{ target: GenreTarget; genres: string[] }> = [];
    if (options.writeTags) {
      for (const trackId of tagTrackIds) {
        const track = contexts.get(trackId);
        if (!track) continue;
        const genres = uniqueByKey(track.tagGenres.map((spelling) => (rewrittenSet.has(spelling) ? targetName : spelling)));
        fileItems.push({ target: { path: track.path, trackId, known: { size: track.size, mtimeMs: track.mtimeMs } }, genres });
      }
    }
    // All files are checked before anything changes, as for track edits.
    const planned = fileItems.map((item) => withoutBytes(this.plan(item.target, item.genres)));
    const writes = planned.filter((plan) => plan.changed).length;

    const confirmedTracks = sourceGenres.flatMap((genre) => this.genres.tracksWithGenre(genre.id));
    // The spellings whose shown name the edit changes (the target's own keep theirs).
    const renamedSpellings = this.spellingsReadingAs(sources).filter((spelling) => genreKey(this.canonicalName(spelling)) !== genreKey(targetName) || kind === 'rename-genre');
    const editId = this.genres.transaction(() => {
      const now = Date.now();
      const touched = [...(targetOwner ? [targetOwner.id] : []), ...sourceGenres.map((genre) => genre.id)];
      const before: EditData = { state: this.genres.captureState(touched, confirmedTracks) };
      let targetId: number;
      if (targetOwner) {
        targetId = targetOwner.id;
        if (kind === 'rename-genre' && targetOwner.name !== cleanGenreName(target)) this.genres.rename(targetId, target);
      } else if (sourceGenres.length === 1) {
        // A genre renamed keeps its id (and so every reference to it).
        targetId = sourceGenres[0].id;
        this.genres.rename(targetId, target);
      } else {
        targetId = this.genres.resolveOrCreateExact(target, now).id;
        before.state.genres.push({ id: targetId, deleted: true });
      }
      for (const genre of sourceGenres) if (genre.id !== targetId) this.genres.merge(genre.id, targetId);
      for (const key of sourceKeys) this.genres.setAlias(key, targetId);
      const after: EditData = { state: this.genres.captureState(new Set([...touched, targetId]), confirmedTracks) };
      // Where the tag writes stand is recorded once known (settleWrites), never claimed up front.
      const created = this.journal.insertEdit({ kind, summary, undoData: before, redoData: after }, now);
      if (writes > 0) this.journal.beginEditTagWrites(created, writes);
      return created;
    });
    // The names shown change at once; the files follow with progress.
    this.report([...confirmedTracks, ...this.genres.tracksWithTagSpellings(renamedSpellings)]);

    const files: FileTagChange[] = planned.map(({ path, format, fields, changed }) => ({ path, format, fields, changed, writeId: null, error: null }));
    await this.writeInSteps(
      planned.flatMap(({ path, fingerprint, changed }, index) =>
        changed ? [{ file: files[index], path, fingerprint, genres: fileItems[index].genres, trackId: fileItems[index].target.trackId, editId }] : [],
      ),
      options.onProgress,
    );
    const failed = files.filter((file) => file.changed && file.error !== null).length;
    const outcome = writes === 0 ? '' : failed === 0 ? ` (tags written to ${writes} file${writes === 1 ? '' : 's'})` : ` (tags NOT written to ${failed} of ${writes} files)`;
    return { editId, summary: `${summary}${outcome}`, files };
  }

  /** Refuses a change while a bulk tag write is under way (it would interleave with its files). */
  private assertIdle(): void {
    if (this.bulkWriting) throw new GenreBusyError('a bulk edit is under way; wait for it to finish');
  }

  /**
   * Undoes the newest edit still done: files get back their exact earlier bytes, then the database its
   * earlier state. If any of the edit's files changed since Timbre wrote them, nothing is undone,
   * unless `keepChangedFiles`: then those files are left as they are and the rest is undone.
   */
  undo(options: { keepChangedFiles?: boolean } = {}): UndoRedoResult {
    this.assertIdle();
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
    this.assertIdle();
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
    this.finishStoringRows();
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
    this.assertIdle();
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
        if (!this.deferredWrites) this.genres.setConfirmedRows(trackId, rows);
        beforeTracks.push({ trackId, rows: current });
        afterTracks.push({ trackId, rows });
      }
      const before: EditData = { state: { genres: created.map((id) => ({ id, deleted: true as const })), tracks: beforeTracks } };
      const after: EditData = { state: { genres: this.genres.captureState(created, []).genres, tracks: afterTracks } };
      const editId = this.journal.insertEdit({ kind, summary, undoData: before, redoData: after }, now);
      if (filesToWrite > 0) this.journal.beginEditTagWrites(editId, filesToWrite);
      if (this.deferredWrites && afterTracks.length > 0) {
        // The rows are stored in steps (writingInSteps); until the last, the next start finishes them.
        this.meta.set(STORING_EDIT_KEY, String(editId));
        this.deferredRows = { editId, tracks: afterTracks };
      }
      return editId;
    });

    const writes: PendingWrite[] = planned.flatMap(({ path, fingerprint, changed }, index) =>
      changed ? [{ file: files[index], path, fingerprint, genres: items[index].genres, trackId: items[index].target.trackId, editId: result.editId! }] : [],
    );
    if (this.deferredWrites) {
      this.deferredWrites.push(...writes);
    } else {
      const rewritten = writes.flatMap((write) => (this.writeOne(write) ? [write.trackId!] : []));
      this.settleWrites(writes);
      this.report([...changedTracks.keys(), ...rewritten]);
    }
    return result;
  }

  /**
   * Runs a track edit (setTrackGenres, addTrackGenre, …) spread over turns of the event loop, so that a
   * bulk edit never stops the app answering: the edit is recorded first, its track rows are then stored
   * in transactions of ROWS_PER_STEP tracks (a start after a crash stores the rest, see recover), and its
   * file writes follow one by one. `onProgress` hears of each file; changed rows are announced as they go.
   */
  async writingInSteps(change: () => SetGenresResult, onProgress?: (progress: { done: number; total: number }) => void): Promise<SetGenresResult> {
    this.assertIdle();
    this.deferredWrites = [];
    let result: SetGenresResult;
    let writes: PendingWrite[];
    let rows: GenreService['deferredRows'];
    try {
      result = change();
    } finally {
      writes = this.deferredWrites;
      rows = this.deferredRows;
      this.deferredWrites = null;
      this.deferredRows = null;
    }
    this.bulkWriting = true;
    try {
      if (rows) await this.storeRowsInSteps(rows);
    } finally {
      this.bulkWriting = false;
    }
    await this.writeInSteps(writes, onProgress);
    return result;
  }

  /**
   * Stores an edit's track rows a step at a time, announcing each step's tracks; the last step clears
   * the mark. Another process that finds the mark stores them all itself (recover): then this stops.
   */
  private async storeRowsInSteps({ editId, tracks }: { editId: number; tracks: VocabularyState['tracks'] }): Promise<void> {
    for (let start = 0; start < tracks.length; start += ROWS_PER_STEP) {
      const step = tracks.slice(start, start + ROWS_PER_STEP);
      const last = start + ROWS_PER_STEP >= tracks.length;
      const stored = this.genres.transaction(() => {
        if (this.meta.get(STORING_EDIT_KEY) !== String(editId)) return false;
        for (const { trackId, rows } of step) this.genres.setConfirmedRows(trackId, rows);
        if (last) this.meta.delete(STORING_EDIT_KEY);
        return true;
      });
      if (!stored) return;
      this.report(step.map((track) => track.trackId));
      if (!last) await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
  }

  /** Stores the rest of an edit whose rows were being stored in steps when the process stopped. */
  private finishStoringRows(): void {
    const editId = Number(this.meta.get(STORING_EDIT_KEY) ?? NaN);
    if (!Number.isSafeInteger(editId)) return;
    const edit = this.journal.edit<EditData>(editId);
    this.genres.transaction(() => {
      // Only the newest edit can have been storing: a later one would have run recover() first.
      if (edit?.state === 'done') this.genres.applyState(edit.redoData.state);
      this.meta.delete(STORING_EDIT_KEY);
    });
    if (edit?.state === 'done') this.report(edit.redoData.state.tracks.map((track) => track.trackId));
  }

  /** Writes one planned file; true when the library recorded its new version. Errors land in its FileTagChange. */
  private writeOne({ file, path, fingerprint, genres, trackId, editId }: PendingWrite): boolean {
    try {
      const plan = planGenreWrite(path, genres);
      const difference = describeFingerprintDifference(fingerprint, plan.fingerprint);
      if (difference) throw new StaleFileError(path, difference);
      file.writeId = this.writer.apply(plan, editId)?.id ?? null;
    } catch (error) {
      file.error = (error as Error).message;
      return false;
    }
    return trackId !== null && this.recordFileVersion(trackId, path, genres);
  }

  /** Records, once every file of these writes was tried, where each edit's tag writes stand. */
  private settleWrites(writes: readonly PendingWrite[]): void {
    const byEdit = new Map<number, PendingWrite[]>();
    for (const write of writes) byEdit.set(write.editId, [...(byEdit.get(write.editId) ?? []), write]);
    for (const [editId, ofEdit] of byEdit) {
      const failures = ofEdit.filter((write) => write.file.error !== null).map((write) => `${basename(write.path)}: ${write.file.error}`);
      this.journal.settleEditTagWrites(editId, ofEdit.length, failures);
    }
  }

  /** Writes files one per turn of the event loop, with progress, announcing changed rows in batches. */
  private async writeInSteps(writes: readonly PendingWrite[], onProgress?: (progress: { done: number; total: number }) => void): Promise<void> {
    const total = writes.length;
    onProgress?.({ done: 0, total });
    if (total === 0) return;
    this.bulkWriting = true;
    try {
      let pending: number[] = [];
      let reportedAt = Date.now();
      for (const [index, write] of writes.entries()) {
        if (this.writeOne(write)) pending.push(write.trackId!);
        // Rows follow the files in batches: often enough to watch, rarely enough not to flood the views.
        if (Date.now() - reportedAt >= ROWS_FOLLOW_MS) {
          this.report(pending);
          pending = [];
          reportedAt = Date.now();
        }
        onProgress?.({ done: index + 1, total });
        await new Promise((resolveTurn) => setImmediate(resolveTurn));
      }
      this.settleWrites(writes);
      this.report(pending);
    } finally {
      this.bulkWriting = false;
    }
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
    this.assertIdle();
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
      for (const { key, placement } of data.placements ?? []) this.genres.setTreePlacement(key, placement);
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
