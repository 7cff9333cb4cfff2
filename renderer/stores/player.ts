import { create } from 'zustand';

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
      element.play().catch((error: unknown) => set({ error: error instanceof Error ? error.message : String(error) }));
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
