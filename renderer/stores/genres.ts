import { create } from 'zustand';
import type { GenreEditEntry, GenreEditResult, GenreEditState, GenreInfo, GenreSpellings, TagWriteProgress } from '../../core/api/contract.js';
import { api } from '../api/client.js';
import { buildQuery, useLibraryStore } from './library.js';
import { useTrackStore } from './track.js';

/** A short message after an edit, with the action that takes it back (or, for a refused undo, forces it). */
export interface GenreToast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action: { label: string; run(): void } | null;
}

/** How long a toast stays when nobody acts on it. */
export const TOAST_MS = 7000;

const NOTHING_TO_UNDO: GenreEditState = { canUndo: false, canRedo: false, undoSummary: null, redoSummary: null };

interface GenresState {
  editState: GenreEditState;
  vocabulary: GenreInfo[];
  /** Every genre the library holds (tag spellings and confirmed genres), for the Genres page. */
  spellings: GenreSpellings | null;
  /** A bulk tag write under way (files written of the total), else null. */
  tagWrite: TagWriteProgress | null;
  /** The newest edits first, for the Genres page. */
  history: GenreEditEntry[];
  /** Every name the autocomplete offers: the vocabulary first, then built-in, tag and model genres. */
  genreNames: string[];
  /** Tracks picked for a bulk edit (check boxes, Ctrl/Cmd-click, Shift-click, select all). */
  selection: ReadonlySet<number>;
  /** The row a Shift-click extends the selection from. */
  anchorIndex: number | null;
  /** The track whose genre is being edited in the table, if any. */
  editingTrackId: number | null;
  /** Edits also write the genres into the files' tags (opt-in, remembered on this computer). */
  writeTags: boolean;
  setWriteTags(writeTags: boolean): void;
  /** An edit is on its way to the core (buttons wait for it). */
  busy: boolean;
  toast: GenreToast | null;

  loadEditState(): Promise<void>;
  loadVocabulary(): Promise<void>;
  loadHistory(): Promise<void>;
  loadSpellings(): Promise<void>;
  receiveTagWriteProgress(progress: TagWriteProgress): void;
  /** Merges genres (any spelling) into `target`; with writeTags the files get the target's spelling. */
  mergeSpellings(sources: string[], target: string): Promise<boolean>;
  renameSpelling(spelling: string, name: string): Promise<boolean>;
  splitOffSpelling(spelling: string): Promise<boolean>;
  /** Places a genre in the tree: a family id, 'outside', or null for the tree's own place. */
  mapSpelling(spelling: string, family: string | null): Promise<boolean>;
  /** After 'genres-changed' from any window: the undo state, the vocabulary and the affected views. */
  receiveChange(state: GenreEditState): void;

  setGenres(trackIds: number[], genres: string[]): Promise<boolean>;
  addGenre(trackIds: number[], genre: string): Promise<boolean>;
  removeGenre(trackIds: number[], genre: string): Promise<boolean>;
  acceptSuggestions(trackIds: number[]): Promise<boolean>;
  confirmGenres(trackIds: number[]): Promise<boolean>;
  /** With keepChangedFiles, files changed behind Timbre's back are left as they are and the rest is undone. */
  undo(options?: { keepChangedFiles?: boolean }): Promise<void>;
  redo(options?: { keepChangedFiles?: boolean }): Promise<void>;
  renameGenre(id: number, name: string): Promise<boolean>;
  mergeGenres(sourceId: number, targetId: number): Promise<boolean>;

  toggleSelected(id: number, index: number): void;
  /** Adds the loaded rows between the anchor and `index` to the selection. */
  extendSelection(index: number): void;
  /** Selects every track the library's current query matches. */
  selectAll(): Promise<void>;
  /** Empties the selection; a later Shift-click extends from `anchorIndex`. */
  resetSelection(anchorIndex?: number | null): void;
  startEditing(trackId: number): void;
  stopEditing(): void;
  showToast(message: string, tone?: GenreToast['tone'], action?: GenreToast['action']): void;
  dismissToast(): void;
}

let toastId = 0;
const WRITE_TAGS_KEY = 'timbre.genres.writeTags';
/** Edits the Genres page lists. */
const HISTORY_LENGTH = 30;

