import { basename, dirname, relative, sep } from 'node:path';
import { ZodError } from 'zod';
import { onTrackUpdates } from '../events.js';
import { describeDatabaseError } from '../db/errors.js';
import { LibraryUnavailableError } from '../db/library-file.js';
import { canonicalGenreName } from '../genres/vocabulary.js';
import { listInstalledModels } from '../ml/pretrained/loader.js';
import { timelineSpans } from '../ml/timeline.js';
import type { Core, FolderInfo, TrackDetail as CoreTrackDetail, TrackSummary, AnalysisProgress } from '../index.js';
import {
  API_METHOD_NAMES,
  type ApiEventName,
  type ApiEvents,
  type ApiMethodName,
  type ApiMethods,
  type ApiResponse,
  type FolderView,
  type GenrePrediction,
  type InferredTag,
  type ScanProgress,
  type TrackDetail,
} from './contract.js';
import { albumMethods } from './dispatch-albums.js';
import { genreMethods } from './dispatch-genres.js';
import { playlistMethods } from './dispatch-playlists.js';
import { NotFoundError } from './errors.js';
import { FolderError } from '../library/service.js';
import { libraryMediaFile, type MediaFile } from './media.js';
import { parseArgs } from './schemas.js';
import { albumKey } from './album-index.js';
import { artFilePath } from '../library/art.js';
import { inferTagsFromPath } from '../library/path-tags.js';
import { TrackIndex, type TrackRecord } from './track-index.js';

/** What the host (Electron main or the web server) adds to the core: only Electron has a native dialog. */
export interface DispatchHost {
  mode: 'electron' | 'web';
  version: string;
  chooseFolder?: () => Promise<string | null>;
  /**
   * A native save dialog for a playlist file (Electron), opened at `suggested`; null when cancelled.
   * Without one (web mode) the server writes no playlist file: the browser downloads it instead.
   */
  choosePlaylistFile?: (suggested: string) => Promise<string | null>;
}

export type EventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/**
 * The one dispatch behind every transport: Electron IPC and web-mode HTTP both hand it a method name
 * and raw arguments, and get an ApiResponse back. Arguments are validated here (schemas.ts) before the
 * core sees them; errors become { ok: false } responses, never exceptions across the transport.
 */
export interface Dispatcher {
  call(method: string, args: unknown): Promise<ApiResponse>;
  /** Streams API events; progress is coalesced and track changes batched (see EVENT_INTERVAL_MS). */
  subscribe(listener: EventListener): () => void;
  /** The file behind a track, for media requests: only a file whose real path is inside a library folder. */
  mediaFile(id: number): MediaFile;
  /** The thumbnail of a track's album art, for media requests; null when there is no such track or it has no art. */
  trackArtPath(id: number): string | null;
  close(): void;
}

/** Events are sent at most this often, so a fast scan cannot flood the renderer. */
export const EVENT_INTERVAL_MS = 150;

/** What the method groups (dispatch-genres.ts, dispatch-playlists.ts) get to work with. */
export interface DispatchContext {
  core: Core;
  /** The in-memory table index; it follows the core's track updates on its own. */
  index: TrackIndex;
  emit: EventListener;
  host: DispatchHost;
  /** Registers cleanup (event subscriptions, workers) run by close(). */
  onClose(cleanup: () => void): void;
}

