import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** What identifies one version of a file: if any part differs, the file changed. */
export interface FileFingerprint {
  size: number;
  /** Modification time, whole milliseconds (sub-millisecond digits do not survive every filesystem). */
  mtimeMs: number;
  sha256: string;
}

/** Files larger than this are not loaded for tag writing (whole-file hashing and patching happen in memory). */
export const MAX_TAGGABLE_FILE_BYTES = 1024 * 1024 * 1024;

/** A file changed since Timbre read it (or since it wrote it): writing now would lose someone's change. */
export class StaleFileError extends Error {
  override readonly name = 'StaleFileError';
  constructor(
    readonly path: string,
    readonly difference: string,
    since = 'Timbre read it',
    outcome = 'nothing was written; rescan the file and try again',
  ) {
    super(`${path} changed since ${since} (${difference}); ${outcome}`);
  }
}

/** Reads a whole file and its fingerprint from one open handle; retries if the file changes while being read. */
export function readFileWithFingerprint(path: string): { bytes: Buffer; fingerprint: FileFingerprint } {
  for (let attempt = 0; attempt < 3; attempt++) {
    const fd = openSync(path, 'r');
    try {
      const before = fstatSync(fd);
      if (!before.isFile()) throw new Error(`${path} is not a regular file`);
      if (before.size > MAX_TAGGABLE_FILE_BYTES) {
        throw new Error(`${path} is larger than ${MAX_TAGGABLE_FILE_BYTES / 2 ** 20} MiB; Timbre does not write tags to it`);
      }
      const bytes = Buffer.allocUnsafe(before.size);
      let filled = 0;
      while (filled < bytes.length) {
        const read = readSync(fd, bytes, filled, bytes.length - filled, filled);
        if (read === 0) break;
        filled += read;
      }
      const after = fstatSync(fd);
      if (filled === before.size && after.size === before.size && after.mtimeMs === before.mtimeMs) {
        return { bytes, fingerprint: { size: bytes.length, mtimeMs: Math.trunc(after.mtimeMs), sha256: sha256Hex(bytes) } };
      }
    } finally {
      closeSync(fd);
    }
  }
  throw new Error(`${path} kept changing while Timbre read it`);
}

/** The file's current fingerprint. */
export function fingerprintFile(path: string): FileFingerprint {
  return readFileWithFingerprint(path).fingerprint;
}

/**
 * How `actual` differs from `expected`, in words, or null when they are the same version. Size and
 * modification time are compared first: a `touch` alone counts as a change, since Timbre cannot know
 * what the other program meant by it.
 */
export function describeFingerprintDifference(expected: FileFingerprint, actual: FileFingerprint): string | null {
  if (expected.size !== actual.size) return `size ${expected.size} → ${actual.size} bytes`;
  if (expected.mtimeMs !== actual.mtimeMs) {
    return `modified ${new Date(expected.mtimeMs).toISOString()} → ${new Date(actual.mtimeMs).toISOString()}`;
  }
  if (expected.sha256 !== actual.sha256) return 'content differs at the same size and modification time';
  return null;
}

/** Throws StaleFileError unless the file at `path` is still the version `expected` describes. */
export function assertUnchanged(path: string, expected: FileFingerprint): void {
  // Size and mtime first: a cheap stat catches most changes without reading the file.
  const stat = statSync(path);
  const quick = describeFingerprintDifference(expected, { size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs), sha256: expected.sha256 });
  if (quick) throw new StaleFileError(path, quick);
  const difference = describeFingerprintDifference(expected, fingerprintFile(path));
  if (difference) throw new StaleFileError(path, difference);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
