import { create } from 'zustand';
import type { PretrainedModelView } from '../../core/api/contract.js';
import { api } from '../api/client.js';

interface PretrainedState {
  /** null until loaded. */
  models: PretrainedModelView[] | null;
  error: string | null;
  load(): Promise<void>;
}

export const usePretrainedStore = create<PretrainedState>((set) => ({
  models: null,
  error: null,
  async load() {
    try {
      set({ models: await api.call('listPretrainedModels'), error: null });
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
}));
