import path from 'node:path';
import { realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Db } from '../db/open.js';
import { PlaylistsRepo } from '../db/repos/playlists.js';
import { TracksRepo } from '../db/repos/tracks.js';
import type { Seed, SimilarityTrack } from './library.js';
import { loadSimilarityTracks } from './library-db.js';
import { LibraryMapCache } from './library-map.js';
import { formatM3u8, isUrl, parseM3u8, parseM3u8Locations, resolveLocation, type PlaylistEntry } from './m3u.js';
import type { MapLayoutOptions } from './map-layout.js';
import type { PlaylistOptions } from './playlist.js';
import { SimilarityWorker } from './search-worker.js';
import type {
  GeneratedPlaylist,
  GeneratePlaylistRequest,
  ImportedPlaylist,
  LibraryMap,
  LibraryMapStatus,
  M3u8Options,
  NewPlaylist,
  PlaylistUpdate,
  SavedPlaylist,
  SavedPlaylistSummary,
  SimilarTrackResult,
} from './types.js';

export interface SimilarityServiceOptions {
  /** The library database: tracks, saved playlists, the cached map. */
  db: Db;
  /** The analysed tracks; default loadSimilarityTracks(db). */
  loadTracks?: () => SimilarityTrack[];
  /** Library-map layout settings (tests use small ones). */
  mapLayout?: Omit<MapLayoutOptions, 'onProgress'>;
}

/**
 * "Sounds like this" for the app (core.similarity): similar tracks with reasons, generated
 * playlists, saved playlists with M3U8 export/import, and the 2D library map.
 *
 * The similarity index lives in a worker thread, built on the first query and rebuilt on the next
 * query after `invalidate()` (createCore calls it on every track change, alone or gathered), so a burst of
 * library events costs one rebuild. The map is laid out in a worker of its own (library-map.ts).
 */
export class SimilarityService {
  private worker: SimilarityWorker | null = null;
  private current: Promise<void> | null = null;
  private stale = true;
  private readonly loadTracks: () => SimilarityTrack[];
  private readonly playlists: PlaylistsRepo;
  private readonly tracks: TracksRepo;
  private readonly map: LibraryMapCache;

  private readonly db: Db;

  constructor(options: SimilarityServiceOptions) {
    this.db = options.db;
    this.loadTracks = options.loadTracks ?? (() => loadSimilarityTracks(options.db));
    this.playlists = new PlaylistsRepo(options.db);
    this.tracks = new TracksRepo(options.db);
    this.map = new LibraryMapCache({ db: options.db, loadTracks: this.loadTracks, layoutOptions: options.mapLayout });
  }

  /** The library changed (tracks analysed, edited or removed): rebuild on the next query. */
  invalidate(): void {
    this.stale = true;
    this.map.invalidate();
  }

  /**
   * Builds the index now, in the background, if the library changed since it was last built, so the
   * first "sounds like this" after a start or a scan does not wait for it (seconds at 100k tracks).
   * A failure is left for the next query to report.
   */
  prepare(): void {
    if (this.stale && !this.current) this.ready().catch(() => undefined);
  }

  /** The n tracks that sound most like the seed (a track id, or features of any file), without it. */
  async similar(seed: number | Seed, n = 10): Promise<SimilarTrackResult[]> {
    return (await this.ready()).similar(typeof seed === 'number' ? { trackId: seed } : seed, n);
  }

  /** A smooth "sounds like this" playlist with reasons (see GeneratePlaylistRequest). */
  async generate(request: GeneratePlaylistRequest, options?: PlaylistOptions): Promise<GeneratedPlaylist> {
    return (await this.ready()).generate(request, options);
  }

  // Saved playlists.

  savePlaylist(playlist: NewPlaylist): SavedPlaylist {
    return this.playlists.create(playlist);
  }

  listPlaylists(): SavedPlaylistSummary[] {
    return this.playlists.list();
  }

  getPlaylist(id: number): SavedPlaylist | null {
    return this.playlists.get(id);
  }

