import { create } from 'zustand';
import { api } from '../api/client.js';

/** What the player says when the audio element cannot load the file (moved, deleted, or a format it cannot decode). */
export const UNPLAYABLE = 'This file cannot be played. It may have been moved or deleted, or its format is not supported here.';

const VOLUME_KEY = 'timbre.player.volume';

/**
 * The app's playback: two <audio> elements owned here, never by a view, so navigation, selection and
 * closing the track panel never stop the music. One plays; the other loads the queue's next track
 * ahead (preload="auto"), and when the playing one ends the two swap, so the next track starts from
 * memory instead of a new request. The playing element is always the first <audio> in the document.
 */
interface PlayerState {
  /** The track in the playing element; null before the first. */
  trackId: number | null;
  playing: boolean;
  currentTime: number;
  duration: number;
  error: string | null;
  /** 0..1, remembered across launches. */
  volume: number;
  muted: boolean;
  /** Points the player at a track (null: none), from `at` seconds; starts it when `play`. */
  load(trackId: number | null, options: { play: boolean; at?: number }): void;
  /** Loads the track expected next, so it starts at once when asked for. */
  preload(trackId: number | null): void;
  play(): void;
  pause(): void;
  toggle(): void;
  seek(seconds: number): void;
  setVolume(volume: number): void;
  toggleMute(): void;
  /** Calls `listener` each time the playing track ends; returns the unsubscribe. */
  onEnded(listener: () => void): () => void;
}

function storedVolume(): number {
  const stored = Number(localStorage.getItem(VOLUME_KEY));
  return localStorage.getItem(VOLUME_KEY) !== null && Number.isFinite(stored) ? Math.min(1, Math.max(0, stored)) : 1;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const usePlayerStore = create<PlayerState>((set, get) => {
  const endedListeners = new Set<() => void>();
  let elements: { active: HTMLAudioElement; standby: HTMLAudioElement; container: HTMLElement } | null = null;
  /** The track each element holds (an element's src is a URL, not an id). */
  const loaded = new WeakMap<HTMLAudioElement, number>();

  const media = () => {
    if (elements) return elements;
    const container = document.createElement('div');
    container.className = 'player-audio';
    container.hidden = true;
    const make = () => {
      const element = document.createElement('audio');
      element.preload = 'auto';
      element.volume = get().volume;
      element.muted = get().muted;
      follow(element);
      container.append(element);
      return element;
    };
    document.body.append(container);
    elements = { active: make(), standby: make(), container };
    return elements;
  };

  /** Only the playing element's events reach the state; the standby one loads silently. */
  function follow(element: HTMLAudioElement) {
    const ifActive = (handler: () => void) => () => {
      if (elements?.active === element) handler();
    };
    element.addEventListener('play', ifActive(() => set({ playing: true, error: null })));
    element.addEventListener('pause', ifActive(() => set({ playing: false })));
    element.addEventListener('timeupdate', ifActive(() => set({ currentTime: element.currentTime })));
    element.addEventListener('loadedmetadata', ifActive(() => set({ duration: element.duration })));
    element.addEventListener('durationchange', ifActive(() => set({ duration: Number.isFinite(element.duration) ? element.duration : 0 })));
    element.addEventListener(
      'error',
      ifActive(() => set({ playing: false, error: UNPLAYABLE })),
    );
    element.addEventListener(
      'ended',
      ifActive(() => {
        set({ playing: false });
        for (const listener of endedListeners) listener();
      }),
    );
  }

  const unload = (element: HTMLAudioElement) => {
    loaded.delete(element);
    element.removeAttribute('src');
    element.load();
  };

  const start = (element: HTMLAudioElement) => {
    element.play().catch((error: unknown) => {
      // A play() cut short by a pause or the next track is no failure; the browser's own words for a
      // source it cannot load ("The element has no supported sources.") mean nothing to a listener.
      if (error instanceof DOMException && error.name === 'AbortError') return;
      if (elements?.active !== element) return;
      const unplayable = element.error !== null || (error instanceof DOMException && error.name === 'NotSupportedError');
      set({ playing: false, error: unplayable ? UNPLAYABLE : message(error) });
    });
  };

  return {
    trackId: null,
    playing: false,
    currentTime: 0,
    duration: 0,
    error: null,
    volume: storedVolume(),
    muted: false,

    load(trackId, { play, at = 0 }) {
      const { active, standby, container } = media();
      if (trackId === null) {
        active.pause();
        unload(active);
        unload(standby);
        set({ trackId: null, playing: false, currentTime: 0, duration: 0, error: null });
        return;
      }
      if (loaded.get(active) === trackId && !active.error) {
        active.currentTime = at;
      } else if (loaded.get(standby) === trackId && !standby.error) {
        active.pause();
        elements = { active: standby, standby: active, container };
        container.prepend(standby);
        unload(active);
        // A seek, even to where it already is, would cost the head start the preload gave.
        if (standby.currentTime !== at) standby.currentTime = at;
      } else {
        active.pause();
        active.src = api.mediaUrl(trackId);
        loaded.set(active, trackId);
        if (at > 0) active.currentTime = at;
      }
      const now = elements!.active;
      set({ trackId, playing: false, currentTime: at, duration: Number.isFinite(now.duration) ? now.duration : 0, error: null });
      if (play) start(now);
    },
    preload(trackId) {
      const { active, standby } = media();
      if (trackId === null || trackId === loaded.get(active)) {
        if (loaded.has(standby)) unload(standby);
        return;
      }
      if (loaded.get(standby) === trackId && !standby.error) return;
      standby.src = api.mediaUrl(trackId);
      loaded.set(standby, trackId);
    },
    play() {
      if (get().trackId !== null) start(media().active);
    },
    pause() {
      elements?.active.pause();
    },
    toggle() {
      if (!elements || get().trackId === null) return;
      if (elements.active.paused) start(elements.active);
      else elements.active.pause();
    },
    seek(seconds) {
      if (elements && get().trackId !== null && Number.isFinite(seconds)) {
        elements.active.currentTime = seconds;
        set({ currentTime: seconds });
      }
    },
    setVolume(volume) {
      const clamped = Math.min(1, Math.max(0, volume));
      localStorage.setItem(VOLUME_KEY, String(clamped));
      if (elements) for (const element of [elements.active, elements.standby]) element.volume = clamped;
      set({ volume: clamped, ...(clamped > 0 ? { muted: false } : {}) });
      if (clamped > 0 && elements) for (const element of [elements.active, elements.standby]) element.muted = false;
    },
    toggleMute() {
      const muted = !get().muted;
      if (elements) for (const element of [elements.active, elements.standby]) element.muted = muted;
      set({ muted });
    },
    onEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
  };
});
