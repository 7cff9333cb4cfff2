/**
 * Timbre's one API contract: every method and event the app (Electron IPC or web-mode HTTP) can use.
 *
 * This file is self-contained on purpose: the renderer, the preload bridge and the server all import
 * it, so it must not pull in Node-only code. Genre fixing (contract-genres.ts) and playlists
 * (contract-playlists.ts) live in files of their own, equally self-contained, and are merged here. Arguments are validated at the boundary by schemas.ts
 * (which is checked against `ApiMethods` at compile time); results are built by dispatch.ts.
 */

import type { AnalysisProgress, MelPreview as StoredMelPreview } from '../library/types.js';
import type { GenreSegment, TimelineSpan } from '../ml/prediction-types.js';
import type { InstalledModel } from '../ml/pretrained/types.js';
import type { GenreCandidate } from '../ml/unsure.js';
import { ALBUM_API_METHOD_NAMES, type AlbumApiMethods } from './contract-albums.js';
import { GENRE_API_EVENT_NAMES, GENRE_API_METHOD_NAMES, type GenreApiEvents, type GenreApiMethods } from './contract-genres.js';
import {
  PLAYLIST_API_EVENT_NAMES,
  PLAYLIST_API_METHOD_NAMES,
  type PlaylistApiEvents,
  type PlaylistApiMethods,
} from './contract-playlists.js';

export type * from './contract-albums.js';
export type * from './contract-genres.js';
export type * from './contract-playlists.js';

// Shapes core defines as plain data (no Node-only code) are served as they are, never copied here.
export type { GenreSegment, TimelineSpan } from '../ml/prediction-types.js';
export type { GenreCandidate } from '../ml/unsure.js';
/** Analysis progress of the library's queue. */
export type ScanProgress = AnalysisProgress;
/** A pretrained backbone found on disk (`timbre models`): the active one tags and embeds every scanned track. */
export type PretrainedModelView = InstalledModel;

export type TrackStatus = 'pending' | 'analysing' | 'done' | 'error';

export interface AppInfo {
  version: string;
  /** 'electron' offers a native folder dialog and the timbre-media: protocol; 'web' uses HTTP. */
  mode: 'electron' | 'web';
  nativeFolderDialog: boolean;
}

export type WatchStatus = 'watching' | 'scanning' | 'idle' | 'error';

export interface FolderView {
  id: number;
  path: string;
  watchStatus: WatchStatus;
  /** Why watching failed (missing folder, permission…), when watchStatus is 'error'. */
  error: string | null;
  trackCount: number;
  lastScanAt: number | null;
}

/** One row of the library table: only what the table shows or filters on. */
export interface TrackRow {
  id: number;
  fileName: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  durationSec: number | null;
  tempoBpm: number | null;
  /** Genres from the file's tags. */
  genres: string[];
  /** Genres the user confirmed (canonical names, in order); empty until then. */
  confirmedGenres: string[];
  /** The effective genre: the first confirmed genre, else the first tag genre, else the prediction. */
  genre: string | null;
  /** The classifier's genre; null before it ran, and when it is unsure (see unsureCandidates). */
  predictedGenre: string | null;
  /** The classifier's top probability, named genre or not; null before it ran. */
  confidence: number | null;
  /**
   * When the classifier is unsure (no genre reached its threshold): its most probable genres, best
   * first, shown as candidates and never as the track's genre. Null otherwise.
   */
  unsureCandidates: GenreCandidate[] | null;
  /** Whether the user confirmed the track's genre: confirmedGenres is not empty. */
  genreConfirmed: boolean;
  /**
   * What the library's genre column shows and sorts by: the confirmed genres, else the tag genres, each
   * by its vocabulary name and once ("electronica" and "Electronic" are one Electronic).
   */
  shownGenres: ShownGenre[];
  status: TrackStatus;
  error: string | null;
  /** The track's folder inside its library folder ('' at its top), with '/' between folders; search matches it. */
  folder: string;
  year: number | null;
  albumArtist: string | null;
  trackNo: number | null;
  discNo: number | null;
  /** The track's album (contract-albums.ts); null when it has no album name, from its tags or its path. */
  albumKey: string | null;
  /** Content hash of the track's album art; null when it has none (the app draws a placeholder). */
  artHash: string | null;
  /** Which of title, artist and album were read from the file's path, its tags lacking them. */
  inferred: InferredTag[];
}

export type InferredTag = 'title' | 'artist' | 'album';

/** A genre as the library table shows it. */
export interface ShownGenre {
  /** The name the Genres page, the genre filter and the map give it (the vocabulary after renames and merges). */
  name: string;
  /** The file's tag spellings it stands for, as written; empty when the user confirmed the genre. */
  tags: string[];
}

