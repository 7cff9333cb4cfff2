import { create } from 'zustand';
import type { PlaylistEntry, PlaylistPathStyle, PlaylistRequest, PlaylistSummary, PlaylistView, SimilarTrackInfo } from '../../core/api/contract.js';
import { api } from '../api/client.js';
import { useAppStore } from './app.js';
import { usePlayerStore } from './player.js';
import { useQueueStore } from './queue.js';
import { useTrackStore } from './track.js';

/** How long a fresh "sounds like this" playlist is. */
export const DEFAULT_PLAYLIST_LENGTH = 20;
/** Neighbours the track panel lists under "Sounds like". */
export const PANEL_NEIGHBOURS = 5;

/** The options of the playlist view's control bar; they become a PlaylistRequest. */
export interface PlaylistOptions {
  /** 'count' asks for `count` tracks, 'duration' for `minutes` of music. */
  lengthBy: 'count' | 'duration';
  count: number;
  minutes: number;
  /** null: no cap. */
  maxPerArtist: number | null;
  includeGenres: string[];
  excludeGenres: string[];
}

export const DEFAULT_OPTIONS: PlaylistOptions = {
  lengthBy: 'count',
  count: DEFAULT_PLAYLIST_LENGTH,
  minutes: 60,
  maxPerArtist: null,
  includeGenres: [],
  excludeGenres: [],
};

type Busy = 'generating' | 'saving' | 'exporting' | 'importing' | 'loading';

interface PlaylistsState {
  /** The playlist open in the playlist view (saved or not). */
  current: PlaylistView | null;
  options: PlaylistOptions;
  busy: Busy | null;
  error: string | null;
  /** A short confirmation ("Saved", "Exported to …") for a polite live region. */
  notice: string | null;
  saved: PlaylistSummary[];
  savedLoaded: boolean;
  /** The position in `current` being played through, or null when not playing through. */
  playingIndex: number | null;
  /** The open track's nearest neighbours, for the track panel. */
  neighbours: { trackId: number; tracks: SimilarTrackInfo[] | null; error: string | null } | null;
  loadNeighbours(trackId: number): Promise<void>;