  /** Rename, reorder, remove tracks, or replace the request. */
  updatePlaylist(id: number, patch: PlaylistUpdate): SavedPlaylist {
    return this.playlists.update(id, patch);
  }

  deletePlaylist(id: number): boolean {
    return this.playlists.delete(id);
  }

  /** Generates the playlist again from its stored request (removed tracks stay out) and saves the result. */
  async regeneratePlaylist(id: number): Promise<{ playlist: SavedPlaylist; generated: GeneratedPlaylist }> {
    const saved = this.requirePlaylist(id);
    if (!saved.request) throw new Error(`playlist '${saved.name}' was not generated: there is nothing to regenerate it from`);
    const generated = await this.generate(saved.request);
    const playlist = this.playlists.update(id, { trackIds: generated.trackIds, request: generated.request });
    return { playlist, generated };
  }

  // M3U8.

  /** The saved playlist as M3U8 text. */
  playlistM3u8(id: number, options: M3u8Options): string {
    return this.tracksM3u8(this.requirePlaylist(id).trackIds, options);
  }

  /** Any list of library tracks (e.g. a generated, unsaved playlist) as M3U8 text. */
  tracksM3u8(trackIds: readonly number[], options: M3u8Options): string {
    const entries = this.entries(trackIds);
    // Without a destination, relative paths start where every track is: the file works saved there.
    const playlistFile = options.path ?? path.join(commonFolder(entries.map((entry) => entry.path)), 'playlist.m3u8');
    return formatM3u8(entries, playlistFile, options.style);
  }

  /** Writes the saved playlist as an M3U8 file (creating its folder). */
  async exportPlaylist(id: number, options: M3u8Options & { path: string }): Promise<{ path: string; tracks: number }> {
    return this.exportTracks(this.requirePlaylist(id).trackIds, options);
  }

  async exportTracks(trackIds: readonly number[], options: M3u8Options & { path: string }): Promise<{ path: string; tracks: number }> {
    const file = path.resolve(options.path);
    const text = this.tracksM3u8(trackIds, { ...options, path: file });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
    return { path: file, tracks: trackIds.length };
  }

  /** Reads an M3U/M3U8 file into a new saved playlist (named after the file unless `name`). */
  async importPlaylist(file: string, options: { name?: string } = {}): Promise<ImportedPlaylist> {
    const entries = parseM3u8(await readFile(file, 'utf8'), file);
    const matched = matchPlaylistEntries(entries, (location) => this.trackIdAt(location));
    const name = options.name ?? path.basename(file).replace(/\.m3u8?$/i, '');
    return this.saveImported(name, matched);
  }

  /**
   * M3U/M3U8 text of an unknown location (an upload) into a new saved playlist: absolute entries
   * are looked up as they are, relative ones by the library track whose path ends with them.
   */
  importPlaylistText(name: string, text: string): ImportedPlaylist {
    const bySuffix = new TrackPathSuffixes(this.db);
    const matched = matchPlaylistEntries(parseM3u8Locations(text), (location) => {
      if (isUrl(location) || path.isAbsolute(location)) return this.trackIdAt(resolveLocation(path.sep, location));
      return bySuffix.find(location);
    });
    return this.saveImported(name, matched);
  }

  /** An import that matched no library track is refused: an empty saved playlist would only be clutter. */
  private saveImported(name: string, { trackIds, missing }: { trackIds: number[]; missing: string[] }): ImportedPlaylist {
    if (trackIds.length === 0) {
      throw new Error(missing.length === 0
        ? `'${name}' has no playlist entries (is it an M3U or M3U8 file?); nothing was imported`
        : `none of the ${missing.length} entries of '${name}' is a track of the library (first: ${missing[0]}); nothing was imported`);
    }
    return { playlist: this.playlists.create({ name, trackIds, request: null }), missing };
  }

  // The library map.

  /** The 2D map of the analysed tracks; see LibraryMapCache.get for `wait`. */
  libraryMap(options: { wait?: boolean } = {}): Promise<LibraryMap> {
    return this.map.get(options);
  }

