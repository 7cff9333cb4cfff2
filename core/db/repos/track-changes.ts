import type { Db } from '../open.js';

/**
 * The track change log (migration 0008): triggers add a row per changed track; `PRAGMA data_version`
 * says whether another connection committed since the last look.
 */
export class TrackChangesRepo {
  private readonly latestStmt;
  private readonly oldestStmt;
  private readonly sinceStmt;
  private readonly pruneStmt;

  constructor(private readonly db: Db) {
    this.latestStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM track_changes').pluck();
    this.oldestStmt = db.prepare('SELECT MIN(seq) FROM track_changes').pluck();
    this.sinceStmt = db.prepare('SELECT DISTINCT track_id FROM track_changes WHERE seq > ? AND seq <= ?').pluck();
    this.pruneStmt = db.prepare('DELETE FROM track_changes WHERE at < ?');
  }

  /** Changes with each commit of another connection to the database; not with this connection's own. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  latestSeq(): number {
    return this.latestStmt.get() as number;
  }

  /** The oldest logged change still kept; null when the log is empty. */
  oldestSeq(): number | null {
    return (this.oldestStmt.get() as number | null) ?? null;
  }

  /** The ids of tracks changed after `after` up to `upTo` (both change sequence numbers). */
  trackIdsBetween(after: number, upTo: number): number[] {
    return this.sinceStmt.all(after, upTo) as number[];
  }

  /** Forgets changes logged before `before` (ms); returns how many. */
  prune(before: number): number {
    return this.db.transaction(() => this.pruneStmt.run(before).changes)();
  }
}
