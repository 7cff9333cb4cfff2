import type { Db } from '../open.js';
import type { FileFingerprint } from '../../tags/fingerprint.js';
import type { EditState, EditSummary } from '../../genres/types.js';

export type { EditState, EditSummary } from '../../genres/types.js';

/**
 * Where a tag write stands. 'writing' and 'restoring' are set (and committed) before the file is
 * replaced; a crash leaves them, and recovery settles them by the file's fingerprint.
 */
export type TagWriteState = 'writing' | 'written' | 'restoring' | 'restored' | 'failed';

export interface EditRow<Data = unknown> {
  id: number;
  kind: string;
  summary: string;
  undoData: Data;
  redoData: Data;
  state: EditState;
  createdAt: number;
  changedAt: number;
}

export interface TagFieldChange {
  /** The tag inside the file, as node-taglib-sharp names it: Id3v2, Id3v1, Xiph, Apple, Ape, Asf, … */
  tag: string;
  field: string;
  before: string[];
  after: string[];
}

export interface NewTagWrite {
  editId: number;
  path: string;
  format: string;
  tempPath: string;
  before: FileFingerprint;
  /** The new file's size and hash; its mtime is known once written. */
  after: { size: number; sha256: string };
  restorePatch: Buffer;
  reapplyPatch: Buffer;
  fields: TagFieldChange[];
}

export interface TagWriteRow {
  id: number;
  editId: number;
  path: string;
  format: string;
  state: TagWriteState;
  tempPath: string | null;
  before: FileFingerprint;
  after: { size: number; sha256: string; mtimeMs: number | null };
  restorePatch: Buffer;
  reapplyPatch: Buffer;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  fields: TagFieldChange[];
}

interface RawTagWrite {
  id: number;
  editId: number;
  path: string;
  format: string;
  state: TagWriteState;
  tempPath: string | null;
  beforeSize: number;
  beforeMtimeMs: number;
  beforeSha256: string;
  afterSize: number;
  afterMtimeMs: number | null;
  afterSha256: string;
  restorePatch: Buffer;
  reapplyPatch: Buffer;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

const TAG_WRITE_COLUMNS = `
  id, edit_id AS editId, path, format, state, temp_path AS tempPath,
  before_size AS beforeSize, before_mtime_ms AS beforeMtimeMs, before_sha256 AS beforeSha256,
  after_size AS afterSize, after_mtime_ms AS afterMtimeMs, after_sha256 AS afterSha256,
  restore_patch AS restorePatch, reapply_patch AS reapplyPatch, error, created_at AS createdAt, updated_at AS updatedAt`;

/** The summary as the history shows it: with where its tag writes stand, once an edit wrote tags. */
const SHOWN_SUMMARY = `summary || COALESCE(' (' || tag_note || ')', '') AS summary`;
const EDIT_COLUMNS = `id, kind, ${SHOWN_SUMMARY}, undo_data AS undoData, redo_data AS redoData, state, created_at AS createdAt, changed_at AS changedAt`;
const EDIT_SUMMARY_COLUMNS = `id, kind, ${SHOWN_SUMMARY}, state, created_at AS createdAt`;

/** How an edit's tag writes ended: settled once every file was tried. */
export type EditTagState = 'writing' | 'written' | 'partly-written' | 'not-written' | 'interrupted';

/** The undo/redo log of user edits and the per-file, per-field journal of tag writes. */
export class TagJournalRepo {
  private readonly insertEditStmt;
  private readonly editByIdStmt;
  private readonly lastDoneStmt;
  private readonly lastUndoneStmt;
  private readonly setEditStateStmt;
  private readonly supersedeUndoneStmt;
  private readonly recentEditsStmt;
  private readonly lastDoneSummaryStmt;
  private readonly lastUndoneSummaryStmt;
  private readonly insertWriteStmt;
  private readonly insertFieldStmt;
  private readonly writeByIdStmt;
  private readonly writesOfEditStmt;
  private readonly fieldsStmt;
  private readonly setWriteStateStmt;
  private readonly unsettledStmt;
  private readonly latestSettledForPathStmt;
  private readonly setEditTagsStmt;
  private readonly editsWritingTagsStmt;
  private readonly writtenOfEditStmt;

