import { create } from 'zustand';
import type { SortKey, TrackFacets, TrackQuery, TrackRow } from '../../core/api/contract.js';
import { api } from '../api/client.js';

/** Rows are fetched in pages as the table scrolls; the core answers each page from memory. */
export const PAGE_SIZE = 100;

export type LibraryView = 'all' | 'problems';

export interface LibraryFilters {
  genre: string | null;
  predictedGenre: string | null;
  /** Confidence range in percent, [0, 100] meaning "any". */
  confidence: [number, number];
  unconfirmed: boolean;
}

export const NO_FILTERS: LibraryFilters = { genre: null, predictedGenre: null, confidence: [0, 100], unconfirmed: false };

interface LibraryState {
  view: LibraryView;
  search: string;
  sort: { key: SortKey; direction: 'asc' | 'desc' } | null;
  filters: LibraryFilters;
  /** Rows matching the query, and in the whole library. */
  total: number;
  libraryTotal: number;
  /** Whether the first answer for the current query has arrived. */
  ready: boolean;
  /** Loaded pages of the current results, by page number. */
  pages: Map<number, TrackRow[]>;
  /** The query the loaded pages answer (tests and the bench wait on it). */
  resultsFor: string;
  facets: TrackFacets;
  selectedIndex: number | null;
  error: string | null;

  setView(view: LibraryView): void;
  setSearch(search: string): void;
  toggleSort(key: SortKey): void;
  setFilters(patch: Partial<LibraryFilters>): void;
  clearFilters(): void;
  /** Makes sure the rows [start, end] are loaded (the table calls it as it scrolls). */
  ensureRange(start: number, end: number): void;
  /** Re-reads the visible rows and the facets after the library changed. */
  refresh(): Promise<void>;
  loadFacets(): Promise<void>;
  /** Selects a row (clamped to the results); false when there is nothing to select. */
  select(index: number | null): boolean;
  rowAt(index: number): TrackRow | undefined;
}

/** Bumped on every query change; answers for an older generation are dropped. */
let generation = 0;
let pagesGeneration = -1;
const inFlight = new Set<string>();
let visible: [number, number] = [0, PAGE_SIZE - 1];

export function buildQuery(state: Pick<LibraryState, 'view' | 'search' | 'sort' | 'filters'>): Omit<TrackQuery, 'offset' | 'limit'> {
  const { filters } = state;
  const query: Omit<TrackQuery, 'offset' | 'limit'> = {};
  if (state.search.trim()) query.search = state.search.trim();
  if (state.sort) query.sort = state.sort;
  if (state.view === 'problems') query.problems = true;
  if (filters.genre) query.genre = filters.genre;
  if (filters.predictedGenre) query.predictedGenre = filters.predictedGenre;
  const [low, high] = [Math.min(...filters.confidence), Math.max(...filters.confidence)];
  if (low > 0 || high < 100) query.confidence = [low / 100, high / 100];
  if (filters.unconfirmed) query.unconfirmed = true;
  return query;
}

export const useLibraryStore = create<LibraryState>((set, get) => {
  const pagesOf = (start: number, end: number) => {
    const pages: number[] = [];
    for (let page = Math.floor(Math.max(0, start) / PAGE_SIZE); page <= Math.floor(Math.max(0, end) / PAGE_SIZE); page += 1) pages.push(page);
    return pages;
  };

  /** Fetches pages for the current generation; the first answer of a new generation replaces the old rows. */
  const fetchPages = async (pages: number[]) => {
    const requestGeneration = generation;
    const query = buildQuery(get());
    const key = JSON.stringify(query);
    await Promise.all(
      pages.map(async (page) => {
        const flightKey = `${requestGeneration}:${page}`;
        if (inFlight.has(flightKey)) return;
        inFlight.add(flightKey);
        try {
          const result = await api.call('queryTracks', { ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
          if (requestGeneration !== generation) return;
          const fresh = pagesGeneration !== requestGeneration;
          const next = fresh ? new Map<number, TrackRow[]>() : new Map(get().pages);
          next.set(page, result.rows);
          pagesGeneration = requestGeneration;
          const selectedIndex = get().selectedIndex;
          set({
            pages: next,
            total: result.total,
            libraryTotal: result.libraryTotal,
            ready: true,
            resultsFor: key,
            error: null,
            selectedIndex: selectedIndex !== null && selectedIndex >= result.total ? (result.total ? result.total - 1 : null) : selectedIndex,
          });
        } catch (error) {
          if (requestGeneration === generation) set({ error: error instanceof Error ? error.message : String(error) });
        } finally {
          inFlight.delete(flightKey);
        }
      }),
    );
  };

  /** A new query: results start from the top. */
  const requery = () => {
    generation += 1;
    visible = [0, PAGE_SIZE - 1];
    set({ selectedIndex: null });
    void fetchPages([0]);
  };

  return {
    view: 'all',
    search: '',
    sort: null,
    filters: NO_FILTERS,
    total: 0,
    libraryTotal: 0,
    ready: false,
    pages: new Map(),
    resultsFor: '',
    facets: { genres: [], predictedGenres: [], errorCount: 0 },
    selectedIndex: null,
    error: null,

    setView(view) {
      if (get().view === view) return;
      set({ view });
      requery();
    },
    setSearch(search) {
      set({ search });
      requery();
    },
    toggleSort(key) {
      const sort = get().sort;
      // asc → desc → unsorted (the order tracks were added in).
      const next = sort?.key !== key ? { key, direction: 'asc' as const } : sort.direction === 'asc' ? { key, direction: 'desc' as const } : null;
      set({ sort: next });
      requery();
    },
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
      requery();
    },
    clearFilters() {
      set({ filters: NO_FILTERS, search: '' });
      requery();
    },
    ensureRange(start, end) {
      visible = [start, end];
      const loaded = pagesGeneration === generation ? get().pages : new Map<number, TrackRow[]>();
      const missing = pagesOf(start, end).filter((page) => !loaded.has(page));
      if (missing.length) void fetchPages(missing);
    },
    async refresh() {
      generation += 1;
      await Promise.all([fetchPages(pagesOf(visible[0], visible[1])), get().loadFacets()]);
    },
    async loadFacets() {
      try {
        set({ facets: await api.call('trackFacets') });
      } catch {
        // Facets only fill the filter menus; the table reports connection problems.
      }
    },
    select(index) {
      const total = get().total;
      const selectedIndex = index === null || total === 0 ? null : Math.min(Math.max(index, 0), total - 1);
      set({ selectedIndex });
      return selectedIndex !== null;
    },
    rowAt(index) {
      return get().pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
    },
  };
});