/** Each method of a contract group, as an async handler of its validated arguments. */
export type MethodHandlers<Methods> = {
  [M in keyof Methods]: Methods[M] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

export function createDispatcher(core: Core, host: DispatchHost): Dispatcher {
  const { library } = core;
  let folderRoots = new Map(library.listFolders().map((folder) => [folder.id, folder.path]));
  const rowOf = (track: TrackSummary) => toTrackRow(track, folderRoots.get(track.folderId));
  const index = new TrackIndex(library.listTracks().map(rowOf), (spelling) => core.genres.canonicalName(spelling));
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  let pendingProgress: AnalysisProgress | null = null;
  const pendingTrackIds = new Set<number>();
  let foldersChanged = false;
  let flushTimer: NodeJS.Timeout | null = null;
  const flush = () => {
    flushTimer = null;
    if (foldersChanged) emit('folders-changed', {});
    if (pendingTrackIds.size) emit('tracks-changed', { ids: [...pendingTrackIds] });
    if (pendingProgress) emit('progress', toScanProgress(pendingProgress));
    foldersChanged = false;
    pendingTrackIds.clear();
    pendingProgress = null;
  };
  const scheduleFlush = () => {
    flushTimer ??= setTimeout(flush, EVENT_INTERVAL_MS);
  };

  const unsubscribers = [
    onTrackUpdates(core.events, (updates) => {
      for (const { id, track } of updates) {
        if (track) index.upsert(rowOf(track));
        else index.remove(id);
        pendingTrackIds.add(id);
      }
      scheduleFlush();
    }),
    // A removed folder's tracks each arrive as a track update with no track.
    core.events.on('folder-updated', ({ id, folder }) => {
      if (folder) folderRoots.set(id, folder.path);
      else folderRoots = new Map([...folderRoots].filter(([folderId]) => folderId !== id));
      foldersChanged = true;
      scheduleFlush();
    }),
    core.events.on('progress', (progress) => {
      pendingProgress = progress;
      scheduleFlush();
    }),
  ];

  const context: DispatchContext = { core, index, emit, host, onClose: (cleanup) => unsubscribers.push(cleanup) };
  const methods: MethodHandlers<ApiMethods> = {
    appInfo: async () => ({ version: host.version, mode: host.mode, nativeFolderDialog: Boolean(host.chooseFolder) }),
    listPretrainedModels: async () =>
      (await listInstalledModels()).map(({ id, active, origin, folder, problems, licence }) => ({ id, active, origin, folder, problems, licence })),
    chooseFolder: async () => ({ path: host.chooseFolder ? await host.chooseFolder() : null }),
    listFolders: async () => library.listFolders().map(toFolderView),
    addFolder: async ({ path }) => toFolderView(await library.addFolder(path)),
    removeFolder: async ({ id }) => {
      if (!library.listFolders().some((folder) => folder.id === id)) return { removed: false };
      await library.removeFolder(id);
      return { removed: true };
    },
    scanProgress: async () => toScanProgress(library.progress()),
    pauseScan: async () => {
      library.pause();
      return toScanProgress(library.progress());
    },
    resumeScan: async () => {
      library.resume();
      return toScanProgress(library.progress());
    },
    queryTracks: async (query) => index.query(query),
    trackFacets: async () => index.facets(),
    getTrack: async ({ id }) => {
      const track = library.getTrack(id);
      if (!track) throw new NotFoundError(`there is no track ${id}`);
      return index.named(toTrackDetail(track, folderRoots.get(track.folderId)));
    },
    trackRows: async ({ ids }) => ids.flatMap((id) => index.row(id) ?? []),
    ...genreMethods(context),
    ...playlistMethods(context),
    ...albumMethods(context),
  };

  return {
    async call(method, args) {
      if (!(API_METHOD_NAMES as readonly string[]).includes(method)) {
        return { ok: false, error: { code: 'unknown-method', message: `unknown API method '${method}'` } };
      }
      const name = method as ApiMethodName;
      try {
        // A library file gone from under the app: refuse, rather than acknowledge what would be lost.
        if (name !== 'appInfo') core.checkLibraryFile();
        const parsed = parseArgs(name, args ?? []);
        const handler = methods[name] as (...args: unknown[]) => Promise<unknown>;
        return { ok: true, result: await handler(...parsed) };
      } catch (error) {
        if (error instanceof ZodError) {
          const message = error.issues.map((issue) => `${issue.path.slice(1).join('.') || 'arguments'}: ${issue.message}`).join('; ');
          return { ok: false, error: { code: 'invalid-arguments', message } };
        }
        if (error instanceof NotFoundError) return { ok: false, error: { code: 'not-found', message: error.message } };
        if (error instanceof FolderError) return { ok: false, error: { code: error.reason === 'not-found' ? 'not-found' : 'invalid-arguments', message: error.message } };
        if (error instanceof LibraryUnavailableError) return { ok: false, error: { code: 'library-unavailable', message: error.message } };
        return { ok: false, error: { code: 'failed', message: describeDatabaseError(error) } };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaFile(id) {
      return libraryMediaFile(library.getTrack(id)?.path ?? null, library.listFolders().map((folder) => folder.path));
    },
    trackArtPath(id) {
      const hash = index.row(id)?.artHash;
      return hash ? artFilePath(core.artDir, hash) : null;
    },
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (flushTimer) clearTimeout(flushTimer);
      listeners.clear();
    },
  };
}

/**
 * A track's table row. `folderRoot` is the library folder holding it: the row's folder is named inside
 * it, and title, artist and album missing from the tags are read from the path below it.
 */
export function toTrackRow(track: TrackSummary, folderRoot?: string): TrackRecord {
  const { predicted } = track;
  const inferred: InferredTag[] = [];
  let { title, artist, album } = track;
  // Only untagged files pay for reading the path; their track and disc numbers come from it too.
  const fromPath = title === null || artist === null || album === null ? inferTagsFromPath(track.path, folderRoot) : null;
  if (fromPath) {
    if (title === null) {
      title = fromPath.title;
      inferred.push('title');
    }
    if (artist === null && fromPath.artist !== null) {
      artist = fromPath.artist;
      inferred.push('artist');
    }
    if (album === null && fromPath.album !== null) {
      album = fromPath.album;
      inferred.push('album');
    }
  }
  const folder = folderRoot ? relative(folderRoot, dirname(track.path)).split(sep).join('/') : basename(dirname(track.path));
  return {
    id: track.id,
    fileName: basename(track.path),
    title,
    artist,
    album,
    folder,
    year: track.year,
    albumArtist: track.albumArtist,
    trackNo: track.trackNo ?? fromPath?.trackNo ?? null,
    discNo: track.discNo ?? fromPath?.discNo ?? null,
    albumKey: album === null ? null : albumKey(album, track.albumArtist, dirname(track.path)),
    artHash: track.artHash,
    inferred,
    durationSec: track.durationSec,
    tempoBpm: track.tempoBpm,
    genres: track.genres,
    confirmedGenres: track.confirmedGenres,
    genre: track.genre,
    predictedGenre: predicted?.genre ? canonicalGenreName(predicted.genre) : null,
    confidence: predicted?.confidence ?? null,
    unsureCandidates: predicted && predicted.genre === null ? canonicalCandidates(predicted.candidates) : null,
    genreConfirmed: track.confirmedGenres.length > 0,
    status: track.status,
    error: track.error,
  };
}

function toTrackDetail(track: CoreTrackDetail, folderRoot: string | undefined): Omit<TrackDetail, 'shownGenres'> {
  const stored = track.prediction;
  const prediction = stored
    ? {
        genre: stored.genre === null ? null : canonicalGenreName(stored.genre),
        confidence: stored.confidence,
        candidates: canonicalCandidates(stored.candidates),
        unsureThreshold: stored.unsureThreshold,
        probabilities: canonicalKeys(stored.probabilities),
        segments: stored.segments.map((segment) => ({
          ...segment,
          genre: segment.genre === null ? null : canonicalGenreName(segment.genre),
          probabilities: canonicalKeys(segment.probabilities),
        })),
        timeline: timelineSpans(stored.segments, track.durationSec ?? 0),
        modelId: `${stored.modelId}@${stored.modelVersion}`,
        versionName: stored.version?.name ?? `${stored.modelId} ${stored.modelVersion}`,
        retrained: stored.version !== null,
      }
    : null;
  const preview = track.melPreview;
  return {
    ...toTrackRow(track, folderRoot),
    path: track.path,
    bitrate: track.bitrate,
    sampleRate: track.sampleRate,
    mel: preview
      ? {
          bands: preview.bands,
          frames: preview.frames,
          secondsPerFrame: preview.secondsPerFrame,
          dbMin: preview.dbMin,
          dbMax: preview.dbMax,
          bytesBase64: Buffer.from(preview.data.buffer, preview.data.byteOffset, preview.data.byteLength).toString('base64'),
        }
      : null,
    mir: {
      tempoBpm: track.mir?.tempoBpm ?? track.tempoBpm,
      brightnessHz: track.mir?.brightnessHz ?? null,
      energy: track.mir?.energyRms ?? null,
    },
    prediction,
  };
}

/**
 * A model's labels are shown under the vocabulary's canonical names ("classical" → "Classical"), as the
 * genres a user confirms are, so a prediction and the genre it suggests read the same.
 */
function canonicalCandidates(candidates: ReadonlyArray<{ genre: string; probability: number }>): Array<{ genre: string; probability: number }> {
  return candidates.map(({ genre, probability }) => ({ genre: canonicalGenreName(genre), probability }));
}

function canonicalKeys(probabilities: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(probabilities).map(([genre, probability]) => [canonicalGenreName(genre), probability]));
}

function toFolderView(folder: FolderInfo): FolderView {
  const watchStatus = folder.error ? 'error' : folder.scanning ? 'scanning' : folder.watching ? 'watching' : 'idle';
  return {
    id: folder.id,
    path: folder.path,
    watchStatus,
    error: folder.error,
    trackCount: folder.trackCount,
    lastScanAt: folder.lastScanAt,
  };
}

function toScanProgress(progress: AnalysisProgress): ScanProgress {
  return {
    done: progress.done,
    failed: progress.failed,
    total: progress.total,
    ratePerSec: progress.ratePerSec,
    etaSec: progress.etaSec,
    paused: progress.paused,
    active: progress.active,
  };
}
