import { create } from 'zustand';
import type { LibraryMap, LibraryMapStatus } from '../../core/api/contract.js';
import { api } from '../api/client.js';

/** While a layout is being computed, its progress is asked for this often. */
const STATUS_POLL_MS = 600;

interface MapState {
  map: LibraryMap | null;
  status: LibraryMapStatus | null;
  loading: boolean;
  error: string | null;
  /** Loads the layout (waiting for it if there is none yet); a stale one is replaced once recomputed. */
  load(): Promise<void>;
  stopPolling(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
let pollTimer: number | null = null;

export const useMapStore = create<MapState>((set, get) => {
  /** Polls the status while a layout is computing, then reloads the map. */
  const poll = () => {
    if (pollTimer !== null) return;
    pollTimer = window.setTimeout(async () => {
      pollTimer = null;
      try {
        const status = await api.call('libraryMapStatus');
        set({ status });
        if (status.state === 'computing') poll();
        else if (status.state === 'ready' && status.computedAt !== get().map?.computedAt) void get().load();
      } catch (error) {
        set({ error: message(error) });
      }
    }, STATUS_POLL_MS);
  };

  return {
    map: null,
    status: null,
    loading: false,
    error: null,
    async load() {
      if (get().loading) return;
      set({ loading: true, error: null });
      poll(); // shows progress while the first layout is computed
      try {
        const map = await api.call('libraryMap');
        set({ map, loading: false });
        if (map.stale) poll();
      } catch (error) {
        set({ loading: false, error: message(error) });
      }
    },
    stopPolling() {
      if (pollTimer !== null) clearTimeout(pollTimer);
      pollTimer = null;
    },
  };
});