  constructor(private readonly db: Db) {
    this.insertEditStmt = db.prepare(`
      INSERT INTO edits (kind, summary, undo_data, redo_data, state, created_at, changed_at)
      VALUES (@kind, @summary, @undoData, @redoData, 'done', @now, @now)`);
    this.editByIdStmt = db.prepare(`SELECT ${EDIT_COLUMNS} FROM edits WHERE id = ?`);
    this.setEditTagsStmt = db.prepare('UPDATE edits SET tag_state = @state, tag_files = COALESCE(@files, tag_files), tag_note = @note WHERE id = @id');
    this.editsWritingTagsStmt = db.prepare(`SELECT id, tag_files AS files FROM edits WHERE tag_state = 'writing'`);
    this.writtenOfEditStmt = db.prepare(`SELECT COUNT(*) FROM tag_writes WHERE edit_id = ? AND state = 'written'`).pluck();
    // Undo walks back from the newest done edit; the undone edits are the ones after it, and the one
    // undone last (the next to redo) is the oldest of them.
    this.lastDoneStmt = db.prepare(`SELECT ${EDIT_COLUMNS} FROM edits WHERE state = 'done' ORDER BY id DESC LIMIT 1`);
    this.lastUndoneStmt = db.prepare(`SELECT ${EDIT_COLUMNS} FROM edits WHERE state = 'undone' ORDER BY id ASC LIMIT 1`);
    this.setEditStateStmt = db.prepare('UPDATE edits SET state = ?, changed_at = ? WHERE id = ?');
    this.supersedeUndoneStmt = db.prepare(`UPDATE edits SET state = 'superseded', changed_at = ? WHERE state = 'undone'`);
    this.recentEditsStmt = db.prepare(`SELECT ${EDIT_SUMMARY_COLUMNS} FROM edits ORDER BY id DESC LIMIT ?`);
    this.lastDoneSummaryStmt = db.prepare(`SELECT ${EDIT_SUMMARY_COLUMNS} FROM edits WHERE state = 'done' ORDER BY id DESC LIMIT 1`);
    this.lastUndoneSummaryStmt = db.prepare(`SELECT ${EDIT_SUMMARY_COLUMNS} FROM edits WHERE state = 'undone' ORDER BY id ASC LIMIT 1`);
    this.insertWriteStmt = db.prepare(`
      INSERT INTO tag_writes (edit_id, path, format, state, temp_path, before_size, before_mtime_ms, before_sha256,
                              after_size, after_mtime_ms, after_sha256, restore_patch, reapply_patch, created_at, updated_at)
      VALUES (@editId, @path, @format, 'writing', @tempPath, @beforeSize, @beforeMtimeMs, @beforeSha256,
              @afterSize, NULL, @afterSha256, @restorePatch, @reapplyPatch, @now, @now)`);
    this.insertFieldStmt = db.prepare(`
      INSERT INTO tag_write_fields (write_id, tag, field, before_value, after_value) VALUES (?, ?, ?, ?, ?)`);
    this.writeByIdStmt = db.prepare(`SELECT ${TAG_WRITE_COLUMNS} FROM tag_writes WHERE id = ?`);
    this.writesOfEditStmt = db.prepare(`SELECT ${TAG_WRITE_COLUMNS} FROM tag_writes WHERE edit_id = ? ORDER BY id`);
    this.fieldsStmt = db.prepare(`
      SELECT tag, field, before_value AS beforeJson, after_value AS afterJson FROM tag_write_fields WHERE write_id = ? ORDER BY tag, field`);
    this.setWriteStateStmt = db.prepare(`
      UPDATE tag_writes SET state = @state, temp_path = @tempPath, after_mtime_ms = coalesce(@afterMtimeMs, after_mtime_ms),
                            error = @error, updated_at = @now
      WHERE id = @id`);
    this.unsettledStmt = db.prepare(`SELECT ${TAG_WRITE_COLUMNS} FROM tag_writes WHERE state IN ('writing', 'restoring') ORDER BY id`);
    this.latestSettledForPathStmt = db.prepare(`
      SELECT ${TAG_WRITE_COLUMNS} FROM tag_writes WHERE path = ? AND state IN ('written', 'restored') ORDER BY updated_at DESC, id DESC LIMIT 1`);
  }

