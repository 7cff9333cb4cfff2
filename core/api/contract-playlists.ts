/**
 * The similarity part of the API contract: "sounds like this", playlists (generate, keep,
 * edit, export, import) and the library map. Like contract.ts it pulls in no Node-only code: the shapes
 * core/similarity defines as plain data are imported from there, never copied.
 */

import type { GeneratePlaylistRequest, LibraryMap as LayoutMap, LibraryMapStatus, PathStyle } from '../similarity/types.js';

/** Why a track sounds like another: a stable code and a short text for a chip. */
export interface SimilarityReason {
  code: string;
  text: string;
}

/** A track as playlists and the map show it: what a row needs, without another call. */
export interface PlaylistTrackInfo {
  id: number;
  title: string | null;
  artist: string | null;
  album: string | null;
  fileName: string;
  durationSec: number | null;
  tempoBpm: number | null;
  /** The effective genre (confirmed, else tagged, else predicted), by its vocabulary name. */
  genre: string | null;
}

/** One neighbour of "sounds like this". */
export interface SimilarTrackInfo extends PlaylistTrackInfo {
  /** Cosine similarity to the seed, -1..1. */
  score: number;
  reasons: SimilarityReason[];
}

/** What a playlist is made from; kept with a saved playlist so it can be regenerated. */
export type PlaylistRequest = GeneratePlaylistRequest;

/** A track of a playlist, in play order, with why it is there. */
export interface PlaylistEntry extends PlaylistTrackInfo {
  /** Similarity to what the playlist was asked for; null for tracks added by hand or imported. */
  score: number | null;
  /** Why it sounds like the first seed; empty for the seeds themselves. */
  reasons: SimilarityReason[];
}

/** A playlist as the app edits it, saved or not. */
export interface PlaylistView {
  /** null until saved. */
  id: number | null;
  name: string;
  /** What it was generated from; null for an imported playlist. */
  request: PlaylistRequest | null;
  entries: PlaylistEntry[];
  /** Sum of the known track lengths. */
  durationSec: number;
  createdAt: number | null;
  updatedAt: number | null;
}

/** A saved playlist in the Playlists list. */
export interface PlaylistSummary {
  id: number;
  name: string;
  trackCount: number;
  durationSec: number;
  createdAt: number;
  updatedAt: number;
}

/** How M3U8 entries name their files: relative to the playlist file's folder, or absolute. */
export type PlaylistPathStyle = PathStyle;

export interface PlaylistImportResult {
  playlist: PlaylistView;
  /** Entries of the file that are not in the library, as written in it. */
  missing: string[];
}

/**
 * One track on the library map: its similarity vector laid out in 2D, and what the tooltip names (a map
 * holds the whole library, so a point carries no more than that).
 */
export interface LibraryMapPoint extends Pick<PlaylistTrackInfo, 'id' | 'title' | 'artist' | 'fileName' | 'genre'> {
  /** The album name and art hash the hover card shows (art: contract.ts TrackRow.artHash). */
  album: string | null;
  artHash: string | null;
  /** Layout coordinates in [0, 1] (aspect ratio kept), to 5 decimals. */
  x: number;
  y: number;
}

/** The library map as the app draws it: the layout's points with what the hover card names. */
export interface LibraryMap extends Omit<LayoutMap, 'points'> {
  points: LibraryMapPoint[];
}

export type { LibraryMapStatus } from '../similarity/types.js';

export interface PlaylistApiMethods {
  /** The tracks that sound most like a track, without itself. */
  similarTracks(args: { id: number; count?: number }): SimilarTrackInfo[];
  /** A new, unsaved playlist for a request (ordered as a smooth path). */
  generatePlaylist(args: PlaylistRequest): PlaylistView;
  listPlaylists(): PlaylistSummary[];
  getPlaylist(args: { id: number }): PlaylistView;
  savePlaylist(args: { name: string; trackIds: number[]; request: PlaylistRequest | null }): PlaylistView;
  /**
   * Renames, reorders or removes tracks (trackIds is the new order; tracks left out stay out when it
   * is regenerated), or keeps a regenerated playlist: with `request`, that request is stored as given.
   */
  updatePlaylist(args: { id: number; name?: string; trackIds?: number[]; request?: PlaylistRequest }): PlaylistView;
  deletePlaylist(args: { id: number }): { deleted: boolean };
  /** The M3U8 text of tracks in order; relative paths are relative to `location` (the file to be). */
  playlistM3u8(args: { trackIds: number[]; style: PlaylistPathStyle; location: string }): { text: string };
  /**
   * Writes the tracks as an M3U8 file where the user chooses in the app's save dialog, opened at `path`
   * (absolute, ending in .m3u8 or .m3u); `path: null` when the dialog was cancelled. Refused in web mode,
   * which downloads playlistM3u8's text instead.
   */
  exportPlaylist(args: { trackIds: number[]; style: PlaylistPathStyle; path: string }): { path: string | null; trackCount: number };
  /**
   * Reads an M3U8 into a saved playlist: from a file path (absolute, .m3u8 or .m3u), or from the text of an uploaded file
   * (whose folder is unknown: its relative entries are matched by the end of the tracks' paths).
   */
  importPlaylist(args: { path: string } | { name: string; text: string }): PlaylistImportResult;
  /** The library laid out in 2D; waits for the layout when there is none yet. */
  libraryMap(): LibraryMap;
  /** Whether a layout is being computed, and how far along, without waiting for it. */
  libraryMapStatus(): LibraryMapStatus;
}

export const PLAYLIST_API_METHOD_NAMES = [
  'similarTracks',
  'generatePlaylist',
  'listPlaylists',
  'getPlaylist',
  'savePlaylist',
  'updatePlaylist',
  'deletePlaylist',
  'playlistM3u8',
  'exportPlaylist',
  'importPlaylist',
  'libraryMap',
  'libraryMapStatus',
] as const satisfies readonly (keyof PlaylistApiMethods)[];

export interface PlaylistApiEvents {
  /** Saved playlists were added, changed or deleted. */
  'playlists-changed': { ids: number[] };
}

export const PLAYLIST_API_EVENT_NAMES = ['playlists-changed'] as const satisfies readonly (keyof PlaylistApiEvents)[];
