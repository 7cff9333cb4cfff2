import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TagJournalRepo, TagFieldChange, TagWriteRow } from '../db/repos/tag-journal.js';
import { replaceFileAtomically, tempPathFor } from './atomic-replace.js';
import { applyBytePatch, createBytePatch } from './byte-patch.js';
import { describeFingerprintDifference, readFileWithFingerprint, sha256Hex, StaleFileError, type FileFingerprint } from './fingerprint.js';
import { tagFormatOf, writeGenreTags } from './genre-tags.js';

/** What writing genres to one file would change, computed from the bytes as read; nothing is written yet. */
export interface GenreWritePlan {
  path: string;
  /** node-taglib-sharp mime type, e.g. taglib/mp3. */
  format: string;
  /** The version of the file the plan was made from; the write refuses any other. */
  fingerprint: FileFingerprint;
  /** Per tag in the file: the genre field before and after. */
  fields: TagFieldChange[];
  /** False when the file already holds exactly these genres (nothing to write). */
  changed: boolean;
  original: Buffer;
  updated: Buffer;
}

/** Reads a file once and works out, in memory, its bytes with `genres` written (a dry run stops here). */
export function planGenreWrite(path: string, genres: readonly string[]): GenreWritePlan {
  const absolute = resolve(path);
  const format = tagFormatOf(absolute);
  const { bytes, fingerprint } = readFileWithFingerprint(absolute);
  const written = writeGenreTags(bytes, format, genres, absolute);
  const fields = written.after.map((after) => ({
    tag: after.tag,
    field: 'genre',
    before: written.before.find((before) => before.tag === after.tag)?.genres ?? [],
    after: after.genres,
  }));
  for (const before of written.before) {
    if (!fields.some((field) => field.tag === before.tag)) fields.push({ tag: before.tag, field: 'genre', before: before.genres, after: [] });
  }
  const changed = fields.some((field) => !sameList(field.before, field.after));
  return { path: absolute, format, fingerprint, fields, changed, original: bytes, updated: changed ? written.bytes : bytes };
}

/**
 * Writes tags to audio files with a journal, so every write can be undone byte for byte and a crash
 * never leaves a half-written file:
 *  1. the journal entry (fields before/after, fingerprints, exact byte patches both ways, the temp file
 *     name) is committed before the file is touched;
 *  2. the new bytes go to a temp file in the same directory, are fsynced and renamed over the original,
 *     but only if the original still has the fingerprint it had when read (the staleness guard);
 *  3. the entry is marked written. A crash between 1 and 3 is settled by recover().
 */
export class TagWriter {
  constructor(private readonly journal: TagJournalRepo) {}

  /** Applies a plan as part of edit `editId`; returns the journal entry, or null if nothing changed. */
  apply(plan: GenreWritePlan, editId: number): TagWriteRow | null {
    if (!plan.changed) return null;
    const restorePatch = createBytePatch(plan.updated, plan.original);
    const reapplyPatch = createBytePatch(plan.original, plan.updated);
    const tempPath = tempPathFor(plan.path);
    const id = this.journal.insertTagWrite({
      editId,
      path: plan.path,
      format: plan.format,
      tempPath,
      before: plan.fingerprint,
      after: { size: plan.updated.length, sha256: sha256Hex(plan.updated) },
      restorePatch,
      reapplyPatch,
      fields: plan.fields,
    });
    try {
      const mtimeMs = replaceFileAtomically(plan.path, plan.updated, { expected: plan.fingerprint, tempPath });
      this.journal.setTagWriteState(id, { state: 'written', afterMtimeMs: mtimeMs });
    } catch (error) {
      this.journal.setTagWriteState(id, { state: 'failed', error: (error as Error).message });
      throw error;
    }
    return this.journal.tagWrite(id);
  }

  /** Throws StaleFileError unless the file is still exactly as this write left it. */
  assertRestorable(write: TagWriteRow): FileFingerprint {
    return this.assertVersion(write, 'written', { ...write.after, mtimeMs: write.after.mtimeMs }, 'Timbre wrote it');
  }