  /** Records a new edit as done; edits undone before it can no longer be redone. */
  insertEdit(edit: { kind: string; summary: string; undoData: unknown; redoData: unknown }, now = Date.now()): number {
    this.supersedeUndoneStmt.run(now);
    return Number(
      this.insertEditStmt.run({ kind: edit.kind, summary: edit.summary, undoData: JSON.stringify(edit.undoData), redoData: JSON.stringify(edit.redoData), now })
        .lastInsertRowid,
    );
  }

  /** Committed with the edit, before any file is touched: its `files` tag writes are under way. */
  beginEditTagWrites(editId: number, files: number): void {
    this.setEditTagsStmt.run({ id: editId, state: 'writing', files, note: 'writing tags' });
  }

  /** Every file of the edit was tried: `failures` holds why each file that was not written was not. */
  settleEditTagWrites(editId: number, files: number, failures: readonly string[]): void {
    const written = files - failures.length;
    const why = failures.length ? `: ${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}` : '';
    const [state, note]: [EditTagState, string] =
      failures.length === 0 ? ['written', `tags written to ${files} file${files === 1 ? '' : 's'}`] : written === 0 ? ['not-written', `tags NOT written${why}`] : ['partly-written', `tags written to ${written} of ${files} files; NOT written${why}`];
    this.setEditTagsStmt.run({ id: editId, state, files, note });
  }

  /**
   * Edits whose tag writes a crash interrupted (still 'writing'): each is settled as 'interrupted', with
   * how many files were written. Call after the interrupted tag writes themselves are settled.
   */
  settleInterruptedEditTagWrites(): number {
    const edits = this.editsWritingTagsStmt.all() as Array<{ id: number; files: number }>;
    for (const { id, files } of edits) {
      const written = this.writtenOfEditStmt.get(id) as number;
      const note = `tags: interrupted; written to ${written} of ${files} file${files === 1 ? '' : 's'}, the rest NOT written`;
      this.setEditTagsStmt.run({ id, state: 'interrupted', files, note });
    }
    return edits.length;
  }

  edit<Data>(id: number): EditRow<Data> | null {
    const raw = this.editByIdStmt.get(id) as (EditRow & { undoData: string; redoData: string }) | undefined;
    return raw ? parseEdit<Data>(raw) : null;
  }

  /** The edit an undo would revert: the newest one still done. */
  lastDone<Data>(): EditRow<Data> | null {
    const raw = this.lastDoneStmt.get() as (EditRow & { undoData: string; redoData: string }) | undefined;
    return raw ? parseEdit<Data>(raw) : null;
  }

  /** The edit a redo would re-apply: the one undone last, i.e. the oldest edit still undone (a new edit supersedes them all). */
  lastUndone<Data>(): EditRow<Data> | null {
    const raw = this.lastUndoneStmt.get() as (EditRow & { undoData: string; redoData: string }) | undefined;
    return raw ? parseEdit<Data>(raw) : null;
  }

  setEditState(id: number, state: EditState, now = Date.now()): void {
    this.setEditStateStmt.run(state, now, id);
  }

  /** The newest edits first, without their data. */
  recentEdits(limit = 50): EditSummary[] {
    return this.recentEditsStmt.all(limit) as EditSummary[];
  }

  /** What undo ('done') or redo ('undone') would take next, without its data. */
  lastEditSummary(state: 'done' | 'undone'): EditSummary | null {
    const stmt = state === 'done' ? this.lastDoneSummaryStmt : this.lastUndoneSummaryStmt;
    return (stmt.get() as EditSummary | undefined) ?? null;
  }

