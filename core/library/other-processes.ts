import { describeDatabaseError } from '../db/errors.js';
import type { TrackChangesRepo } from '../db/repos/track-changes.js';

export interface OtherProcessesDeps {
  changes: TrackChangesRepo;
  /** Every track id now in the library: announced when the change log no longer reaches back far enough. */
  allTrackIds(): number[];
  /** Announces changed (or removed) tracks through the usual track events. */
  tracksChanged(ids: readonly number[]): void;
  /** Folders, counts and queued work may have changed too: announce them, and start on new jobs. */
  libraryChanged(): void;
  onError(message: string): void;
}

/** How often the database is asked whether another process committed. */
export const OTHER_PROCESSES_POLL_MS = 1000;
/** Logged changes are kept this long, so that a reader that was busy for a while still finds them. */
export const CHANGE_LOG_RETENTION_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Brings another process's work (a CLI scan or genre edit, a second app on the same library) into an
 * open app: polls `PRAGMA data_version`, which moves only with other connections' commits, and then
 * reads which tracks changed from the change log.
 */
export class OtherProcesses {
  private timer: NodeJS.Timeout | null = null;
  private dataVersion: number;
  private seenSeq: number;
  private lastPruneAt = 0;

  constructor(private readonly deps: OtherProcessesDeps) {
    this.seenSeq = deps.changes.latestSeq();
    this.dataVersion = deps.changes.dataVersion();
  }

  start(intervalMs = OTHER_PROCESSES_POLL_MS): void {
    this.timer ??= setInterval(() => {
      try {
        this.check();
      } catch (error) {
        this.deps.onError(`could not look for other processes' changes: ${describeDatabaseError(error)}`);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look: announces what other processes changed since the last. */
  check(): void {
    const { changes } = this.deps;
    // Read before data_version: a commit of another process after this read moves data_version too.
    const latest = changes.latestSeq();
    const version = changes.dataVersion();
    this.pruneNow();
    if (version === this.dataVersion) {
      // Only this process wrote since the last look, and it announced its own changes.
      this.seenSeq = latest;
      return;
    }
    this.dataVersion = version;
    const oldest = changes.oldestSeq();
    const missedSome = oldest !== null && oldest > this.seenSeq + 1 && this.seenSeq < latest;
    const ids = missedSome ? this.deps.allTrackIds() : changes.trackIdsBetween(this.seenSeq, latest);
    this.seenSeq = latest;
    if (ids.length) this.deps.tracksChanged(ids);
    this.deps.libraryChanged();
  }

  private pruneNow(): void {
    const now = Date.now();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    this.deps.changes.prune(now - CHANGE_LOG_RETENTION_MS);
  }
}
