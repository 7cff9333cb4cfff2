import type { Db } from '../open.js';
import type {
  GeneratePlaylistRequest,
  NewPlaylist,
  PlaylistUpdate,
  SavedPlaylist,
  SavedPlaylistSummary,
} from '../../similarity/types.js';

interface RawSummary {
  id: number;
  name: string;
  request: string | null;
  trackCount: number;
  durationSec: number;
  createdAt: number;
  updatedAt: number;
}

/** Saved playlists (migration 0007): a name, the ordered track ids and the request they came from. */
export class PlaylistsRepo {
  private readonly insertStmt;
  private readonly summariesStmt;
  private readonly summaryStmt;
  private readonly trackIdsStmt;
  private readonly clearTracksStmt;
  private readonly insertTrackStmt;
  private readonly renameStmt;
  private readonly requestStmt;
  private readonly touchStmt;
  private readonly deleteStmt;
  private readonly knownTracksStmt;

  constructor(private readonly db: Db) {
    const summaryColumns = `
      p.id, p.name, p.request, p.created_at AS createdAt, p.updated_at AS updatedAt,
      (SELECT count(*) FROM playlist_tracks pt WHERE pt.playlist_id = p.id) AS trackCount,
      (SELECT coalesce(sum(t.duration_sec), 0) FROM playlist_tracks pt JOIN tracks t ON t.id = pt.track_id
        WHERE pt.playlist_id = p.id) AS durationSec`;
    this.insertStmt = db.prepare('INSERT INTO playlists (name, request, created_at, updated_at) VALUES (?, ?, ?, ?)');
    this.summariesStmt = db.prepare(`SELECT ${summaryColumns} FROM playlists p ORDER BY p.updated_at DESC, p.id DESC`);
    this.summaryStmt = db.prepare(`SELECT ${summaryColumns} FROM playlists p WHERE p.id = ?`);
    this.trackIdsStmt = db.prepare('SELECT track_id FROM playlist_tracks WHERE playlist_id = ? ORDER BY position').pluck();
    this.clearTracksStmt = db.prepare('DELETE FROM playlist_tracks WHERE playlist_id = ?');
    this.insertTrackStmt = db.prepare('INSERT INTO playlist_tracks (playlist_id, position, track_id) VALUES (?, ?, ?)');
    this.renameStmt = db.prepare('UPDATE playlists SET name = ? WHERE id = ?');
    this.requestStmt = db.prepare('UPDATE playlists SET request = ? WHERE id = ?');
    this.touchStmt = db.prepare('UPDATE playlists SET updated_at = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM playlists WHERE id = ?');
    this.knownTracksStmt = db.prepare('SELECT id FROM tracks WHERE id IN (SELECT value FROM json_each(?))').pluck();
  }

  create(playlist: NewPlaylist, now = Date.now()): SavedPlaylist {
    return this.db.transaction(() => {
      const name = checkedName(playlist.name);
      this.checkTracks(playlist.trackIds);
      const request = playlist.request ? JSON.stringify(playlist.request) : null;
      const id = Number(this.insertStmt.run(name, request, now, now).lastInsertRowid);
      this.writeTracks(id, playlist.trackIds);
      return this.get(id)!;
    })();
  }

  list(): SavedPlaylistSummary[] {
    return (this.summariesStmt.all() as RawSummary[]).map((raw) => toSummary(raw));
  }

  get(id: number): SavedPlaylist | null {
    const raw = this.summaryStmt.get(id) as RawSummary | undefined;
    if (!raw) return null;
    return {
      ...toSummary(raw),
      trackIds: this.trackIdsStmt.all(id) as number[],
      request: raw.request === null ? null : (JSON.parse(raw.request) as GeneratePlaylistRequest),
    };
  }

  /**
   * Renames, reorders or removes tracks, or replaces the request. Tracks removed from a generated
   * playlist join its request's `exclude`, so regenerating does not bring them back; a patch that
   * gives the request too (a regenerated playlist) is stored as given.
   */
  update(id: number, patch: PlaylistUpdate, now = Date.now()): SavedPlaylist {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) throw new Error(`no playlist ${id}`);
      if (patch.name !== undefined) this.renameStmt.run(checkedName(patch.name), id);
      let request = patch.request === undefined ? current.request : patch.request;
      if (patch.trackIds !== undefined) {
        this.checkTracks(patch.trackIds);
        const kept = new Set(patch.trackIds);
        const removed = current.trackIds.filter((trackId) => !kept.has(trackId));
        if (request && removed.length > 0 && patch.request === undefined) request = excluding(request, removed);
        this.clearTracksStmt.run(id);
        this.writeTracks(id, patch.trackIds);
      }
      if (request !== current.request) this.requestStmt.run(request ? JSON.stringify(request) : null, id);
      this.touchStmt.run(now, id);
      return this.get(id)!;
    })();
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  private writeTracks(id: number, trackIds: readonly number[]): void {
    trackIds.forEach((trackId, position) => this.insertTrackStmt.run(id, position, trackId));
  }

  /** A playlist holds library tracks, each once: a clear error beats a foreign-key failure. */
  private checkTracks(trackIds: readonly number[]): void {
    if (new Set(trackIds).size !== trackIds.length) throw new Error('a playlist lists each track once');
    const known = new Set(this.knownTracksStmt.all(JSON.stringify(trackIds)) as number[]);
    const unknown = trackIds.filter((trackId) => !known.has(trackId));
    if (unknown.length > 0) throw new Error(`no track ${unknown.join(', ')} in the library`);
  }
}

function toSummary(raw: RawSummary): SavedPlaylistSummary {
  return {
    id: raw.id,
    name: raw.name,
    trackCount: raw.trackCount,
    durationSec: raw.durationSec,
    generated: raw.request !== null,
    createdAt: raw.createdAt,
    updatedAt: raw.updatedAt,
  };
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a playlist needs a name');
  return trimmed;
}

/** The request with `trackIds` added to its exclusions (a removed seed stops being a seed). */
function excluding(request: GeneratePlaylistRequest, trackIds: readonly number[]): GeneratePlaylistRequest {
  const removed = new Set(trackIds);
  const seeds = request.seeds.filter((seed) => !removed.has(seed));
  // The last seed stays a seed: a request needs one, and the user can still edit the request.
  const next = { ...request, seeds: seeds.length > 0 ? seeds : request.seeds };
  const excluded = trackIds.filter((trackId) => next.seeds.includes(trackId) === false);
  return { ...next, exclude: [...new Set([...(request.exclude ?? []), ...excluded])] };
}