export const SORT_KEYS = [
  'title',
  'artist',
  'album',
  'durationSec',
  'tempoBpm',
  'genre',
  'predictedGenre',
  'confidence',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';

export interface TrackQuery {
  /** Case-insensitive words, each matched against title, artist, album, file name and folder names. */
  search?: string;
  sort?: { key: SortKey; direction: SortDirection };
  /**
   * A genre of the track (its confirmed genres, else its tag genres), in any spelling: it matches every
   * spelling that goes by the same vocabulary name ("Electronic" finds "electronic" and "Electronica").
   */
  genre?: string;
  predictedGenre?: string;
  /** Inclusive [min, max] on the prediction's confidence, 0..1; tracks without a prediction are excluded. */
  confidence?: [number, number];
  /** Only tracks whose genre the user has not confirmed. */
  unconfirmed?: boolean;
  status?: TrackStatus;
  /** Only tracks with a problem: analysis failed, or it stands but the file is damaged (e.g. truncated). */
  problems?: boolean;
  offset: number;
  limit: number;
}

export interface TrackPage {
  /** Rows matching the query, in total (not only this page). */
  total: number;
  /** Size of the whole library, for "12 of 3,400" and empty states. */
  libraryTotal: number;
  offset: number;
  rows: TrackRow[];
}

export interface TrackFacets {
  /** The genre filter's options: each genre once, by its vocabulary name (as the Genres page shows it). */
  genres: string[];
  predictedGenres: string[];
  errorCount: number;
}

/** The stored mel preview as it travels: its bytes as base64 instead of a Uint8Array. */
export interface MelPreview extends Omit<StoredMelPreview, 'data'> {
  /** Base64 of frames × bands bytes. */
  bytesBase64: string;
}

export interface GenrePrediction {
  /** The named genre, or null when unsure: no probability reaches unsureThreshold. */
  genre: string | null;
  /** The top probability. */
  confidence: number;
  /** The most probable genres, best first. */
  candidates: GenreCandidate[];
  unsureThreshold: number;
  probabilities: Record<string, number>;
  /** Segments only where audio was analysed; `timeline` names the gaps between them. */
  segments: GenreSegment[];
  /** The track's whole length as analysed stretches and gaps, in order. */
  timeline: TimelineSpan[];
  modelId: string | null;
  /** The model version the genre and the timeline come from: the shipped model, or a version retrained from fixes. */
  versionName: string;
  /** Whether that version is a head retrained from the user's fixes. */
  retrained: boolean;
}

export interface MirSummary {
  tempoBpm: number | null;
  /** Mean spectral centroid, Hz. */
  brightnessHz: number | null;
  /** Mean RMS energy, 0..1 of full scale. */
  energy: number | null;
}

export interface TrackDetail extends TrackRow {
  path: string;
  year: number | null;
  bitrate: number | null;
  sampleRate: number | null;
  mel: MelPreview | null;
  mir: MirSummary;
  prediction: GenrePrediction | null;
}

/** Every API method: one optional argument object in, one JSON-serialisable result out. */
export interface ApiMethods extends GenreApiMethods, PlaylistApiMethods, AlbumApiMethods {
  appInfo(): AppInfo;
  /** Opens the native folder dialog (Electron); null when cancelled or in web mode. */
  chooseFolder(): { path: string | null };
  listFolders(): FolderView[];
  addFolder(args: { path: string }): FolderView;
  removeFolder(args: { id: number }): { removed: boolean };
  scanProgress(): ScanProgress;
  pauseScan(): ScanProgress;
  resumeScan(): ScanProgress;
  queryTracks(args: TrackQuery): TrackPage;
  trackFacets(): TrackFacets;
  getTrack(args: { id: number }): TrackDetail;
  listPretrainedModels(): PretrainedModelView[];
  /** The table rows of these tracks, in the order asked (the player's queue); ids not in the library are left out. */
  trackRows(args: { ids: number[] }): TrackRow[];
}

export type ApiMethodName = keyof ApiMethods;
export type ApiArgs<M extends ApiMethodName> = Parameters<ApiMethods[M]>;
export type ApiResult<M extends ApiMethodName> = ReturnType<ApiMethods[M]>;

/** Events pushed to the app. Track changes are batched: refetch what is visible. */
export interface ApiEvents extends GenreApiEvents, PlaylistApiEvents {
  progress: ScanProgress;
  'tracks-changed': { ids: number[] };
  'folders-changed': Record<string, never>;
}
export type ApiEventName = keyof ApiEvents;

export const API_METHOD_NAMES = [
  'appInfo',
  'chooseFolder',
  'listFolders',
  'addFolder',
  'removeFolder',
  'scanProgress',
  'pauseScan',
  'resumeScan',
  'queryTracks',
  'trackFacets',
  'getTrack',
  'listPretrainedModels',
  'trackRows',
  ...GENRE_API_METHOD_NAMES,
  ...PLAYLIST_API_METHOD_NAMES,
  ...ALBUM_API_METHOD_NAMES,
] as const satisfies readonly ApiMethodName[];

/** Fails to compile when a method is missing from API_METHOD_NAMES. */
export type AssertAllMethodsListed = Exclude<ApiMethodName, (typeof API_METHOD_NAMES)[number]> extends never ? true : never;
export const allMethodsListed: AssertAllMethodsListed = true;

export const API_EVENT_NAMES = [
  'progress',
  'tracks-changed',
  'folders-changed',
  ...GENRE_API_EVENT_NAMES,
  ...PLAYLIST_API_EVENT_NAMES,
] as const satisfies readonly ApiEventName[];

/**
 * 'too-large': a web-mode request body over the server's limit (HTTP 413), never seen over IPC.
 * 'library-unavailable': the library database was deleted, replaced or made read-only under the app (HTTP 503).
 */
export type ApiErrorCode = 'invalid-arguments' | 'unknown-method' | 'not-found' | 'too-large' | 'library-unavailable' | 'failed';

/** What every transport carries back for a call. */
export type ApiResponse<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; error: { code: ApiErrorCode; message: string } };

/** The largest page a client may ask for; the table asks for far less. */
export const MAX_PAGE_SIZE = 2000;

/** Fails to compile when an event is missing from API_EVENT_NAMES. */
export type AssertAllEventsListed = Exclude<ApiEventName, (typeof API_EVENT_NAMES)[number]> extends never ? true : never;
export const allEventsListed: AssertAllEventsListed = true;
