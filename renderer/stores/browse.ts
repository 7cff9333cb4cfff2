import { create } from 'zustand';
import type { AlbumListing, AlbumPage, AlbumSort, ArtistListing, ArtistPage } from '../../core/api/contract.js';
import { api } from '../api/client.js';
import { useAppStore } from './app.js';

/** Where the albums and artists sections are: a listing, or one album's or artist's page. */
export type BrowsePlace = { section: 'albums'; albumKey: string | null } | { section: 'artists'; artistName: string | null };

export interface AlbumFilters {
  sort: AlbumSort;
  direction: 'asc' | 'desc';
  genreFamily: string | null;
  search: string;
}

interface BrowseState {
  place: BrowsePlace;
  /** The places before this one, for "Back". */
  history: BrowsePlace[];
  albumFilters: AlbumFilters;
  artistFilters: { genreFamily: string | null; search: string };
  albums: AlbumListing | null;
  artists: ArtistListing | null;
  album: AlbumPage | null;
  artist: ArtistPage | null;
  loading: boolean;
  error: string | null;

  /** Shows the albums grid, or the artist list. */
  showListing(section: 'albums' | 'artists'): void;
  openAlbum(key: string): void;
  openArtist(name: string): void;
  back(): void;
  setAlbumFilters(patch: Partial<AlbumFilters>): void;
  setArtistFilters(patch: Partial<BrowseState['artistFilters']>): void;
  /** Re-reads what is shown (after the library changed). */
  refresh(): Promise<void>;
}

/** Bumped on every place or filter change: answers for an older one are dropped. */
let generation = 0;

export const useBrowseStore = create<BrowseState>((set, get) => {
  /** Shows a place; from within albums or artists, the place left is remembered for "Back". */
  const go = (place: BrowsePlace, remember = true) => {
    const browsing = ['albums', 'artists'].includes(useAppStore.getState().section);
    set({ place, history: remember && browsing ? [...get().history, get().place].slice(-50) : [], album: null, artist: null });
    useAppStore.getState().setSection(place.section);
    void get().refresh();
  };

  return {
    place: { section: 'albums', albumKey: null },
    history: [],
    albumFilters: { sort: 'artist', direction: 'asc', genreFamily: null, search: '' },
    artistFilters: { genreFamily: null, search: '' },
    albums: null,
    artists: null,
    album: null,
    artist: null,
    loading: false,
    error: null,

    showListing: (section) => go(section === 'albums' ? { section, albumKey: null } : { section, artistName: null }, false),
    openAlbum: (key) => go({ section: 'albums', albumKey: key }),
    openArtist: (name) => go({ section: 'artists', artistName: name }),
    back() {
      const { history } = get();
      const previous = history.at(-1);
      if (!previous) return;
      set({ history: history.slice(0, -1), place: previous });
      useAppStore.getState().setSection(previous.section);
      void get().refresh();
    },
    setAlbumFilters(patch) {
      set({ albumFilters: { ...get().albumFilters, ...patch } });
      void get().refresh();
    },
    setArtistFilters(patch) {
      set({ artistFilters: { ...get().artistFilters, ...patch } });
      void get().refresh();
    },

    async refresh() {
      const mine = ++generation;
      const { place, albumFilters, artistFilters } = get();
      set({ loading: true });
      try {
        if (place.section === 'albums' && place.albumKey !== null) {
          const album = await api.call('getAlbum', { key: place.albumKey });
          if (mine === generation) set({ album, error: null });
        } else if (place.section === 'artists' && place.artistName !== null) {
          const artist = await api.call('getArtist', { name: place.artistName });
          if (mine === generation) set({ artist, error: null });
        } else if (place.section === 'albums') {
          const albums = await api.call('listAlbums', {
            sort: albumFilters.sort,
            direction: albumFilters.direction,
            ...(albumFilters.genreFamily ? { genreFamily: albumFilters.genreFamily } : {}),
            ...(albumFilters.search.trim() ? { search: albumFilters.search } : {}),
          });
          if (mine === generation) set({ albums, error: null });
        } else {
          const artists = await api.call('listArtists', {
            ...(artistFilters.genreFamily ? { genreFamily: artistFilters.genreFamily } : {}),
            ...(artistFilters.search.trim() ? { search: artistFilters.search } : {}),
          });
          if (mine === generation) set({ artists, error: null });
        }
      } catch (error) {
        if (mine === generation) set({ error: error instanceof Error ? error.message : String(error) });
      } finally {
        if (mine === generation) set({ loading: false });
      }
    },
  };
});