export const useGenresStore = create<GenresState>((set, get) => {
  /** Runs one edit: the views it touched re-read at once (the event that follows only confirms it). */
  const run = async (what: () => Promise<GenreEditResult>): Promise<boolean> => {
    set({ busy: true });
    try {
      const result = await what();
      set({ editState: result.state });
      if (result.summary === null) {
        get().showToast(result.skipped > 0 ? 'Nothing to change: those tracks already had it, or had nothing to accept' : 'Nothing changed');
        return false;
      }
      const [firstError] = result.fileErrors;
      const failed = firstError
        ? ` · ${result.fileErrors.length} file${result.fileErrors.length === 1 ? '' : 's'} kept ${result.fileErrors.length === 1 ? 'its' : 'their'} tags (${firstError.error})`
        : '';
      const skipped = result.skipped > 0 ? ` · ${result.skipped} skipped` : '';
      get().showToast(`${capitalise(result.summary)}${skipped}${failed}`, result.fileErrors.length ? 'error' : 'info', {
        label: 'Undo',
        run: () => void get().undo(),
      });
      afterChange(result.trackIds);
      return true;
    } catch (error) {
      get().showToast(messageOf(error), 'error');
      return false;
    } finally {
      set({ busy: false, tagWrite: null });
    }
  };

  /** Drops ticked tracks the query no longer matches (an accept under the Unconfirmed filter hides them). */
  const pruneSelection = async () => {
    if (get().selection.size === 0) return;
    try {
      const { ids } = await api.call('selectTracks', buildQuery(useLibraryStore.getState()));
      const matching = new Set(ids);
      const kept = [...get().selection].filter((id) => matching.has(id));
      if (kept.length !== get().selection.size) set({ selection: new Set(kept) });
    } catch {
      // The selection stays as it was; the next edit reports any connection problem.
    }
  };

  const afterChange = (trackIds: number[]) => {
    void useLibraryStore.getState().refresh();
    void pruneSelection();
    const openId = useTrackStore.getState().openId;
    if (openId !== null && trackIds.includes(openId)) void useTrackStore.getState().refresh();
    void get().loadVocabulary();
    void get().loadHistory();
    void get().loadSpellings();
  };

  const undoOrRedo = async (action: 'undo' | 'redo', keepChangedFiles = false) => {
    const state = get().editState;
    if (get().busy || !(action === 'undo' ? state.canUndo : state.canRedo)) return;
    set({ busy: true });
    try {
      const result = await api.call(action === 'undo' ? 'undoGenreEdit' : 'redoGenreEdit', { keepChangedFiles });
      set({ editState: result.state });
      if (result.blocked !== null) {
        get().showToast(capitalise(result.blocked), 'error', { label: `${capitalise(action)} the rest`, run: () => void undoOrRedo(action, true) });
        return;
      }
      const other = action === 'undo' ? 'redo' : 'undo';
      const kept = result.fileErrors.length ? ` · ${result.fileErrors.length} changed file${result.fileErrors.length === 1 ? '' : 's'} left as ${result.fileErrors.length === 1 ? 'it was' : 'they were'}` : '';
      get().showToast(`${action === 'undo' ? 'Undid' : 'Redid'}: ${result.summary}${kept}`, 'info', { label: capitalise(other), run: () => void get()[other]() });
      afterChange(result.trackIds);
    } catch (error) {
      get().showToast(messageOf(error), 'error');
      void get().loadEditState();
    } finally {
      set({ busy: false });
    }
  };

  return {
    editState: NOTHING_TO_UNDO,
    vocabulary: [],
    history: [],
    spellings: null,
    tagWrite: null,
    genreNames: [],
    selection: new Set(),
    anchorIndex: null,
    editingTrackId: null,
    writeTags: localStorage.getItem(WRITE_TAGS_KEY) === 'true',
    setWriteTags(writeTags) {
      localStorage.setItem(WRITE_TAGS_KEY, String(writeTags));
      set({ writeTags });
    },
    busy: false,
    toast: null,

    async loadEditState() {
      try {
        set({ editState: await api.call('genreEditState') });
      } catch {
        // The buttons stay as they were; the next edit reports any connection problem.
      }
    },
    async loadVocabulary() {
      try {
        const { genres, suggestions } = await api.call('genreVocabulary');
        const names = new Map<string, string>();
        for (const name of [...genres.map((genre) => genre.name), ...suggestions]) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
        set({ vocabulary: genres, genreNames: [...names.values()] });
      } catch {
        // The autocomplete then offers what it had.
      }
    },
    async loadHistory() {
      try {
        set({ history: await api.call('genreHistory', { limit: HISTORY_LENGTH }) });
      } catch {
        // The list keeps what it showed.
      }
    },
    async loadSpellings() {
      try {
        set({ spellings: await api.call('genreSpellings') });
      } catch {
        // The page keeps what it showed.
      }
    },
    receiveTagWriteProgress(progress) {
      set({ tagWrite: progress.done >= progress.total ? null : progress });
    },
    receiveChange(state) {
      set({ editState: state });
      void get().loadVocabulary();
      void get().loadHistory();
      void get().loadSpellings();
    },
    mergeSpellings: (sources, target) => run(() => api.call('mergeSpellings', { sources, target, writeTags: get().writeTags })),
    renameSpelling: (spelling, name) => run(() => api.call('renameSpelling', { spelling, name, writeTags: get().writeTags })),
    splitOffSpelling: (spelling) => run(() => api.call('splitOffSpelling', { spelling })),
    mapSpelling: (spelling, family) => run(() => api.call('mapSpelling', { spelling, family })),

    setGenres: (trackIds, genres) => run(() => api.call('setGenres', { trackIds, genres, writeTags: get().writeTags })),
    addGenre: (trackIds, genre) => run(() => api.call('addGenre', { trackIds, genre, writeTags: get().writeTags })),
    removeGenre: (trackIds, genre) => run(() => api.call('removeGenre', { trackIds, genre, writeTags: get().writeTags })),
    acceptSuggestions: (trackIds) => run(() => api.call('acceptSuggestions', { trackIds, writeTags: get().writeTags })),
    confirmGenres: (trackIds) => run(() => api.call('confirmGenres', { trackIds, writeTags: get().writeTags })),
    undo: (options) => undoOrRedo('undo', options?.keepChangedFiles),
    redo: (options) => undoOrRedo('redo', options?.keepChangedFiles),
    renameGenre: (id, name) => run(() => api.call('renameGenre', { id, name })),
    mergeGenres: (sourceId, targetId) => run(() => api.call('mergeGenres', { sourceId, targetId })),

    toggleSelected(id, index) {
      const selection = new Set(get().selection);
      if (selection.has(id)) selection.delete(id);
      else selection.add(id);
      set({ selection, anchorIndex: index });
    },
    extendSelection(index) {
      const anchor = get().anchorIndex ?? index;
      const { rowAt } = useLibraryStore.getState();
      const selection = new Set(get().selection);
      for (let at = Math.min(anchor, index); at <= Math.max(anchor, index); at += 1) {
        const row = rowAt(at);
        if (row) selection.add(row.id);
      }
      set({ selection, anchorIndex: anchor });
    },
    async selectAll() {
      try {
        const { ids } = await api.call('selectTracks', buildQuery(useLibraryStore.getState()));
        set({ selection: new Set(ids) });
      } catch (error) {
        get().showToast(messageOf(error), 'error');
      }
    },
    resetSelection(anchorIndex = null) {
      if (get().selection.size || get().anchorIndex !== anchorIndex) set({ selection: new Set(), anchorIndex });
    },
    startEditing: (trackId) => set({ editingTrackId: trackId }),
    stopEditing: () => set({ editingTrackId: null }),
    showToast(message, tone = 'info', action = null) {
      toastId += 1;
      set({ toast: { id: toastId, message, tone, action } });
    },
    dismissToast: () => set({ toast: null }),
  };
});

// A new search or filter starts a new selection: ticks on tracks no longer shown would be edited unseen.
useLibraryStore.subscribe((state, previous) => {
  if (state.resultsFor !== previous.resultsFor || state.view !== previous.view) useGenresStore.getState().resetSelection();
});

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
