import type { FSWatcher } from 'chokidar';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';
import { describeDatabaseError } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { FeaturesRepo } from '../db/repos/features.js';
import type { PredictionsRepo } from '../db/repos/predictions.js';
import type { FolderRow, FoldersRepo } from '../db/repos/folders.js';
import type { TrackRow, TracksRepo } from '../db/repos/tracks.js';
import type { CoreEventBus } from '../events.js';
import { FMA518_KEYS } from '../features/fma518.js';
import type { AnalysisRunner } from '../jobs/runner.js';
import { isAudioPath } from './files.js';
import type { Scanner } from './scanner.js';
import type {
  AnalysisProgress,
  FolderInfo,
  LibraryService,
  MirSummary,
  ScanSummary,
  TrackDetail,
  TrackSummary,
  UserDataPatch,
} from './types.js';
import { watchFolder } from './watcher.js';

export interface LibraryDeps {
  db: Db;
  folders: FoldersRepo;
  tracks: TracksRepo;
  features: FeaturesRepo;
  predictions: PredictionsRepo;
  scanner: Scanner;
  runner: AnalysisRunner;
  events: CoreEventBus;
  watch: boolean;
}

/**
 * A removed file is kept this long before its track is deleted, so that the add half of a rename or
 * move (which the watcher reports only after the write settles) can claim the track.
 */
export const MOVE_WINDOW_MS = 5000;

/**
 * How long track changes from analysis gather before they go out as one event (notifyTrackChangedSoon).
 * During a first scan every track changes twice (claimed, then analysed), and each event costs a row
 * query and a call of every subscriber (the UI's track index, similarity invalidation, the CLI). 200 ms
 * takes in two of the runner's commits (every 100 ms) per event; with the UI's own 150-ms event
 * interval a change still shows within ~0.35 s, about as often as progress is reported (every 250 ms).
 */
export const TRACK_CHANGES_WINDOW_MS = 200;

const CENTROID_MEAN = FMA518_KEYS.indexOf('spectral_centroid.mean.01');
const RMS_MEAN = FMA518_KEYS.indexOf('rmse.mean.01');

/** A folder that cannot be added: not found, or not one to add (a file, one already in the library). */
export class FolderError extends Error {
  override readonly name = 'FolderError';
  constructor(
    message: string,
    readonly reason: 'not-found' | 'invalid',
  ) {
    super(message);
  }
}

