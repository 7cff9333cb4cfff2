import { existsSync, statSync } from 'node:fs';
import type { Db } from '../db/open.js';
import type { FeaturesRepo } from '../db/repos/features.js';
import type { FolderRow } from '../db/repos/folders.js';
import type { TrackFileRow, TracksRepo } from '../db/repos/tracks.js';
import { ANALYSIS_VERSION, type AnalysisQueue } from '../jobs/analysis-queue.js';
import type { ScanSummary } from './types.js';
import {
  describeFileError,
  fileStamp,
  fingerprintFile,
  fsPath,
  listAudioFiles,
  outsideLibraryReason,
  realPathOutside,
  type FoundFile,
  type SkippedFolder,
} from './files.js';

export interface ScannerDeps {
  db: Db;
  tracks: TracksRepo;
  features: FeaturesRepo;
  queue: AnalysisQueue;
}

/** What a file event changed, for the caller's events. */
export type FileChange =
  | { kind: 'added' | 'changed' | 'moved'; trackId: number }
  | { kind: 'unchanged' | 'ignored' };

/**
 * Brings the tracks table in line with the files on disk. Unchanged files (same size and mtime) cost
 * one stat; new files are fingerprinted so a renamed or moved file keeps its track (id, tags,
 * features, user data) instead of becoming a new one.
 */
export class Scanner {
  constructor(private readonly deps: ScannerDeps) {}

  /** Scans a whole folder; returns the summary and the ids of tracks that changed or were removed. */
  async scanFolder(folder: FolderRow): Promise<{ summary: ScanSummary; changedIds: number[]; removedIds: number[] }> {
    const started = performance.now();
    const skippedFolders: SkippedFolder[] = [];
    const files = await listAudioFiles(folder.path, { onSkipped: (skipped) => skippedFolders.push(skipped) });
    const { db, tracks } = this.deps;
    const summary: ScanSummary = {
      folderId: folder.id,
      files: files.length,
      added: 0,
      changed: 0,
      moved: 0,
      removed: 0,
      unchanged: 0,
      queued: 0,
      durationMs: 0,
      skippedFolders,
    };
    const changedIds: number[] = [];
    const removedIds: number[] = [];

    db.transaction(() => {
      const known = new Map(tracks.fileRowsInFolder(folder.id).map((row) => [row.path, row]));
      if (files.length === 0 && known.size > 0) {
        // All files gone at once is far more often a drive that is not mounted than a deliberate deletion.
        throw new Error(
          `the folder has no audio files any more; its ${known.size} tracks are kept in case it is on a drive ` +
            'that is not mounted (remove the folder from the library to forget them)',
        );
      }
      const newFiles: FoundFile[] = [];
      for (const file of files) {
        const row = known.get(file.path);
        if (!row) {
          newFiles.push(file);
          continue;
        }
        known.delete(file.path);
        if (row.size === file.size && row.mtimeMs === file.mtimeMs) {
          summary.unchanged++;
          continue;
        }
        this.recordChangedFile(row.id, file);
        summary.changed++;
        changedIds.push(row.id);
      }

      // What is left in `known` vanished from disk: a new file with the same content is the same track.
      const vanishedByContent = new Map<string, TrackFileRow>();
      for (const row of known.values()) {
        if (row.fingerprint) vanishedByContent.set(`${row.fingerprint}:${row.size}`, row);
      }
      for (const file of newFiles) {
        if (tracks.idByPath(file.path) !== null) continue; // Already a track of another (nested) folder.
        const fingerprint = file.error ? null : fingerprintFile(file.path, file.size);
        const key = `${fingerprint}:${file.size}`;
        const moved = fingerprint ? (vanishedByContent.get(key) ?? this.findMovedTrack(fingerprint, file.size)) : undefined;
        if (moved) {
          vanishedByContent.delete(key);
          known.delete(moved.path);
          tracks.move(moved.id, { folderId: folder.id, path: file.path, ...stampOf(file) });
          summary.moved++;
          changedIds.push(moved.id);
          continue;
        }
        changedIds.push(this.insertTrack(folder.id, file, fingerprint));
        summary.added++;
      }
      for (const row of known.values()) {
        tracks.delete(row.id);
        removedIds.push(row.id);
        summary.removed++;
      }
      summary.queued = this.queueOutstanding(folder.id, changedIds);
    })();

    summary.durationMs = performance.now() - started;
    return { summary, changedIds, removedIds };
  }

