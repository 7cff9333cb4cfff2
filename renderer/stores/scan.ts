import { create } from 'zustand';
import type { ScanProgress } from '../../core/api/contract.js';
import { api } from '../api/client.js';

interface ScanState {
  progress: ScanProgress | null;
  load(): Promise<void>;
  receive(progress: ScanProgress): void;
  togglePause(): Promise<void>;
}

export const useScanStore = create<ScanState>((set, get) => ({
  progress: null,
  async load() {
    set({ progress: await api.call('scanProgress') });
  },
  receive: (progress) => set({ progress }),
  async togglePause() {
    const paused = get().progress?.paused ?? false;
    set({ progress: await api.call(paused ? 'resumeScan' : 'pauseScan') });
  },
}));