/** "~" and "~/…" are the user's home folder, as in a shell. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') || (sep === '\\' && path.startsWith('~\\')) ? homedir() + path.slice(1) : path;
}

/** The library: folders, scans, watching and analysis, behind the LibraryService contract. */
export class Library implements LibraryService {
  private readonly scans = new Map<number, Promise<ScanSummary>>();
  private readonly watchers = new Map<number, FSWatcher>();
  /** Watchers being started (chokidar's initial listing can take a while), so none starts twice. */
  private readonly watchStarts = new Map<number, Promise<void>>();
  private readonly removalTimers = new Set<NodeJS.Timeout>();
  /** Tracks whose change notifyTrackChangedSoon has not announced yet. */
  private readonly pendingTrackChanges = new Set<number>();
  private trackChangesTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: LibraryDeps) {}

  /** Watch mode: catch up with changes made while Timbre was closed, then follow live changes. */
  startWatchingAll(): void {
    for (const folder of this.deps.folders.list()) {
      void this.scanFolder(folder.id).catch(() => undefined);
      void this.startWatching(folder);
    }
  }

  async addFolder(path: string): Promise<FolderInfo> {
    const absolute = resolve(expandHome(path.trim()));
    let isDirectory = false;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      throw new FolderError(`folder not found: ${absolute}`, 'not-found');
    }
    if (!isDirectory) throw new FolderError(`not a folder: ${absolute}`, 'invalid');
    // A folder inside one the library already has is already scanned and watched: adding it as a
    // folder of its own would list it twice. (The same folder again is fine: it is scanned again.)
    const container = this.deps.folders.list().find((folder) => absolute.startsWith(folder.path.endsWith(sep) ? folder.path : folder.path + sep));
    if (container) throw new FolderError(`${absolute} is already in the library: it is inside ${container.path}`, 'invalid');
    const folder = this.deps.folders.add(absolute);
    void this.scanFolder(folder.id).catch(() => undefined);
    if (this.deps.watch) void this.startWatching(folder);
    return this.emitFolder(folder.id)!;
  }

  async removeFolder(id: number): Promise<void> {
    await this.stopWatching(id);
    await this.scans.get(id)?.catch(() => undefined);
    const trackIds = this.deps.tracks.fileRowsInFolder(id).map((row) => row.id);
    this.deps.folders.remove(id);
    this.notifyTracksChanged(trackIds);
    this.deps.events.emit('folder-updated', { id, folder: null });
    this.deps.runner.pump();
  }

  listFolders(): FolderInfo[] {
    return this.deps.folders.list().map((row) => this.folderInfo(row));
  }

  scanFolder(id: number): Promise<ScanSummary> {
    const running = this.scans.get(id);
    if (running) return running;
    const folder = this.deps.folders.get(id);
    if (!folder) return Promise.reject(new Error(`no folder with id ${id}`));
    const scan = this.runScan(folder).finally(() => {
      this.scans.delete(id);
      this.emitFolder(id);
    });
    this.scans.set(id, scan);
    this.emitFolder(id);
    return scan;
  }

  listTracks(): TrackSummary[] {
    // Rows are summaries plus size and mtime; copying 100k rows to drop two fields would cost ~0.7 s.
    return this.deps.tracks.summaries();
  }

  getTrack(id: number): TrackDetail | null {
    const row = this.deps.tracks.summary(id);
    if (!row) return null;
    const features = this.deps.features.get(id);
    const mir: MirSummary | null = features
      ? { tempoBpm: features.tempoBpm, brightnessHz: features.fma518[CENTROID_MEAN], energyRms: features.fma518[RMS_MEAN] }
      : null;
    return {
      ...toSummary(row),
      sizeBytes: row.sizeBytes,
      mtimeMs: row.mtimeMs,
      analysisVersion: features?.analysisVersion ?? null,
      analysedAt: features?.analysedAt ?? null,
      melPreview: features?.melPreview ?? null,
      mir,
      prediction: this.deps.predictions.get(id),
    };
  }

  setUserData(id: number, patch: UserDataPatch): TrackSummary | null {
    if (patch.rating !== undefined && patch.rating !== null && !(Number.isInteger(patch.rating) && patch.rating >= 0 && patch.rating <= 5)) {
      throw new Error('rating must be an integer from 0 to 5');
    }
    if (!this.deps.tracks.setUserData(id, patch)) return null;
    return this.notifyTrackChanged(id);
  }

  pause(): void {
    this.deps.runner.pause();
  }

  resume(): void {
    this.deps.runner.resume();
  }

  cancel(): void {
    this.deps.runner.cancel();
  }

  progress(): AnalysisProgress {
    return this.deps.runner.progress();
  }

  /** Subscribers have also been told of every change by then. */
  async whenIdle(): Promise<void> {
    while (this.scans.size > 0 || !this.deps.runner.isIdle()) {
      await Promise.allSettled(this.scans.values());
      await this.deps.runner.whenIdle();
    }
    this.flushTrackChanges();
  }

  /**
   * Stops watching and waits for running scans; the runner and database are closed by the caller. Track
   * changes gathered for subscribers go out now, and later ones (the runner's last results) at once.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.removalTimers) clearTimeout(timer);
    this.removalTimers.clear();
    await Promise.allSettled(this.watchStarts.values());
    await Promise.all([...this.watchers.keys()].map((id) => this.stopWatching(id)));
    await Promise.allSettled(this.scans.values());
    this.flushTrackChanges();
  }

  private async runScan(folder: FolderRow): Promise<ScanSummary> {
    if (!existsSync(folder.path)) {
      const missing = 'the folder is missing (moved, deleted or on a drive that is not mounted)';
      this.deps.folders.setError(folder.id, missing);
      throw new Error(`${folder.path}: ${missing}`);
    }
    try {
      const { summary, changedIds, removedIds } = await this.deps.scanner.scanFolder(folder);
      this.deps.folders.markScanned(folder.id);
      this.notifyTracksChanged([...removedIds, ...changedIds]);
      this.deps.runner.pump();
      return summary;
    } catch (error) {
      this.deps.folders.setError(folder.id, `could not scan the folder: ${messageOf(error)}`);
      throw error;
    }
  }

  private startWatching(folder: FolderRow): Promise<void> {
    if (this.watchers.has(folder.id) || this.closed) return Promise.resolve();
    let starting = this.watchStarts.get(folder.id);
    if (!starting) {
      starting = this.openWatcher(folder).finally(() => this.watchStarts.delete(folder.id));
      this.watchStarts.set(folder.id, starting);
    }
    return starting;
  }

  private async openWatcher(folder: FolderRow): Promise<void> {
    try {
      const watcher = await watchFolder(folder.path, {
        onFile: (path) => this.onFileEvent(folder, path),
        onRemoved: (path) => this.onRemovedEvent(folder, path),
        onError: (error) => {
          this.deps.folders.setError(folder.id, `watching failed: ${error.message}`);
          this.emitFolder(folder.id);
        },
      });
      if (this.closed || !this.deps.folders.get(folder.id)) {
        await watcher.close();
        return;
      }
      this.watchers.set(folder.id, watcher);
    } catch (error) {
      this.deps.folders.setError(folder.id, `could not watch the folder: ${messageOf(error)}`);
    }
    this.emitFolder(folder.id);
  }

  private async stopWatching(id: number): Promise<void> {
    await this.watchStarts.get(id);
    const watcher = this.watchers.get(id);
    if (!watcher) return;
    this.watchers.delete(id);
    await watcher.close();
  }

  private onFileEvent({ id: folderId, path: folderPath }: FolderRow, path: string): void {
    if (this.closed || !isAudioPath(path)) return;
    try {
      const change = this.deps.scanner.syncFile(folderId, path, folderPath);
      if (!('trackId' in change)) return;
      this.notifyTrackChanged(change.trackId);
      this.deps.runner.pump();
    } catch (error) {
      try {
        this.deps.folders.setError(folderId, `could not add ${path}: ${describeDatabaseError(error)}`);
        this.emitFolder(folderId);
      } catch (reportError) {
        console.error(`timbre: could not add ${path}: ${describeDatabaseError(error)} (${describeDatabaseError(reportError)})`);
      }
    }
  }

  private onRemovedEvent(folder: FolderRow, path: string): void {
    const timer = setTimeout(() => {
      this.removalTimers.delete(timer);
      if (this.closed) return;
      // A vanished music folder is most likely an unmounted drive: keep its tracks (and their user data).
      if (!existsSync(folder.path)) {
        this.deps.folders.setError(folder.id, 'the folder is missing (moved, deleted or on a drive that is not mounted)');
        this.emitFolder(folder.id);
        return;
      }
      try {
        this.notifyTracksChanged(this.deps.scanner.removeMissing(path));
      } catch (error) {
        this.deps.folders.setError(folder.id, `could not forget the removed ${path}: ${describeDatabaseError(error)}`);
        this.emitFolder(folder.id);
      }
    }, MOVE_WINDOW_MS);
    this.removalTimers.add(timer);
  }

  /** Tells subscribers a track's row changed (or is gone). */
  notifyTrackChanged(id: number): TrackSummary | null {
    const row = this.deps.tracks.summary(id);
    const track = row ? toSummary(row) : null;
    this.deps.events.emit('track-updated', { id, track });
    return track;
  }

  /**
   * Tells subscribers a track changed, together with the tracks that change within TRACK_CHANGES_WINDOW_MS
   * (as analysis lands, one track at a time): see notifyTracksChanged. Each row is read as the event goes
   * out, so it is the latest. Once the library is closed, at once: nothing would send it later.
   */
  notifyTrackChangedSoon(id: number): void {
    if (this.closed) {
      this.notifyTrackChanged(id);
      return;
    }
    this.pendingTrackChanges.add(id);
    this.trackChangesTimer ??= setTimeout(() => {
      try {
        this.flushTrackChanges();
      } catch (error) {
        // Only the announcement is lost, not the change: the next read of those rows shows it.
        console.error(`timbre: could not announce track changes: ${describeDatabaseError(error)}`);
      }
    }, TRACK_CHANGES_WINDOW_MS);
  }

  /** Sends the changes notifyTrackChangedSoon gathered. */
  private flushTrackChanges(): void {
    if (this.trackChangesTimer) clearTimeout(this.trackChangesTimer);
    this.trackChangesTimer = null;
    const ids = [...this.pendingTrackChanges];
    this.pendingTrackChanges.clear();
    this.notifyTracksChanged(ids);
  }

  /**
   * Tells subscribers these tracks' rows changed (or are gone): one 'tracks-updated' with every row,
   * read in one query, or a 'track-updated' when there is only one.
   */
  notifyTracksChanged(ids: readonly number[]): void {
    const unique = [...new Set(ids)];
    if (unique.length <= 1) {
      if (unique.length === 1) this.notifyTrackChanged(unique[0]);
      return;
    }
    // The rows go out as they are (summaries plus size and mtime), as listTracks() does: copying 100k of them costs ~0.7 s.
    const rows = new Map<number, TrackSummary>(this.deps.tracks.summariesOf(unique).map((row) => [row.id, row]));
    this.deps.events.emit('tracks-updated', { updates: unique.map((id) => ({ id, track: rows.get(id) ?? null })) });
  }

  private emitFolder(id: number): FolderInfo | null {
    const row = this.deps.folders.get(id);
    const folder = row ? this.folderInfo(row) : null;
    this.deps.events.emit('folder-updated', { id, folder });
    return folder;
  }

  private folderInfo(row: FolderRow): FolderInfo {
    return { ...row, watching: this.watchers.has(row.id), scanning: this.scans.has(row.id) };
  }
}

function toSummary(row: TrackRow): TrackSummary {
  const { sizeBytes: _size, mtimeMs: _mtime, ...summary } = row;
  return summary;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
