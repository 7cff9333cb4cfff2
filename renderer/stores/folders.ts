import { create } from 'zustand';
import type { FolderView } from '../../core/api/contract.js';
import { api } from '../api/client.js';

interface FoldersState {
  folders: FolderView[];
  loaded: boolean;
  /** The last add/remove failure, shown under the folder form. */
  error: string | null;
  busy: boolean;
  load(): Promise<void>;
  add(path: string): Promise<boolean>;
  /** Opens the native dialog (Electron) and adds what the user picked. */
  choose(): Promise<void>;
  remove(id: number): Promise<void>;
  clearError(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const useFoldersStore = create<FoldersState>((set, get) => ({
  folders: [],
  loaded: false,
  error: null,
  busy: false,
  async load() {
    try {
      set({ folders: await api.call('listFolders'), loaded: true });
    } catch (error) {
      set({ error: message(error), loaded: true });
    }
  },
  async add(path) {
    set({ busy: true, error: null });
    try {
      await api.call('addFolder', { path });
      await get().load();
      return true;
    } catch (error) {
      set({ error: message(error) });
      return false;
    } finally {
      set({ busy: false });
    }
  },
  async choose() {
    const { path } = await api.call('chooseFolder');
    if (path) await get().add(path);
  },
  async remove(id) {
    set({ busy: true, error: null });
    try {
      await api.call('removeFolder', { id });
      await get().load();
    } catch (error) {
      set({ error: message(error) });
    } finally {
      set({ busy: false });
    }
  },
  clearError: () => set({ error: null }),
}));
