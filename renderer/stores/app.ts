import { create } from 'zustand';
import type { AppInfo } from '../../core/api/contract.js';
import { api } from '../api/client.js';

interface AppState {
  info: AppInfo | null;
  /** A message for the user when the app cannot reach the core. */
  fatal: string | null;
  load(): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  fatal: null,
  async load() {
    try {
      set({ info: await api.call('appInfo'), fatal: null });
    } catch (error) {
      set({ fatal: error instanceof Error ? error.message : String(error) });
    }
  },
}));
