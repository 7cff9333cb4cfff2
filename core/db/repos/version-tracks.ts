import type { Db } from '../open.js';

/** A confirmed track a retrained version learned from (migration 0015). */
export interface VersionTrack {
  trackId: number;
  /** The genre it was confirmed as when the version was trained. */
  confirmed: string;
  /** What the version's artist-grouped validation predicted for it while holding it out; null without validation. */
  heldOutGenre: string | null;
}

/** The training tracks of each retrained version, with their held-out predictions. */
export class VersionTracksRepo {
  private readonly insertStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO model_version_tracks (version_id, track_id, confirmed, held_out_genre) VALUES (?, ?, ?, ?)');
    this.listStmt = db.prepare('SELECT track_id AS trackId, confirmed, held_out_genre AS heldOutGenre FROM model_version_tracks WHERE version_id = ?');
  }

  /** Records a version's training tracks (call inside the transaction that stores the version). */
  insert(versionId: number, tracks: readonly VersionTrack[]): void {
    for (const track of tracks) this.insertStmt.run(versionId, track.trackId, track.confirmed, track.heldOutGenre);
  }

  /** A version's training tracks by track id (empty for a shipped model's own version). */
  of(versionId: number): Map<number, VersionTrack> {
    return new Map((this.listStmt.all(versionId) as VersionTrack[]).map((track) => [track.trackId, track]));
  }
}