  /** "Sounds like this": a new playlist seeded by one track, shown in the Playlists section. */
  soundsLike(trackId: number): Promise<void>;
  setOptions(patch: Partial<PlaylistOptions>): void;
  /** Generates the current playlist again from its seeds, options and steering. */
  regenerate(): Promise<void>;
  /** Steers the playlist towards (more) or away from (less) a track, or stops steering by it ('none'); regenerates. */
  steer(trackId: number, direction: 'more' | 'less' | 'none'): Promise<void>;
  /** Adds a seed to the open generated playlist, or removes one (one always stays); regenerates. */
  setSeed(trackId: number, seed: boolean): Promise<void>;
  /** Names of the tracks steered by, for the chips (a "less like" track leaves the list). */
  steeringNames: Record<number, string>;
  move(from: number, to: number): Promise<void>;
  remove(index: number): Promise<void>;
  /** Saves the current playlist under a name (a new one, or renames the saved one). */
  save(name: string): Promise<void>;
  /** Re-reads the saved list; the Playlists view calls it on every 'playlists-changed'. */
  loadSaved(): Promise<void>;
  open(id: number): Promise<void>;
  deleteSaved(id: number): Promise<void>;
  exportFile(style: PlaylistPathStyle, path: string): Promise<boolean>;
  /** The M3U8 text for a download; relative paths are relative to `location`. */
  m3u8Text(style: PlaylistPathStyle, location: string): Promise<string | null>;
  importText(name: string, text: string): Promise<void>;
  importPath(path: string): Promise<void>;
  /** Plays the current playlist from `index` through the queue (it replaces the queue), showing that track's panel. */
  playFrom(index: number): Promise<void>;
  stopPlaying(): void;
  dismiss(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function requestFor(seeds: number[], options: PlaylistOptions, steering: Pick<PlaylistRequest, 'moreLike' | 'lessLike' | 'exclude'> = {}): PlaylistRequest {
  const request: PlaylistRequest = { seeds };
  if (options.lengthBy === 'count') request.count = options.count;
  else request.durationSec = options.minutes * 60;
  if (options.maxPerArtist !== null) request.maxPerArtist = options.maxPerArtist;
  if (options.includeGenres.length) request.includeGenres = options.includeGenres;
  if (options.excludeGenres.length) request.excludeGenres = options.excludeGenres;
  for (const key of ['moreLike', 'lessLike', 'exclude'] as const) {
    if (steering[key]?.length) request[key] = steering[key];
  }
  return request;
}

/** The control bar's options as a stored request describes them (to reopen a saved playlist). */
export function optionsFor(request: PlaylistRequest | null): PlaylistOptions {
  if (!request) return DEFAULT_OPTIONS;
  return {
    lengthBy: request.durationSec !== undefined ? 'duration' : 'count',
    count: request.count ?? DEFAULT_PLAYLIST_LENGTH,
    minutes: request.durationSec !== undefined ? Math.round(request.durationSec / 60) : DEFAULT_OPTIONS.minutes,
    maxPerArtist: request.maxPerArtist ?? null,
    includeGenres: request.includeGenres ?? [],
    excludeGenres: request.excludeGenres ?? [],
  };
}

/** Saved playlists keep only track ids: carry the reasons of the rows already shown across a save. */
function keepReasons(next: PlaylistView, previous: PlaylistView | null): PlaylistView {
  if (!previous) return next;
  const known = new Map(previous.entries.map((entry) => [entry.id, entry]));
  return {
    ...next,
    entries: next.entries.map((entry) => {
      const before = known.get(entry.id);
      return entry.reasons.length || !before ? entry : { ...entry, reasons: before.reasons, score: entry.score ?? before.score };
    }),
  };
}

const durationOf = (entries: PlaylistEntry[]) => entries.reduce((sum, entry) => sum + (entry.durationSec ?? 0), 0);

export const usePlaylistsStore = create<PlaylistsState>((set, get) => {
  /** Generates from a request and shows it; a saved playlist keeps its id and is updated in place. */
  const generate = async (request: PlaylistRequest) => {
    const previous = get().current;
    set({ busy: 'generating', error: null, notice: null });
    try {
      const generated = await api.call('generatePlaylist', request);
      if (previous?.id != null) {
        const updated = await api.call('updatePlaylist', { id: previous.id, trackIds: generated.entries.map((entry) => entry.id), request: generated.request ?? request });
        set({ current: keepReasons(updated, generated), busy: null, playingIndex: null });
      } else {
        set({ current: generated, busy: null, playingIndex: null });
      }
    } catch (error) {
      set({ busy: null, error: message(error) });
    }
  };

  /** Applies a local edit of the entries; a saved playlist is updated at once (reorder and remove save themselves). */
  const edit = async (entries: PlaylistEntry[], request: PlaylistRequest | null) => {
    const current = get().current;
    if (!current) return;
    const playingId = get().playingIndex !== null ? current.entries[get().playingIndex!]?.id : undefined;
    const playingIndex = playingId === undefined ? null : entries.findIndex((entry) => entry.id === playingId);
    set({ current: { ...current, entries, request, durationSec: durationOf(entries) }, playingIndex: playingIndex === -1 ? null : playingIndex, error: null });
    if (current.id === null) return;
    try {
      const updated = await api.call('updatePlaylist', { id: current.id, trackIds: entries.map((entry) => entry.id), ...(request ? { request } : {}) });
      if (get().current?.id === updated.id) set({ current: keepReasons(updated, get().current) });
    } catch (error) {
      set({ error: message(error) });
    }
  };

  return {
    current: null,
    options: DEFAULT_OPTIONS,
    busy: null,
    error: null,
    notice: null,
    saved: [],
    savedLoaded: false,
    playingIndex: null,
    steeringNames: {},
    neighbours: null,

    async loadNeighbours(trackId) {
      if (get().neighbours?.trackId === trackId && !get().neighbours?.error) return;
      set({ neighbours: { trackId, tracks: null, error: null } });
      try {
        const tracks = await api.call('similarTracks', { id: trackId, count: PANEL_NEIGHBOURS });
        if (get().neighbours?.trackId === trackId) set({ neighbours: { trackId, tracks, error: null } });
      } catch (error) {
        if (get().neighbours?.trackId === trackId) set({ neighbours: { trackId, tracks: null, error: message(error) } });
      }
    },
    async soundsLike(trackId) {
      useAppStore.getState().setSection('playlists');
      set({ current: null, options: DEFAULT_OPTIONS, steeringNames: {}, playingIndex: null });
      await generate(requestFor([trackId], get().options));
    },
    setOptions(patch) {
      set({ options: { ...get().options, ...patch } });
    },
    async regenerate() {
      const current = get().current;
      if (!current?.request) return;
      const { moreLike, lessLike, exclude } = current.request;
      await generate(requestFor(current.request.seeds, get().options, { moreLike, lessLike, exclude }));
    },
    async steer(trackId, direction) {
      const current = get().current;
      if (!current?.request) return;
      const { seeds } = current.request;
      const entry = current.entries.find((candidate) => candidate.id === trackId);
      if (entry) set({ steeringNames: { ...get().steeringNames, [trackId]: entry.title ?? entry.fileName } });
      const without = (ids: number[] | undefined) => (ids ?? []).filter((id) => id !== trackId);
      const moreLike = direction === 'more' ? [...without(current.request.moreLike), trackId] : without(current.request.moreLike);
      const lessLike = direction === 'less' ? [...without(current.request.lessLike), trackId] : without(current.request.lessLike);
      await generate(requestFor(seeds, get().options, { moreLike, lessLike, exclude: current.request.exclude }));
    },
    async setSeed(trackId, seed) {
      const request = get().current?.request;
      if (!request) return;
      const others = request.seeds.filter((id) => id !== trackId);
      const seeds = seed ? [...others, trackId] : others;
      if (seeds.length === 0) return;
      // A seed is not steered by, nor excluded.
      const without = (ids: number[] | undefined) => ids?.filter((id) => id !== trackId);
      await generate(requestFor(seeds, get().options, { moreLike: without(request.moreLike), lessLike: without(request.lessLike), exclude: without(request.exclude) }));
    },
    async move(from, to) {
      const current = get().current;
      if (!current || from === to || to < 0 || to >= current.entries.length) return;
      const entries = [...current.entries];
      const [moved] = entries.splice(from, 1);
      entries.splice(to, 0, moved);
      await edit(entries, current.request);
    },
    async remove(index) {
      const current = get().current;
      if (!current) return;
      const removed = current.entries[index];
      if (!removed) return;
      const seeds = current.request?.seeds ?? [];
      // The only seed is what the playlist is made from: it stays (the view offers no removal).
      if (seeds.length === 1 && seeds[0] === removed.id) return;
      const entries = current.entries.filter((_, position) => position !== index);
      // A removed track stays out when the playlist is regenerated, and is no seed any more.
      const request = current.request
        ? {
            ...current.request,
            seeds: seeds.filter((id) => id !== removed.id),
            exclude: [...new Set([...(current.request.exclude ?? []), removed.id])],
          }
        : null;
      await edit(entries, request);
    },
    async save(name) {
      const current = get().current;
      if (!current) return;
      set({ busy: 'saving', error: null, notice: null });
      try {
        const saved =
          current.id === null
            ? await api.call('savePlaylist', { name, trackIds: current.entries.map((entry) => entry.id), request: current.request })
            : await api.call('updatePlaylist', { id: current.id, name });
        set({ current: keepReasons(saved, current), busy: null, notice: `Saved “${saved.name}”` });
      } catch (error) {
        set({ busy: null, error: message(error) });
      }
    },
    async loadSaved() {
      try {
        set({ saved: await api.call('listPlaylists'), savedLoaded: true });
      } catch (error) {
        set({ savedLoaded: true, error: message(error) });
      }
    },
    async open(id) {
      useAppStore.getState().setSection('playlists');
      if (get().current?.id === id) return;
      set({ busy: 'loading', error: null, notice: null, playingIndex: null });
      try {
        const playlist = await api.call('getPlaylist', { id });
        set({ current: playlist, options: optionsFor(playlist.request), busy: null });
      } catch (error) {
        set({ busy: null, error: message(error) });
      }
    },
    async deleteSaved(id) {
      try {
        await api.call('deletePlaylist', { id });
        const current = get().current;
        if (current?.id === id) set({ current: { ...current, id: null, createdAt: null, updatedAt: null }, notice: 'Deleted. Its tracks stay here until you leave: Save keeps them again.' });
      } catch (error) {
        set({ error: message(error) });
      }
    },
    async exportFile(style, path) {
      const current = get().current;
      if (!current) return false;
      set({ busy: 'exporting', error: null, notice: null });
      try {
        const result = await api.call('exportPlaylist', { trackIds: current.entries.map((entry) => entry.id), style, path });
        set({ busy: null, notice: result.path === null ? 'Export cancelled: nothing was written.' : `Exported ${result.trackCount} tracks to ${result.path}` });
        return result.path !== null;
      } catch (error) {
        set({ busy: null, error: message(error) });
        return false;
      }
    },
    async m3u8Text(style, location) {
      const current = get().current;
      if (!current) return null;
      try {
        return (await api.call('playlistM3u8', { trackIds: current.entries.map((entry) => entry.id), style, location })).text;
      } catch (error) {
        set({ error: message(error) });
        return null;
      }
    },
    async importText(name, text) {
      await importWith({ name, text });
    },
    async importPath(path) {
      await importWith({ path });
    },
    async playFrom(index) {
      const current = get().current;
      const entry = current?.entries[index];
      if (!current || !entry) return;
      useQueueStore.getState().playNow(
        current.entries.map((candidate) => candidate.id),
        index,
        PLAYLIST_ORIGIN,
      );
      await useTrackStore.getState().open(entry.id);
    },
    stopPlaying() {
      usePlayerStore.getState().pause();
      useQueueStore.getState().setOrigin(null);
    },
    dismiss: () => set({ error: null, notice: null }),
  };

  async function importWith(source: { path: string } | { name: string; text: string }) {
    set({ busy: 'importing', error: null, notice: null });
    try {
      const { playlist, missing } = await api.call('importPlaylist', source);
      const skipped = missing.length ? ` · ${missing.length} not in the library: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}` : '';
      set({ current: playlist, options: optionsFor(playlist.request), busy: null, playingIndex: null, notice: `Imported ${playlist.entries.length} tracks${skipped}` });
      useAppStore.getState().setSection('playlists');
    } catch (error) {
      set({ busy: null, error: message(error) });
    }
  }
});

/** The queue's origin while it plays a playlist's "Play all". */
const PLAYLIST_ORIGIN = 'playlist';

// The playlist's playing row is the queue's current track, while the queue is the one "Play all" started.
useQueueStore.subscribe(({ origin, entries, position }) => {
  const { current, playingIndex } = usePlaylistsStore.getState();
  const trackId = entries[position]?.trackId;
  let index: number | null = null;
  if (origin === PLAYLIST_ORIGIN && current && trackId !== undefined) {
    // The same track may be listed twice: keep the row already marked when it still fits.
    index = current.entries[playingIndex ?? -1]?.id === trackId ? playingIndex : current.entries.findIndex((entry) => entry.id === trackId);
    if (index === -1) index = null;
  }
  if (index !== playingIndex) usePlaylistsStore.setState({ playingIndex: index });
});
