import { create } from 'zustand';
import type { ConfusionMatrix, ModelVersionInfo, RetrainProgress, TrackRow } from '../../core/api/contract.js';
import { api } from '../api/client.js';
import { useLibraryStore } from './library.js';

export interface ConfusionCell {
  confirmed: string;
  predicted: string;
}

interface ConfusionState {
  versions: ModelVersionInfo[];
  /** The version shown; null follows the active one. */
  versionId: number | null;
  matrix: ConfusionMatrix | null;
  /** Row-normalised (each confirmed genre's row sums to 100%) instead of counts. */
  normalised: boolean;
  cell: ConfusionCell | null;
  cellTracks: TrackRow[];
  progress: RetrainProgress | null;
  /** The page is on screen: changes re-read it at once (otherwise on the next visit). */
  visible: boolean;
  stale: boolean;
  loading: boolean;
  /** A load has finished at least once (empty states wait for it). */
  loaded: boolean;
  error: string | null;

  /** Reads versions, the matrix and the open cell's tracks. */
  load(): Promise<void>;
  loadProgress(): Promise<void>;
  setVisible(visible: boolean): void;
  /** Genres or the model changed: re-read now if shown, else when next shown. */
  invalidate(): void;
  selectVersion(versionId: number | null): Promise<void>;
  setNormalised(normalised: boolean): void;
  openCell(cell: ConfusionCell | null): Promise<void>;
  startRetrain(): Promise<void>;
  receiveProgress(progress: RetrainProgress): void;
  activate(versionId: number): Promise<void>;
}

export const useConfusionStore = create<ConfusionState>((set, get) => {
  let loadGeneration = 0;
  const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

  const loadCell = async (cell: ConfusionCell | null, versionId: number | undefined) => {
    if (!cell) return [];
    return api.call('confusionTracks', { versionId, confirmed: cell.confirmed, predicted: cell.predicted });
  };

  return {
    versions: [],
    versionId: null,
    matrix: null,
    normalised: false,
    cell: null,
    cellTracks: [],
    progress: null,
    visible: false,
    stale: true,
    loading: false,
    loaded: false,
    error: null,

    async load() {
      const generation = ++loadGeneration;
      set({ loading: true, stale: false });
      try {
        const versions = await api.call('listModelVersions');
        if (versions.length === 0) {
          // Nothing analysed yet: no model has made a prediction to compare with.
          if (generation === loadGeneration) set({ versions, versionId: null, matrix: null, cell: null, cellTracks: [], error: null });
          return;
        }
        const versionId = versions.some((version) => version.id === get().versionId) ? get().versionId : null;
        const matrix = await api.call('confusion', versionId === null ? {} : { versionId });
        if (generation !== loadGeneration) return;
        set({ versions, versionId, matrix, error: null });
        // The open cell's tracks follow the new figures (a cell gone from the matrix closes).
        const cell = get().cell;
        if (cell && !(matrix.labels.includes(cell.confirmed) && matrix.labels.includes(cell.predicted))) set({ cell: null, cellTracks: [] });
        else if (cell) {
          const cellTracks = await loadCell(cell, matrix.versionId);
          // The user may have opened another cell meanwhile.
          if (get().cell === cell) set({ cellTracks });
        }
      } catch (error) {
        if (generation === loadGeneration) set({ error: messageOf(error) });
      } finally {
        if (generation === loadGeneration) set({ loading: false, loaded: true });
      }
    },
    async loadProgress() {
      try {
        set({ progress: await api.call('retrainStatus') });
      } catch {
        // Shown as idle; starting a retrain reports any problem.
      }
    },
    setVisible(visible) {
      set({ visible });
      if (visible && get().stale) void get().load();
    },
    invalidate() {
      if (get().visible) void get().load();
      else set({ stale: true });
    },
    async selectVersion(versionId) {
      set({ versionId, cell: null, cellTracks: [] });
      await get().load();
    },
    setNormalised: (normalised) => set({ normalised }),
    async openCell(cell) {
      set({ cell, cellTracks: [] });
      try {
        const cellTracks = await loadCell(cell, get().matrix?.versionId);
        if (get().cell === cell) set({ cellTracks });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },
    async startRetrain() {
      const previous = get().progress;
      // Shown at once; the core's progress events take over as they come.
      set({ progress: { state: 'running', step: 0, steps: 1, message: 'Starting…', versionId: null }, error: null });
      try {
        await api.call('startRetrain');
      } catch (error) {
        set({ progress: previous, error: messageOf(error) });
      }
    },
    receiveProgress(progress) {
      set({ progress });
      // A finished retrain made and activated a new version: show it.
      if (progress.state === 'done') {
        set({ versionId: null });
        get().invalidate();
        void useLibraryStore.getState().refresh();
      }
    },
    async activate(versionId) {
      try {
        const versions = await api.call('activateModelVersion', { id: versionId });
        set({ versions, versionId: null });
        await get().load();
        void useLibraryStore.getState().refresh();
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },
  };
});
