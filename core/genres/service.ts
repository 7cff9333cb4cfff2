import { basename, resolve } from 'node:path';
import type { Db } from '../db/open.js';
import { GenresRepo, GenreNameError, type ConfirmationSource, type VocabularyState } from '../db/repos/genres.js';
import { TagJournalRepo, type EditRow, type TagFieldChange, type TagWriteRow } from '../db/repos/tag-journal.js';
import { describeFingerprintDifference, StaleFileError } from '../tags/fingerprint.js';
import { planGenreWrite, TagWriter, type GenreWritePlan } from '../tags/tag-writer.js';
import { canonicalGenreName, genreNameProblem, normaliseGenreList, splitGenreField } from './vocabulary.js';

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
  editId: number | null;
  genres: string[];
  tracks: TrackGenreChange[];
  files: FileTagChange[];
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

export class NothingToUndoError extends Error {
  override readonly name = 'NothingToUndoError';
}

/** An undo or redo refused because a file it would rewrite changed behind Timbre's back. */
export class EditBlockedError extends Error {
  override readonly name = 'EditBlockedError';
}

/**
 * Genre fixing: confirmed genres per track, the user's vocabulary (rename, merge), opt-in tag
 * write-back, and one undo/redo history for all of it. Every change is an edit whose database part is
 * stored as the exact state before and after, and whose file part is the tag-write journal.
 */
export class GenreService {
  readonly genres: GenresRepo;
  readonly journal: TagJournalRepo;
  private readonly writer: TagWriter;

  constructor(db: Db) {
    this.genres = new GenresRepo(db);
    this.journal = new TagJournalRepo(db);
    this.writer = new TagWriter(this.journal);
  }

  /**
   * Confirms `genres` (canonical names, duplicates dropped) as the genres of each target track and,
   * with writeTags, writes them to the files. All files are read and planned before anything changes;
   * a file that cannot be planned (unsupported, damaged, changed since the library saw it) stops the
   * whole edit. A file that changes between planning and its write is refused and reported in `files`.
   */
  setGenres(options: SetGenresOptions): SetGenresResult {
    this.recover();
    const requested = splitGenreField(options.genres);
    for (const genre of requested) {
      const problem = genreNameProblem(genre);
      if (problem) throw new GenreNameError(problem);
    }
    const names = normaliseGenreList(requested, (name) => this.genres.resolve(name)?.name ?? canonicalGenreName(name));
    if (names.length === 0) throw new GenreNameError('give at least one genre');
    const targets = options.targets.map((target) => ({ ...target, path: resolve(target.path) }));
    // Plans are checked up front but not kept: each file is read again right before it is written (and
    // must still match the fingerprint seen here), so a bulk edit holds one file in memory at a time.
    const planned = options.writeTags ? targets.map((target) => withoutBytes(this.plan(target, names))) : [];
    const trackTargets = targets.filter((target): target is GenreTarget & { trackId: number } => target.trackId !== null);
    const tracks: TrackGenreChange[] = trackTargets.map((target) => ({
      trackId: target.trackId,
      path: target.path,
      before: this.genres.confirmed(target.trackId).map((genre) => genre.name),
      after: names,
    }));
    const files: FileTagChange[] = planned.map(({ path, format, fields, changed }) => ({ path, format, fields, changed, writeId: null, error: null }));
    if (options.dryRun) return { editId: null, genres: names, tracks, files, dryRun: true };

    const source = options.source ?? 'user';
    const editId = this.genres.transaction(() => {
      const now = Date.now();
      const trackIds = trackTargets.map((target) => target.trackId);
      const beforeTracks = this.genres.captureState([], trackIds).tracks;
      const created: number[] = [];
      const genreIds = names.map((name) => {
        const genre = this.genres.resolveOrCreate(name, now);
        if (genre.created) created.push(genre.id);
        return genre.id;
      });
      for (const trackId of trackIds) {
        this.genres.setConfirmedRows(trackId, genreIds.map((genreId) => ({ genreId, source, confirmedAt: now })));
      }
      const before: EditData = { state: { genres: created.map((id) => ({ id, deleted: true as const })), tracks: beforeTracks } };
      const after: EditData = { state: this.genres.captureState(created, trackIds) };
      const what = targets.length === 1 ? basename(targets[0].path) : `${targets.length} tracks`;
      const summary = `genre of ${what} → ${names.join(', ')}${options.writeTags ? ' (tags written)' : ''}`;
      return this.journal.insertEdit({ kind: 'set-genres', summary, undoData: before, redoData: after }, now);
    });

    planned.forEach(({ path, fingerprint, changed }, index) => {
      if (!changed) return;
      try {
        const plan = planGenreWrite(path, names);
        const difference = describeFingerprintDifference(fingerprint, plan.fingerprint);
        if (difference) throw new StaleFileError(path, difference);
        files[index].writeId = this.writer.apply(plan, editId)?.id ?? null;
      } catch (error) {
        files[index].error = (error as Error).message;
      }
    });
    return { editId, genres: names, tracks, files, dryRun: false };
  }

  /** Renames a genre (its old spellings keep resolving to it). Returns the edit id. */
  renameGenre(nameOrId: string | number, newName: string): number {
    const genre = this.requireGenre(nameOrId);
    return this.recordVocabularyEdit('rename-genre', `rename genre ${genre.name} → ${newName.trim()}`, [genre.id], [], () =>
      this.genres.rename(genre.id, newName),
    );
  }

  /** Merges one genre into another: its tracks and spellings go to the target. Returns the edit id. */
  mergeGenres(sourceNameOrId: string | number, targetNameOrId: string | number): number {
    const source = this.requireGenre(sourceNameOrId);
    const target = this.requireGenre(targetNameOrId);
    const trackIds = this.genres.tracksWithGenre(source.id);
    return this.recordVocabularyEdit('merge-genres', `merge genre ${source.name} into ${target.name}`, [source.id, target.id], trackIds, () => {
      this.genres.merge(source.id, target.id);
    });
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

  /** Redoes the newest undone edit (until a new edit supersedes it); `keepChangedFiles` as for undo. */
  redo(options: { keepChangedFiles?: boolean } = {}): UndoRedoResult {
    this.recover();
    const edit = this.journal.lastUndone<EditData>();
    if (!edit) throw new NothingToUndoError('nothing to redo');
    const writes = this.journal.tagWritesOfEdit(edit.id).filter((write) => write.state === 'restored');
    const kept = this.changedFiles('redo', writes, (write) => this.writer.assertReapplicable(write), options.keepChangedFiles);
    for (const write of writes) if (!kept.has(write.id)) this.writer.reapply(write);
    return this.settle(edit, 'done', edit.redoData, writes, kept);
  }

  /** Settles tag writes a crash interrupted (see TagWriter.recover). Cheap when there are none. */
  recover(): number {
    return this.writer.recover();
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
    this.genres.transaction(() => {
      this.genres.applyState(data.state);
      this.journal.setEditState(edit.id, state);
    });
    const files = writes.filter((write) => !kept.has(write.id)).map((write) => ({ path: write.path, writeId: write.id }));
    const keptFiles = writes.filter((write) => kept.has(write.id)).map((write) => ({ path: write.path, writeId: write.id }));
    return { editId: edit.id, kind: edit.kind, summary: edit.summary, files, keptFiles };
  }

}

function withoutBytes({ original: _original, updated: _updated, ...rest }: GenreWritePlan): Omit<GenreWritePlan, 'original' | 'updated'> {
  return rest;
}
