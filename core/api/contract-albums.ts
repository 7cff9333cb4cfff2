/**
 * The browsing part of the API contract: albums and artists, grouped from the library's tracks.
 * Self-contained like contract.ts (it takes only the TrackRow type from it).
 *
 * An album is the tracks sharing an album name and an album artist (its tag), or, without that tag,
 * an album name and a folder (a disc folder such as CD1 counts as its album's folder): a
 * various-artists album ripped into one folder stays one album, and two albums that happen to share
 * a name do not merge.
 */

import type { TrackRow } from './contract.js';

export const ALBUM_SORTS = ['title', 'artist', 'year', 'trackCount'] as const;
export type AlbumSort = (typeof ALBUM_SORTS)[number];

/** What an album artist reads as when an album's tracks have several artists and no album-artist tag. */
export const VARIOUS_ARTISTS = 'Various Artists';

export interface AlbumSummary {
  /** Stable while the album's name, album artist or folder stay the same. */
  key: string;
  title: string;
  /** The album-artist tag, else the one artist of every track, else VARIOUS_ARTISTS; null when no track names one. */
  artist: string | null;
  /** The latest year its tracks carry; null when none does. */
  year: number | null;
  trackCount: number;
  durationSec: number;
  /** A track whose art stands for the album (the first in disc/track order that has art), and that art's hash. */
  art: { trackId: number; hash: string } | null;
  /** The genre most of its tracks have (as the table names it), and that genre's family (core/genres/tree.ts). */
  genre: string | null;
  genreFamily: string | null;
  /** The title was read from the folder name, not a tag. */
  titleInferred: boolean;
}

export interface ArtistSummary {
  name: string;
  /** Albums credited to the artist. */
  albumCount: number;
  /** Tracks by the artist, on any album (compilations too). */
  trackCount: number;
  art: { trackId: number; hash: string } | null;
  genreFamily: string | null;
}

/** A genre family with how many albums (or artists) of the listing have it. */
export interface GenreFamilyCount {
  id: string;
  name: string;
  count: number;
}

export interface AlbumQuery {
  sort?: AlbumSort;
  direction?: 'asc' | 'desc';
  /** A genre family id (core/genres/tree.ts). */
  genreFamily?: string;
  /** Words matched against the album's title and artist. */
  search?: string;
}

export interface AlbumListing {
  albums: AlbumSummary[];
  /** Albums in the library, before the filter. */
  libraryTotal: number;
  /** The families the library's albums have, for the filter. */
  families: GenreFamilyCount[];
}

export interface ArtistQuery {
  genreFamily?: string;
  search?: string;
}

export interface ArtistListing {
  artists: ArtistSummary[];
  libraryTotal: number;
  families: GenreFamilyCount[];
}

/** One album's tracks, in disc then track order (then file name), as table rows. */
export interface AlbumPage {
  album: AlbumSummary;
  tracks: TrackRow[];
}

export interface ArtistPage {
  artist: ArtistSummary;
  /** Albums credited to the artist, newest first. */
  albums: AlbumSummary[];
  /** Other albums with tracks by the artist (compilations, guest spots). */
  appearsOn: AlbumSummary[];
  /** Every track by the artist or on their albums, album by album in disc/track order: what "play" plays. */
  trackIds: number[];
}

export interface AlbumApiMethods {
  listAlbums(args: AlbumQuery): AlbumListing;
  getAlbum(args: { key: string }): AlbumPage;
  listArtists(args: ArtistQuery): ArtistListing;
  getArtist(args: { name: string }): ArtistPage;
}

export const ALBUM_API_METHOD_NAMES = ['listAlbums', 'getAlbum', 'listArtists', 'getArtist'] as const satisfies readonly (keyof AlbumApiMethods)[];
