import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from './api/client.js';
import { Icon } from './components/Icon.js';
import { numberFormat } from './components/format.js';
import { AddFolder } from './features/folders/AddFolder.js';
import { FolderList } from './features/folders/FolderList.js';
import { ScanStatus } from './features/folders/ScanStatus.js';
import { ConfusionPage } from './features/confusion/ConfusionPage.js';
import { GenreEditsHost } from './features/genres/GenreEditsHost.js';
import { GenresPage } from './features/genres/GenresPage.js';
import { LibraryView } from './features/library/LibraryView.js';
import { MapView } from './features/map/MapView.js';
import { PlaylistsView } from './features/playlists/PlaylistsView.js';
import { TrackActions } from './features/playlists/TrackActions.js';
import { TrackPanel } from './features/track/TrackPanel.js';
import { useAppStore } from './stores/app.js';
import { useFoldersStore } from './stores/folders.js';
import { useLibraryStore } from './stores/library.js';
import { usePlayerStore } from './stores/player.js';
import { useScanStore } from './stores/scan.js';
import { useTrackStore } from './stores/track.js';

/** The table re-reads at most this often while a scan streams changes, so scanning never floods the UI. */
const REFRESH_INTERVAL_MS = 700;

function useCoreSubscriptions(): void {
  useEffect(() => {
    void useAppStore.getState().load();
    void useFoldersStore.getState().load();
    void useScanStore.getState().load();
    void useLibraryStore.getState().refresh();

    let refreshTimer: number | null = null;
    let lastRefresh = 0;
    const refreshLibrary = () => {
      if (refreshTimer !== null) return;
      const wait = Math.max(0, lastRefresh + REFRESH_INTERVAL_MS - performance.now());
      refreshTimer = window.setTimeout(() => {
        refreshTimer = null;
        lastRefresh = performance.now();
        void useLibraryStore.getState().refresh();
      }, wait);
    };

    const unsubscribers = [
      api.on('progress', (progress) => useScanStore.getState().receive(progress)),
      api.on('tracks-changed', ({ ids }) => {
        refreshLibrary();
        const openId = useTrackStore.getState().openId;
        if (openId !== null && ids.includes(openId)) void useTrackStore.getState().refresh();
      }),
      api.on('folders-changed', () => {
        void useFoldersStore.getState().load();
        refreshLibrary();
      }),
    ];
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (refreshTimer !== null) clearTimeout(refreshTimer);
    };
  }, []);
}

const SHORTCUTS: Array<[string[], string]> = [
  [['/'], 'search'],
  [['↑', '↓'], 'move'],
  [['Enter'], 'open'],
  [['Space'], 'play'],
  [['E'], 'edit genre'],
  [['X'], 'tick'],
  [['Ctrl', 'Z'], 'undo'],
  [['S'], 'sounds like'],
  [['Esc'], 'close'],
];

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

export function App() {
  const searchRef = useRef<HTMLInputElement>(null);
  const { fatal, section, setSection } = useAppStore(useShallow(({ fatal, section, setSection }) => ({ fatal, section, setSection })));
  const showLibrary = (libraryView: 'all' | 'problems') => {
    setSection('library');
    setView(libraryView);
  };
  const inLibrary = (libraryView: 'all' | 'problems') => section === 'library' && view === libraryView;
  const { view, setView, errorCount, libraryTotal } = useLibraryStore(
    useShallow((state) => ({ view: state.view, setView: state.setView, errorCount: state.facets.errorCount, libraryTotal: state.libraryTotal })),
  );
  const trackOpen = useTrackStore((state) => state.openId !== null);
  // Before the first folder, the main area's empty state holds the folder form.
  const hasFolders = useFoldersStore((state) => state.folders.length > 0);
  useCoreSubscriptions();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '/' && !isTyping(event.target)) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (event.key === 'Escape' && useTrackStore.getState().openId !== null) {
        useTrackStore.getState().close();
        document.querySelector<HTMLElement>('.table__body')?.focus();
      } else if (event.key === ' ' && useTrackStore.getState().openId !== null && !isTyping(event.target) && !(event.target instanceof HTMLButtonElement)) {
        event.preventDefault();
        usePlayerStore.getState().toggle();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className={`app${trackOpen ? ' app--track-open' : ''}`}>
      <nav className="sidebar" aria-label="Sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          <span className="brand__name">Timbre</span>
        </div>
        <div className="nav">
          <button className={`nav__item${inLibrary('all') ? ' nav__item--active' : ''}`} onClick={() => showLibrary('all')} aria-current={inLibrary('all')}>
            <Icon name="library" /> Library
            <span className="nav__badge">{numberFormat.format(libraryTotal)}</span>
          </button>
          <button
            className={`nav__item${inLibrary('problems') ? ' nav__item--active' : ''}`}
            onClick={() => showLibrary('problems')}
            aria-current={inLibrary('problems')}
          >
            <Icon name="alert" /> Problems
            {errorCount > 0 && <span className="nav__badge nav__badge--alert">{numberFormat.format(errorCount)}</span>}
          </button>
          <button className={`nav__item${section === 'genres' ? ' nav__item--active' : ''}`} onClick={() => setSection('genres')} aria-current={section === 'genres'}>
            <Icon name="tag" /> Genres
          </button>
          <button className={`nav__item${section === 'confusion' ? ' nav__item--active' : ''}`} onClick={() => setSection('confusion')} aria-current={section === 'confusion'}>
            <Icon name="grid" /> Confusion
          </button>
          <button className={`nav__item${section === 'playlists' ? ' nav__item--active' : ''}`} onClick={() => setSection('playlists')} aria-current={section === 'playlists'}>
            <Icon name="playlist" /> Playlists
          </button>
          <button className={`nav__item${section === 'map' ? ' nav__item--active' : ''}`} onClick={() => setSection('map')} aria-current={section === 'map'}>
            <Icon name="map" /> Map
          </button>
        </div>
        <h2 className="sidebar__heading">Folders</h2>
        <FolderList />
        {hasFolders && <AddFolder />}
        <div className="sidebar__spacer" />
        <ScanStatus />
        <dl className="sidebar__keys" aria-label="Keyboard shortcuts">
          {SHORTCUTS.map(([keys, action]) => (
            <div key={action}>
              <dt>
                {keys.map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
      </nav>
      {fatal ? (
        <main className="library">
          <div className="notice notice--error">{fatal}</div>
        </main>
      ) : (
        <>
          {section === 'library' && <LibraryView searchRef={searchRef} />}
          {section === 'playlists' && <PlaylistsView />}
          {section === 'map' && <MapView />}
          {section === 'genres' && <GenresPage />}
          {section === 'confusion' && <ConfusionPage />}
        </>
      )}
      <TrackPanel />
      <GenreEditsHost />
      <TrackActions />
    </div>
  );
}