  /** Throws StaleFileError unless the file is still exactly as the undo of this write left it. */
  assertReapplicable(write: TagWriteRow): FileFingerprint {
    return this.assertVersion(write, 'restored', write.before, 'Timbre restored it');
  }

  /** Undoes a write: the file gets back its exact earlier bytes and modification time. */
  restore(write: TagWriteRow): void {
    this.assertRestorable(write);
    const { bytes, fingerprint } = readFileWithFingerprint(write.path);
    this.replace(write, applyBytePatch(bytes, write.restorePatch), fingerprint, {
      during: 'restoring',
      done: 'restored',
      undoneState: 'written',
      mtimeMs: write.before.mtimeMs,
    });
  }

  /** Redoes an undone write: the file gets back the exact bytes (and mtime) the write gave it. */
  reapply(write: TagWriteRow): void {
    this.assertReapplicable(write);
    const { bytes, fingerprint } = readFileWithFingerprint(write.path);
    this.replace(write, applyBytePatch(bytes, write.reapplyPatch), fingerprint, {
      during: 'writing',
      done: 'written',
      undoneState: 'restored',
      mtimeMs: write.after.mtimeMs ?? undefined,
    });
  }

  /**
   * Settles writes a crash interrupted: removes their temp files and records which version the file
   * holds now. Returns how many were settled.
   */
  recover(): number {
    const unsettled = this.journal.unsettledTagWrites();
    for (const write of unsettled) {
      if (write.tempPath) rmSync(write.tempPath, { force: true });
      if (!existsSync(write.path)) {
        this.journal.setTagWriteState(write.id, { state: 'failed', error: 'the file disappeared while Timbre wrote it' });
        continue;
      }
      const now = readFileWithFingerprint(write.path).fingerprint;
      const isAfter = now.size === write.after.size && now.sha256 === write.after.sha256;
      const isBefore = now.size === write.before.size && now.sha256 === write.before.sha256;
      // A write that was written once before (a redo) falls back to 'restored', a first write to 'failed'.
      const fallback = write.state === 'restoring' || write.after.mtimeMs !== null ? 'restored' : 'failed';
      if (isAfter) this.journal.setTagWriteState(write.id, { state: 'written', afterMtimeMs: now.mtimeMs });
      else if (isBefore) this.journal.setTagWriteState(write.id, { state: fallback, error: fallback === 'failed' ? 'interrupted before the file was replaced' : null });
      else this.journal.setTagWriteState(write.id, { state: 'failed', error: 'interrupted, and the file was since changed by another program' });
    }
    return unsettled.length;
  }

  private assertVersion(write: TagWriteRow, state: TagWriteRow['state'], expected: { size: number; sha256: string; mtimeMs: number | null }, since: string): FileFingerprint {
    if (write.state !== state) throw new Error(`tag write #${write.id} of ${write.path} is ${write.state}, not ${state}`);
    if (!existsSync(write.path)) throw new StaleFileError(write.path, 'the file no longer exists');
    const actual = readFileWithFingerprint(write.path).fingerprint;
    const difference = describeFingerprintDifference({ ...expected, mtimeMs: expected.mtimeMs ?? actual.mtimeMs }, actual);
    if (difference) throw new StaleFileError(write.path, difference, since, 'it was left as it is');
    return actual;
  }

  private replace(
    write: TagWriteRow,
    bytes: Buffer,
    expected: FileFingerprint,
    states: { during: 'writing' | 'restoring'; done: 'written' | 'restored'; undoneState: 'written' | 'restored'; mtimeMs: number | undefined },
  ): void {
    const tempPath = tempPathFor(write.path);
    this.journal.setTagWriteState(write.id, { state: states.during, tempPath });
    try {
      const mtimeMs = replaceFileAtomically(write.path, bytes, { expected, tempPath, mtimeMs: states.mtimeMs });
      this.journal.setTagWriteState(write.id, { state: states.done, afterMtimeMs: states.done === 'written' ? mtimeMs : null });
    } catch (error) {
      this.journal.setTagWriteState(write.id, { state: states.undoneState, error: (error as Error).message });
      throw error;
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