  mapStatus(): LibraryMapStatus {
    return this.map.status();
  }

  async close(): Promise<void> {
    await this.map.close();
    await this.current?.catch(() => undefined);
    await this.worker?.close();
    this.worker = null;
  }

  /** The library track at a path: as written, then through symbolic links. */
  private trackIdAt(file: string): number | null {
    const id = this.tracks.idByPath(file);
    if (id !== null) return id;
    try {
      return this.tracks.idByPath(realpathSync(file));
    } catch {
      return null; // not on disk either
    }
  }

  private requirePlaylist(id: number): SavedPlaylist {
    const playlist = this.playlists.get(id);
    if (!playlist) throw new Error(`no playlist ${id}`);
    return playlist;
  }

  private entries(trackIds: readonly number[]): PlaylistEntry[] {
    return trackIds.map((id) => {
      const track = this.tracks.summary(id);
      if (!track) throw new Error(`no track ${id} in the library`);
      return { path: track.path, durationSec: track.durationSec, artist: track.artist, title: track.title };
    });
  }

  private async ready(): Promise<SimilarityWorker> {
    while (this.stale || this.current) {
      if (!this.current) {
        this.stale = false;
        this.current = this.rebuild().finally(() => {
          this.current = null;
        });
      }
      try {
        await this.current;
      } catch (error) {
        this.stale = true; // the next query tries again
        throw error;
      }
    }
    return this.worker!;
  }

  private async rebuild(): Promise<void> {
    const tracks = this.loadTracks();
    // No worker thread for an empty library: nothing to search, and nothing left running to close.
    if (tracks.length === 0) throw new Error('the library has no analysed tracks yet');
    this.worker ??= new SimilarityWorker();
    await this.worker.load(tracks);
  }
}

/**
 * The library tracks an M3U8's entries name (looked up by `trackIdAt`), in order and each once,
 * and the entries that are not in the library.
 */
export function matchPlaylistEntries(
  entries: readonly PlaylistEntry[],
  trackIdAt: (location: string) => number | null,
): { trackIds: number[]; missing: string[] } {
  const trackIds: number[] = [];
  const missing: string[] = [];
  const seen = new Set<number>();
  for (const entry of entries) {
    const id = trackIdAt(entry.path);
    if (id === null) missing.push(entry.path);
    else if (!seen.has(id)) {
      seen.add(id);
      trackIds.push(id);
    }
  }
  return { trackIds, missing };
}

/** Library tracks by the end of their path, for playlist entries relative to an unknown folder. */
class TrackPathSuffixes {
  private readonly byName = new Map<string, Array<{ id: number; path: string }>>();

  constructor(db: Db) {
    for (const track of db.prepare('SELECT id, path FROM tracks ORDER BY id').all() as Array<{ id: number; path: string }>) {
      const name = path.basename(track.path);
      const list = this.byName.get(name);
      if (list) list.push(track);
      else this.byName.set(name, [track]);
    }
  }

  /** The track whose path ends with the location's named segments ("../a/b.mp3" → ".../a/b.mp3"). */
  find(location: string): number | null {
    const segments = location.split(/[\\/]+/).filter((segment) => segment && segment !== '.' && segment !== '..');
    if (segments.length === 0) return null;
    const suffix = path.sep + segments.join(path.sep);
    const match = this.byName.get(segments.at(-1)!)?.find((track) => track.path.endsWith(suffix));
    return match?.id ?? null;
  }
}

/** The deepest folder that holds every path (the filesystem root when they share none). */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return path.resolve('.');
  let folder = path.dirname(path.resolve(paths[0]));
  for (const file of paths.slice(1)) {
    const resolved = path.resolve(file);
    while (path.relative(folder, resolved).startsWith('..') || path.isAbsolute(path.relative(folder, resolved))) {
      const parent = path.dirname(folder);
      if (parent === folder) return folder;
      folder = parent;
    }
  }
  return folder;
}