  /** Journals a tag write in state 'writing', with every field's before and after value. */
  insertTagWrite(write: NewTagWrite, now = Date.now()): number {
    return this.durably(() => {
      const id = Number(
        this.insertWriteStmt.run({
          editId: write.editId,
          path: write.path,
          format: write.format,
          tempPath: write.tempPath,
          beforeSize: write.before.size,
          beforeMtimeMs: write.before.mtimeMs,
          beforeSha256: write.before.sha256,
          afterSize: write.after.size,
          afterSha256: write.after.sha256,
          restorePatch: write.restorePatch,
          reapplyPatch: write.reapplyPatch,
          now,
        }).lastInsertRowid,
      );
      for (const field of write.fields) {
        this.insertFieldStmt.run(id, field.tag, field.field, JSON.stringify(field.before), JSON.stringify(field.after));
      }
      return id;
    });
  }

  tagWrite(id: number): TagWriteRow | null {
    const raw = this.writeByIdStmt.get(id) as RawTagWrite | undefined;
    return raw ? this.toTagWrite(raw) : null;
  }

  tagWritesOfEdit(editId: number): TagWriteRow[] {
    return (this.writesOfEditStmt.all(editId) as RawTagWrite[]).map((raw) => this.toTagWrite(raw));
  }

  /** Writes a crash may have interrupted. */
  unsettledTagWrites(): TagWriteRow[] {
    return (this.unsettledStmt.all() as RawTagWrite[]).map((raw) => this.toTagWrite(raw));
  }

  /** The version of a file Timbre itself left last: after its newest write, or before it if undone. */
  lastVersionWritten(path: string): FileFingerprint | null {
    const raw = this.latestSettledForPathStmt.get(path) as RawTagWrite | undefined;
    if (!raw) return null;
    if (raw.state === 'restored') return { size: raw.beforeSize, mtimeMs: raw.beforeMtimeMs, sha256: raw.beforeSha256 };
    return raw.afterMtimeMs === null ? null : { size: raw.afterSize, mtimeMs: raw.afterMtimeMs, sha256: raw.afterSha256 };
  }

  setTagWriteState(
    id: number,
    change: { state: TagWriteState; tempPath?: string | null; afterMtimeMs?: number | null; error?: string | null },
    now = Date.now(),
  ): void {
    const run = () => this.setWriteStateStmt.run({
      id,
      state: change.state,
      tempPath: change.tempPath ?? null,
      afterMtimeMs: change.afterMtimeMs ?? null,
      error: change.error ?? null,
      now,
    });
    // Entering 'writing' or 'restoring' must be on disk before the file is replaced.
    if (change.state === 'writing' || change.state === 'restoring') this.durably(run);
    else run();
  }

  /**
   * Runs `work` in a transaction committed with synchronous = FULL, so it survives a power loss and not
   * only a crash (the library's WAL default, NORMAL, may drop the last commits on power loss).
   */
  private durably<T>(work: () => T): T {
    if (this.db.inTransaction) return this.db.transaction(work)();
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(work)();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  private toTagWrite(raw: RawTagWrite): TagWriteRow {
    const fields = (this.fieldsStmt.all(raw.id) as Array<{ tag: string; field: string; beforeJson: string; afterJson: string }>).map(
      ({ tag, field, beforeJson, afterJson }) => ({ tag, field, before: JSON.parse(beforeJson) as string[], after: JSON.parse(afterJson) as string[] }),
    );
    return {
      id: raw.id,
      editId: raw.editId,
      path: raw.path,
      format: raw.format,
      state: raw.state,
      tempPath: raw.tempPath,
      before: { size: raw.beforeSize, mtimeMs: raw.beforeMtimeMs, sha256: raw.beforeSha256 },
      after: { size: raw.afterSize, sha256: raw.afterSha256, mtimeMs: raw.afterMtimeMs },
      restorePatch: raw.restorePatch,
      reapplyPatch: raw.reapplyPatch,
      error: raw.error,
      createdAt: raw.createdAt,
      updatedAt: raw.updatedAt,
      fields,
    };
  }
}

function parseEdit<Data>(raw: EditRow & { undoData: string; redoData: string }): EditRow<Data> {
  return { ...raw, undoData: JSON.parse(raw.undoData) as Data, redoData: JSON.parse(raw.redoData) as Data };
}
