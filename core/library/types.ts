import type { GenreSegment } from '../ml/prediction-types.js';

/**
 * The library's public data shapes and service contract, shared by the CLI, the web server and
 * Electron (through core/index.ts). Plain data only: everything here crosses IPC as structured clone.
 */

/** Where a track is in the analysis pipeline. */
export type TrackStatus = 'pending' | 'analysing' | 'done' | 'error';

/** One row of the library, as listed. */
export interface TrackSummary {
  /** Stable id: survives rescans, renames and moves (recognised by content fingerprint). */
  id: number;
  folderId: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  year: number | null;
  /** The album-artist tag: keeps a various-artists album together. */
  albumArtist: string | null;
  trackNo: number | null;
  discNo: number | null;
  /** Content hash of the track's picture (core/library/art.ts); null when it has none. */
  artHash: string | null;
  /** Genres from the file's tags, in tag order. */
  genres: string[];
  durationSec: number | null;
  /** Bits per second, as the container reports it. */
  bitrate: number | null;
  sampleRate: number | null;
  status: TrackStatus;
  /** Why analysis failed, in words a user can act on; null unless status is 'error'. */
  error: string | null;
  tempoBpm: number | null;
  /** User data (kept across renames and moves). */
  rating: number | null;
  /** The genres the user confirmed (canonical names, in order); empty until they confirm any. Set through core.genres. */
  confirmedGenres: string[];
  /**
   * The classifier's decision, once the track has been classified: its genre, or null when unsure (the
   * top probability, `confidence`, is below the model's threshold); then `candidates` holds the most
   * probable genres, best first (empty when a genre is named).
   */
  predicted: { genre: string | null; confidence: number; candidates: GenreCandidate[] } | null;
  /** The effective genre: the first confirmed genre, else the first tag genre, else the prediction. */
  genre: string | null;
}

export interface GenreCandidate {
  genre: string;
  probability: number;
}

/** The genre classifier's output for a track, as stored (segment times are in track time). */
export interface GenrePrediction {
  modelId: string;
  modelVersion: string;
  /** The retrained version whose head made genre, probabilities and segments; null for the shipped model's own. */
  version: { id: number; name: string } | null;
  /** The named genre, or null when unsure: no probability reaches `unsureThreshold`. */
  genre: string | null;
  /** The top probability. */
  confidence: number;
  /** The most probable genres, best first. */
  candidates: GenreCandidate[];
  unsureThreshold: number;
  probabilities: Record<string, number>;
  /**
   * The genre timeline: which genre the model hears in each analysed ~3-s stretch (null: unsure), in
   * track time. Only analysed audio has segments: the stretches between analysed windows are gaps.
   */
  segments: GenreSegment[];
}

/**
 * A small mel spectrogram for display: `bands` mel bands (low to high) × `frames` frames, stored
 * time-major as uint8, 0 = dbMin and 255 = dbMax (dB relative to full scale).
 */
export interface MelPreview {
  bands: number;
  frames: number;
  secondsPerFrame: number;
  dbMin: number;
  dbMax: number;
  data: Uint8Array;
}

/** A short music-information summary of the analysed excerpt. */
export interface MirSummary {
  tempoBpm: number;
  /** Spectral centroid mean, Hz. */
  brightnessHz: number;
  /** RMS energy mean (full scale = 1). */
  energyRms: number;
}

/** One track with everything a detail view needs. */
export interface TrackDetail extends TrackSummary {
  sizeBytes: number;
  mtimeMs: number;
  analysisVersion: number | null;
  analysedAt: number | null;
  melPreview: MelPreview | null;
  mir: MirSummary | null;
  prediction: GenrePrediction | null;
}

export interface FolderInfo {
  id: number;
  path: string;
  addedAt: number;
  lastScanAt: number | null;
  trackCount: number;
  /** Whether live changes are being watched (createCore({ watch: true })). */
  watching: boolean;
  /** Whether a scan (directory walk) is running now. */
  scanning: boolean;
  /** Why the folder could not be scanned or watched (e.g. it no longer exists). */
  error: string | null;
}

/** What one scan of a folder found. */
export interface ScanSummary {
  folderId: number;
  /** Audio files seen. */
  files: number;
  added: number;
  changed: number;
  /** Renamed or moved files that kept their track id. */
  moved: number;
  removed: number;
  unchanged: number;
  /** Analysis jobs queued by this scan. */
  queued: number;
  durationMs: number;
  /** Folders not scanned (unreadable, or a link leading out of the library), each with why. */
  skippedFolders: Array<{ path: string; reason: string }>;
}

/** Analysis progress of the current run (counts reset when the queue drains and new work arrives). */
export interface AnalysisProgress {
  done: number;
  failed: number;
  /** done + failed + still to do. */
  total: number;
  /** Tracks per second over the last half minute. */
  ratePerSec: number;
  /** Seconds until the queue drains at the current rate; null when unknown. */
  etaSec: number | null;
  paused: boolean;
  /** Tracks being analysed right now. */
  active: number;
}

export interface UserDataPatch {
  /** 0–5, or null to clear. */
  rating?: number | null;
}

export interface LibraryService {
  /** Registers a music folder (or finds it, if already registered) and starts scanning it. */
  addFolder(path: string): Promise<FolderInfo>;
  /** Forgets a folder and its tracks; files on disk are untouched. */
  removeFolder(id: number): Promise<void>;
  listFolders(): FolderInfo[];
  /** Scans a folder now and resolves with what changed; joins the scan already running, if any. */
  scanFolder(id: number): Promise<ScanSummary>;
  listTracks(): TrackSummary[];
  getTrack(id: number): TrackDetail | null;
  setUserData(id: number, patch: UserDataPatch): TrackSummary | null;
  /** Stops starting new analyses; those running finish. */
  pause(): void;
  resume(): void;
  /** Drops every queued analysis; affected tracks stay 'pending' until the next scan queues them. */
  cancel(): void;
  progress(): AnalysisProgress;
  /** Resolves when no scan is running and the analysis queue is empty (or paused with nothing active). */
  whenIdle(): Promise<void>;
}

/** One track's change: its row as it is now, or null when it was removed. */
export interface TrackUpdate {
  id: number;
  track: TrackSummary | null;
}

/** Events of the core, with their payloads. */
export interface CoreEventMap {
  progress: AnalysisProgress;
  /** A track was added, changed, analysed or failed; `track` is null when it was removed. */
  'track-updated': TrackUpdate;
  /**
   * Several tracks changed at once (a scan, a removed folder, a bulk genre edit, its undo, a rename or
   * merge, a prediction refresh), or within a moment of each other (analysis results, gathered by
   * Library.notifyTrackChangedSoon): one event for all of them, since one event per track costs seconds
   * at 100k tracks.
   * Subscribers that follow every track change use onTrackUpdates (core/events.ts), which sees both forms.
   */
  'tracks-updated': { updates: TrackUpdate[] };
  /** A folder was added, scanned, started/stopped watching; `folder` is null when it was removed. */
  'folder-updated': { id: number; folder: FolderInfo | null };
}

export type CoreEventName = keyof CoreEventMap;

/** Subscribe to core events; each `on` returns its own unsubscribe function. */
export interface CoreEvents {
  on<E extends CoreEventName>(event: E, listener: (payload: CoreEventMap[E]) => void): () => void;
}
