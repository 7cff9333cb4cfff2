import { create } from 'zustand';
import type { TrackDetail } from '../../core/api/contract.js';
import { api } from '../api/client.js';

interface TrackState {
  openId: number | null;
  detail: TrackDetail | null;
  error: string | null;
  /**
   * Counts open() calls, so the panel can start each one at its top: a track opened from a playlist,
   * the map or "Sounds like" (even the one already shown, left scrolled down at its "Sounds like this"
   * button) should show its player first.
   */
  openings: number;
  open(id: number): Promise<void>;
  close(): void;
  /** Re-reads the open track (its analysis finished, say). */
  refresh(): Promise<void>;
}

export const useTrackStore = create<TrackState>((set, get) => ({
  openId: null,
  detail: null,
  error: null,
  openings: 0,
  async open(id) {
    set({ openings: get().openings + 1 });
    if (get().openId === id && get().detail) return;
    set({ openId: id, error: null, detail: get().detail?.id === id ? get().detail : null });
    await get().refresh();
  },
  close: () => set({ openId: null, detail: null, error: null }),
  async refresh() {
    const id = get().openId;
    if (id === null) return;
    try {
      const detail = await api.call('getTrack', { id });
      if (get().openId === id) set({ detail, error: null });
    } catch (error) {
      if (get().openId === id) set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
}));
