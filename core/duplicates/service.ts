import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Db } from '../db/open.js';
import { findDuplicates, type DuplicateCandidate, type FoundGroup } from './find.js';
import { melFingerprint } from './fingerprint.js';
import { PROFILE_DIMS } from './profile.js';
import type { DuplicateGroup, DuplicateTrack } from './types.js';

export type { DuplicateGroup, DuplicateTrack } from './types.js';


/**
 * Finds the library's duplicates (see findDuplicates) from what the database already holds: each
 * track's length, content fingerprint, MFCC means (duplicate_profiles) and mel preview. The answer is kept until a track
 * changes (invalidate).
 */
export class DuplicatesService {
  private cached: DuplicateGroup[] | null = null;
  private readonly candidatesStmt;
  private readonly previewStmt;
  private readonly detailsStmt;

  constructor(db: Db) {
    this.candidatesStmt = db.prepare(`
      SELECT t.id AS trackId, t.path, t.size, t.fingerprint AS contentFingerprint, t.duration_sec AS durationSec,
             p.mfcc_means AS profile
      FROM tracks t LEFT JOIN duplicate_profiles p ON p.track_id = t.id AND t.status = 'done'`);
    this.previewStmt = db.prepare('SELECT mel_preview AS data, mel_bands AS bands, mel_frames AS frames FROM features WHERE track_id = ?');
    this.detailsStmt = db.prepare(`
      SELECT id AS trackId, path, bitrate, duration_sec AS durationSec, size FROM tracks WHERE id IN (SELECT value FROM json_each(?))`);
  }

  invalidate(): void {
    this.cached = null;
  }

  /** Every group of duplicates, largest first. */
  groups(): DuplicateGroup[] {
    this.cached ??= this.search();
    return this.cached;
  }

  /** Each duplicated track's group id (the smallest track id of its group). */
  groupOfTrack(): Map<number, number> {
    const groupOf = new Map<number, number>();
    for (const group of this.groups()) for (const track of group.tracks) groupOf.set(track.trackId, group.id);
    return groupOf;
  }

  private search(): DuplicateGroup[] {
    const rows = this.candidatesStmt.all() as Array<Omit<DuplicateCandidate, 'profile'> & { profile: Buffer | null }>;
    const candidates: DuplicateCandidate[] = rows.map((row) => ({
      ...row,
      profile: row.profile && row.profile.length === PROFILE_DIMS * 4 ? new Float32Array(row.profile.buffer.slice(row.profile.byteOffset, row.profile.byteOffset + row.profile.length)) : null,
    }));
    const found = findDuplicates(candidates, {
      fingerprint: (trackId) => {
        const preview = this.previewStmt.get(trackId) as { data: Buffer; bands: number; frames: number } | undefined;
        return preview ? melFingerprint({ data: new Uint8Array(preview.data), bands: preview.bands, frames: preview.frames }) : null;
      },
      sameBytes: (a, b) => sha256OfFile(a) === sha256OfFile(b),
    });
    const details = new Map(
      (this.detailsStmt.all(JSON.stringify(found.flatMap((group) => group.trackIds))) as Array<Omit<DuplicateTrack, 'format'>>).map((row) => [row.trackId, row]),
    );
    return found
      .map(({ trackIds, kind }) => {
        const tracks = trackIds.flatMap((id) => {
          const row = details.get(id);
          return row ? [{ ...row, format: extname(row.path).slice(1).toUpperCase() || '?', bitrate: row.bitrate === null ? null : Math.round(row.bitrate / 1000) }] : [];
        });
        return { id: Math.min(...trackIds), kind, tracks };
      })
      .sort((a, b) => b.tracks.length - a.tracks.length || a.id - b.id);
  }
}

/** SHA-256 of a whole file, read in chunks; for an unreadable file a value no other file has. */
function sha256OfFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return `unreadable:${path}`;
  }
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) hash.update(chunk.subarray(0, read));
    return hash.digest('hex');
  } catch {
    return `unreadable:${path}`;
  } finally {
    closeSync(fd);
  }
}

/** Files "keep one" moved out of the library's folders, and where to: what undo moves back. */
export interface SetAside {
  id: number;
  moves: Array<{ from: string; to: string }>;
}

/**
 * Moves files into `trashDir` (a folder of Timbre's own, outside the music folders), keeping each
 * file's bytes; across file systems it copies, then removes the original. Returns what undo needs.
 */
export function moveAside(paths: readonly string[], trashDir: string, id = Date.now()): SetAside {
  const dir = join(trashDir, String(id));
  mkdirSync(dir, { recursive: true });
  const moves: SetAside['moves'] = [];
  try {
    for (const [index, from] of paths.entries()) {
      const to = join(dir, `${index}-${basename(from)}`);
      moveFile(from, to);
      moves.push({ from, to });
    }
  } catch (error) {
    // Nothing half-done: the files moved so far go back.
    for (const move of moves.reverse()) moveFile(move.to, move.from);
    throw error;
  }
  return { id, moves };
}

/** Puts set-aside files back where they were; refuses to overwrite a file that has appeared there since. */
export function restoreSetAside(setAside: SetAside): void {
  for (const { from } of setAside.moves) if (existsSync(from)) throw new Error(`${from} exists again; move it away to restore the set-aside copy`);
  for (const { from, to } of setAside.moves) moveFile(to, from);
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(from, to);
    rmSync(from);
  }
}