  /**
   * Brings one file in line (a watcher event). Returns what happened; a file whose content matches a
   * track whose file is gone takes over that track (a rename or move).
   */
  syncFile(folderId: number, path: string, folderPath: string): FileChange {
    const { db, tracks } = this.deps;
    let file: FoundFile;
    try {
      const stats = statSync(fsPath(path));
      if (!stats.isFile()) return { kind: 'ignored' };
      const leadsOut = realPathOutside(path, folderPath);
      file = leadsOut ? { path, size: 0, mtimeMs: 0, error: outsideLibraryReason(leadsOut) } : { path, ...fileStamp(stats), error: null };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'ignored' }; // Gone again before we looked.
      file = { path, size: 0, mtimeMs: 0, error: describeFileError(error) };
    }
    return db.transaction((): FileChange => {
      const existingId = tracks.idByPath(path);
      if (existingId !== null) {
        const row = tracks.fileRow(existingId)!;
        if (row.size === file.size && row.mtimeMs === file.mtimeMs) return { kind: 'unchanged' };
        this.recordChangedFile(existingId, file);
        this.queueOutstanding(folderId, [existingId]);
        return { kind: 'changed', trackId: existingId };
      }
      const fingerprint = file.error ? null : fingerprintFile(path, file.size);
      const moved = fingerprint ? this.findMovedTrack(fingerprint, file.size) : undefined;
      if (moved) {
        tracks.move(moved.id, { folderId, path, ...stampOf(file) });
        this.queueOutstanding(folderId, [moved.id]);
        return { kind: 'moved', trackId: moved.id };
      }
      const trackId = this.insertTrack(folderId, file, fingerprint);
      this.queueOutstanding(folderId, [trackId]);
      return { kind: 'added', trackId };
    })();
  }

  /** Deletes the tracks at or under `path` whose files are really gone; returns their ids. */
  removeMissing(path: string): number[] {
    const { db, tracks } = this.deps;
    return db.transaction(() => {
      const candidates = [...tracks.fileRowsUnder(path)];
      const exact = tracks.idByPath(path);
      if (exact !== null) candidates.push(tracks.fileRow(exact)!);
      const removed: number[] = [];
      for (const row of candidates) {
        if (existsSync(fsPath(row.path))) continue;
        tracks.delete(row.id);
        removed.push(row.id);
      }
      return removed;
    })();
  }

  /** A track with this content whose own file no longer exists: the file was renamed or moved. */
  private findMovedTrack(fingerprint: string, size: number): TrackFileRow | undefined {
    return this.deps.tracks.withFingerprint(fingerprint, size).find((row) => !existsSync(fsPath(row.path)));
  }

  private insertTrack(folderId: number, file: FoundFile, fingerprint: string | null): number {
    return this.deps.tracks.insert({
      folderId,
      path: file.path,
      ...stampOf(file),
      fingerprint,
      status: file.error ? 'error' : 'pending',
      error: file.error,
    });
  }

  private recordChangedFile(trackId: number, file: FoundFile): void {
    this.deps.tracks.updateFile(trackId, {
      ...stampOf(file),
      fingerprint: file.error ? null : fingerprintFile(file.path, file.size),
      status: file.error ? 'error' : 'pending',
      error: file.error,
    });
  }

  /**
   * Queues analysis for the given tracks when pending, for pending tracks that lost their job (cancel),
   * and for tracks analysed by an older ANALYSIS_VERSION. Returns how many jobs were queued.
   */
  private queueOutstanding(folderId: number, trackIds: number[]): number {
    const { tracks, features, queue } = this.deps;
    const toQueue = new Set<number>();
    for (const id of trackIds) if (tracks.fileRow(id)?.status === 'pending') toQueue.add(id);
    for (const id of tracks.pendingWithoutJob(folderId)) toQueue.add(id);
    for (const id of features.staleTrackIds(ANALYSIS_VERSION, folderId)) toQueue.add(id);
    let queued = 0;
    for (const id of toQueue) if (queue.enqueue(id)) queued++;
    return queued;
  }
}

function stampOf(file: FoundFile): { size: number; mtimeMs: number } {
  return { size: file.size, mtimeMs: file.mtimeMs };
}
