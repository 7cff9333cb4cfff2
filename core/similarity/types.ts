/**
 * The app-facing shapes of similarity, playlists and the library map (SimilarityService). Plain
 * data only: everything here crosses IPC and HTTP as JSON.
 */
import type { Reason } from './reasons.js';

export type { Reason, ReasonCode } from './reasons.js';

/** How an M3U8 names its tracks: relative to the playlist file's folder, or by absolute path. */
export type PathStyle = 'relative' | 'absolute';

/** A library track that sounds like the seed. */
export interface SimilarTrackResult {
  trackId: number;
  /** Cosine similarity of the two tracks' vectors, in [-1, 1]. */
  score: number;
  reasons: Reason[];
}

/** What to generate a "sounds like this" playlist from; stored with a saved playlist to regenerate it. */
export interface GeneratePlaylistRequest {
  /** Seed track ids; the playlist starts at the first and always contains them. */
  seeds: number[];
  /** Number of tracks, seeds included (default 20 unless durationSec is given). */
  count?: number;
  /** Total length in seconds, seeds included. */
  durationSec?: number;
  maxPerArtist?: number;
  maxPerAlbum?: number;
  /** Only tracks with at least one of these genres (case-insensitive). */
  includeGenres?: string[];
  /** No track with any of these genres. */
  excludeGenres?: string[];
  /** "More like this": tracks that pull the playlist towards them. */
  moreLike?: number[];
  /** "Less like this": tracks that push it away; they are never picked. */
  lessLike?: number[];
  /** Tracks never picked (those the user removed). */
  exclude?: number[];
}

export interface GeneratedPlaylistEntry {
  trackId: number;
  /** Cosine with the (steered) seed query. */
  score: number;
  isSeed: boolean;
  /** Why it is here: reasons against the seed it sounds most like (empty for a seed). */
  reasons: Reason[];
  /** The step from the previous track; null for the first. */
  transition: {
    /** Cosine of the two tracks' vectors. */
    similarity: number;
    /** This track's tempo over the previous one's (1 = same); null when either tempo is unknown. */
    tempoRatio: number | null;
  } | null;
}

export interface GeneratedPlaylist {
  /** The request as applied (ids of tracks no longer in the library dropped). */
  request: GeneratePlaylistRequest;
  /** Track ids in play order (the same order as entries). */
  trackIds: number[];
  entries: GeneratedPlaylistEntry[];
  totalDurationSec: number;
  /** Sum of the transition costs along the order (lower = smoother). */
  transitionCost: number;
}

export interface SavedPlaylistSummary {
  id: number;
  name: string;
  trackCount: number;
  /** Sum of the known track durations. */
  durationSec: number;
  /** Whether it was generated (and can be regenerated) rather than imported or made by hand. */
  generated: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SavedPlaylist extends SavedPlaylistSummary {
  trackIds: number[];
  /** The generate request it came from (with the user's removals as `exclude`), or null. */
  request: GeneratePlaylistRequest | null;
}

export interface NewPlaylist {
  name: string;
  trackIds: number[];
  request?: GeneratePlaylistRequest | null;
}

/**
 * Absent keys are kept. Removing tracks from a generated playlist adds them to its request's
 * `exclude`, unless the patch gives the request as well (then it is stored as given).
 */
export interface PlaylistUpdate {
  name?: string;
  /** The new order and content (reorder, remove). */
  trackIds?: number[];
  request?: GeneratePlaylistRequest | null;
}

export interface M3u8Options {
  style: PathStyle;
  /**
   * Where the playlist file will be; relative paths start from its folder. Without it (e.g. a
   * download), relative paths start from the tracks' deepest common folder.
   */
  path?: string;
}

export interface ImportedPlaylist {
  playlist: SavedPlaylist;
  /** Entries of the file that are not library tracks, as written (resolved to absolute paths). */
  missing: string[];
}

export interface LibraryMapPoint {
  trackId: number;
  /** Layout coordinates scaled into [0, 1] (aspect ratio kept). */
  x: number;
  y: number;
  /** The track's effective genre now (genre edits recolour without a new layout). */
  genre: string | null;
}

export interface LibraryMap {
  points: LibraryMapPoint[];
  /** When the layout was computed (ms since the epoch). */
  computedAt: number;
  /** True when the library changed since: a new layout is being computed. */
  stale: boolean;
}

export interface LibraryMapStatus {
  state: 'none' | 'computing' | 'ready' | 'failed';
  /** Layout progress in [0, 1] while computing; null otherwise. */
  progress: number | null;
  /** When the layout on hand was computed; null if there is none. */
  computedAt: number | null;
  stale: boolean;
  /** Why the last computation failed; null otherwise. */
  error: string | null;
}
