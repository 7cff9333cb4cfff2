import { create } from 'zustand';

/** What the panel says when the audio element cannot load the file (moved, deleted, or a format it cannot decode). */
export const UNPLAYABLE = 'This file cannot be played. It may have been moved or deleted, or its format is not supported here.';

/** The one <audio> element of the track panel, and its state for playheads and the keyboard. */
interface PlayerState {
  element: HTMLAudioElement | null;
  playing: boolean;
  currentTime: number;
  duration: number;
  error: string | null;
  attach(element: HTMLAudioElement | null): void;
  toggle(): void;
  seek(seconds: number): void;
  update(patch: Partial<Pick<PlayerState, 'playing' | 'currentTime' | 'duration' | 'error'>>): void;
}

export const usePlayerStore = create<PlayerState>((set, get) => ({
  element: null,
  playing: false,
  currentTime: 0,
  duration: 0,
  error: null,
  attach: (element) => set({ element, playing: false, currentTime: 0, duration: 0, error: null }),
  toggle() {
    const { element } = get();
    if (!element) return;
    if (element.paused) {
      element.play().catch((error: unknown) => {
        // A play() cut short by a pause or the next track is no failure; the browser's own words for a
        // source it cannot load ("The element has no supported sources.") mean nothing to a listener.
        if (error instanceof DOMException && error.name === 'AbortError') return;
        const unplayable = element.error !== null || (error instanceof DOMException && error.name === 'NotSupportedError');
        set({ playing: false, error: unplayable ? UNPLAYABLE : error instanceof Error ? error.message : String(error) });
      });
    } else {
      element.pause();
    }
  },
  seek(seconds) {
    const { element } = get();
    if (element && Number.isFinite(seconds)) element.currentTime = seconds;
  },
  update: (patch) => set(patch),
}));
