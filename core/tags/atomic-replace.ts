import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, fsyncSync, futimesSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assertUnchanged, type FileFingerprint } from './fingerprint.js';

/** Temp files of an interrupted write end in this, so scanners (audio extensions only) skip them. */
export const TEMP_SUFFIX = '.timbre-tmp';

/** A temp file name next to `path` (same directory, so the final rename stays on one filesystem). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

export interface ReplaceOptions {
  /** The version being replaced; checked again right before the rename (the staleness guard). */
  expected: FileFingerprint;
  /** The temp file to use (from tempPathFor), recorded in the journal beforehand so a crash can clean it up. */
  tempPath: string;
  /** Modification time to give the new file; default: now. Undo uses it to restore the old one. */
  mtimeMs?: number;
}

/**
 * Replaces a file's content atomically: the new bytes go to a temp file in the same directory with the
 * original's permissions (and owner, where allowed), are fsynced, and are renamed over the original,
 * then the directory is fsynced. A crash at any point leaves either the old file or the new one, plus
 * at worst a stray temp file. Returns the new file's modification time (whole ms).
 */
export function replaceFileAtomically(path: string, bytes: Uint8Array, options: ReplaceOptions): number {
  const original = statSync(path);
  assertWritable(path, original.mode);
  const fd = openSync(options.tempPath, 'wx', original.mode & 0o7777);
  let open = true;
  let renamed = false;
  try {
    try {
      fchmodSync(fd, original.mode & 0o7777);
      if (process.getuid && (original.uid !== process.getuid() || original.gid !== process.getgid?.())) {
        fchownSync(fd, original.uid, original.gid);
      }
    } catch (error) {
      // Only root may give a file away; a file we could write but not chown keeps our ownership.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, written);
    if (options.mtimeMs !== undefined) {
      // Half a millisecond in, so that truncating the stored time to whole ms gives options.mtimeMs back.
      const seconds = (options.mtimeMs + 0.5) / 1000;
      futimesSync(fd, seconds, seconds);
    }
    fsyncSync(fd);
    const mtimeMs = Math.trunc(fstatSync(fd).mtimeMs);
    closeSync(fd);
    open = false;
    assertUnchanged(path, options.expected);
    renameSync(options.tempPath, path);
    renamed = true;
    fsyncDirectory(dirname(path));
    return mtimeMs;
  } finally {
    if (open) closeSync(fd);
    if (!renamed) rmSync(options.tempPath, { force: true });
  }
}

/**
 * A file its owner made read-only (0444), or one this user may not write, is not replaced, although a
 * rename in a writable folder could: the user meant it to stay as it is. Root passes access() for
 * anything, so the write bits are read too.
 */
export class ReadOnlyFileError extends Error {
  override readonly name = 'ReadOnlyFileError';
}

function assertWritable(path: string, mode: number): void {
  let writable = (mode & 0o222) !== 0;
  if (writable) {
    try {
      accessSync(path, constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    throw new ReadOnlyFileError(`${path} is read-only (permissions ${(mode & 0o777).toString(8).padStart(3, '0')}): it was left unchanged`);
  }
}

/** Makes a rename durable. Windows cannot open directories for fsync; its rename is journaled by NTFS. */
function fsyncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
