import { create } from 'zustand';
import type { AppInfo } from '../../core/api/contract.js';
import { api } from '../api/client.js';

/** The main area's page; the track panel stays beside whichever is shown. */
export type Section =
  | 'library'
  | 'playlists'
  | 'map'
  | 'genres'
  | 'confusion'
  | 'queue'
  | 'albums'
  | 'artists';

interface AppState {
  info: AppInfo | null;
  section: Section;
  setSection(section: Section): void;
  /** A message for the user when the app cannot reach the core. */
  fatal: string | null;
  load(): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  section: 'library',
  setSection: (section) => set({ section }),
  fatal: null,
  async load() {
    try {
      set({ info: await api.call('appInfo'), fatal: null });
    } catch (error) {
      set({ fatal: error instanceof Error ? error.message : String(error) });
    }
  },
}));
