import { useEffect, useRef, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from './api/client.js';
import { Icon, type IconName } from './components/Icon.js';
import { numberFormat } from './components/format.js';
import { AddFolder } from './features/folders/AddFolder.js';
import { FolderList } from './features/folders/FolderList.js';
import { RailScanProgress, ScanStatus } from './features/folders/ScanStatus.js';
import { ConfusionPage } from './features/confusion/ConfusionPage.js';
import { GenreEditsHost } from './features/genres/GenreEditsHost.js';
import { GenresPage } from './features/genres/GenresPage.js';
import { LibraryView } from './features/library/LibraryView.js';
import { MapView } from './features/map/MapView.js';
import { NowPlayingBar } from './features/player/NowPlayingBar.js';
import { PlayerKeys } from './features/player/PlayerKeys.js';
import { QueueView } from './features/player/QueueView.js';
import { PlaylistsView } from './features/playlists/PlaylistsView.js';
import { AlbumsView } from './features/albums/AlbumsView.js';
import { NowPlayingArt } from './features/albums/NowPlayingArt.js';
import { ArtistsView } from './features/artists/ArtistsView.js';
import { useBrowseStore } from './stores/browse.js';
import { TrackActions } from './features/playlists/TrackActions.js';
import { TrackPanel } from './features/track/TrackPanel.js';
import { useAppStore } from './stores/app.js';
import { useFoldersStore } from './stores/folders.js';
import { useLibraryStore } from './stores/library.js';
import { useScanStore } from './stores/scan.js';
import { selectSidebarExpanded, useSidebarStore } from './stores/sidebar.js';
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
        if (['albums', 'artists'].includes(useAppStore.getState().section)) void useBrowseStore.getState().refresh();
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
  [['Space'], 'play / pause'],
  [['Ctrl', '←', '→'], 'previous / next'],
  [['E'], 'edit genre'],
  [['X'], 'tick'],
  [['Ctrl', 'Z'], 'undo'],
  [['S'], 'sounds like'],
  [['Esc'], 'close'],
];

/** A section's button in the sidebar; in the icon rail its label is out of sight but still names the button, and is its tooltip. */
function NavItem({ icon, label, active, onClick, badge }: { icon: IconName; label: string; active: boolean; onClick(): void; badge?: ReactNode }) {
  const expanded = useSidebarStore(selectSidebarExpanded);
  return (
    <button className={`nav__item${active ? ' nav__item--active' : ''}`} onClick={onClick} aria-current={active} title={expanded ? undefined : label}>
      <Icon name={icon} /> <span className={expanded ? undefined : 'visually-hidden'}>{label}</span>
      {badge}
    </button>
  );
}

/** Folds the sidebar to its icon rail and back (in a narrow window: opens it over the content). */
function SidebarToggle() {
  const expanded = useSidebarStore(selectSidebarExpanded);
  const toggle = useSidebarStore((state) => state.toggle);
  return (
    <button
      type="button"
      className="icon-button sidebar__toggle"
      aria-label="Sidebar"
      aria-expanded={expanded}
      aria-controls="sidebar"
      title={expanded ? 'Collapse the sidebar' : 'Expand the sidebar'}
      onClick={toggle}
    >
      <Icon name="sidebar" />
    </button>
  );
}

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
  const sidebarExpanded = useSidebarStore(selectSidebarExpanded);
  const { narrow, openOver, collapsed, closeOver } = useSidebarStore();
  const sidebarRef = useRef<HTMLElement>(null);
  // Before the first folder, the main area's empty state holds the folder form.
  const hasFolders = useFoldersStore((state) => state.folders.length > 0);
  useCoreSubscriptions();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'Escape' && useSidebarStore.getState().openOver) {
        useSidebarStore.getState().closeOver();
        document.querySelector<HTMLElement>('.sidebar__toggle')?.focus();
      } else if (event.key === '/' && !isTyping(event.target)) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (event.key === 'Escape' && useTrackStore.getState().openId !== null) {
        useTrackStore.getState().close();
        document.querySelector<HTMLElement>('.table__body')?.focus();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // The sidebar opened over the content closes on a click anywhere else, like a menu.
  useEffect(() => {
    if (!openOver) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!sidebarRef.current?.contains(event.target as Node)) closeOver();
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [openOver, closeOver]);
  /** Choosing a section closes the sidebar opened over the content. */
  const go = (show: () => void) => () => {
    show();
    closeOver();
  };

  return (
    <div className={`app${trackOpen ? ' app--track-open' : ''}${narrow || collapsed ? ' app--sidebar-rail' : ''}`}>
      <nav
        id="sidebar"
        ref={sidebarRef}
        className={`sidebar${sidebarExpanded ? '' : ' sidebar--rail'}${openOver ? ' sidebar--over' : ''}`}
        aria-label="Sidebar"
      >
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          <span className={sidebarExpanded ? 'brand__name' : 'visually-hidden'}>Timbre</span>
          <SidebarToggle />
        </div>
        <div className="nav">
          <NavItem
            icon="library"
            label="Library"
            active={inLibrary('all')}
            onClick={go(() => showLibrary('all'))}
            badge={<span className="nav__badge">{numberFormat.format(libraryTotal)}</span>}
          />
          <NavItem
            icon="alert"
            label="Problems"
            active={inLibrary('problems')}
            onClick={go(() => showLibrary('problems'))}
            badge={errorCount > 0 && <span className="nav__badge nav__badge--alert">{numberFormat.format(errorCount)}</span>}
          />
          <NavItem icon="tag" label="Genres" active={section === 'genres'} onClick={go(() => setSection('genres'))} />
          <NavItem icon="grid" label="Confusion" active={section === 'confusion'} onClick={go(() => setSection('confusion'))} />
          <NavItem icon="album" label="Albums" active={section === 'albums'} onClick={go(() => useBrowseStore.getState().showListing('albums'))} />
          <NavItem icon="artist" label="Artists" active={section === 'artists'} onClick={go(() => useBrowseStore.getState().showListing('artists'))} />
          <NavItem icon="playlist" label="Playlists" active={section === 'playlists'} onClick={go(() => setSection('playlists'))} />
          <NavItem icon="map" label="Map" active={section === 'map'} onClick={go(() => setSection('map'))} />
          <NavItem icon="queue" label="Queue" active={section === 'queue'} onClick={go(() => setSection('queue'))} />
        </div>
        {sidebarExpanded ? (
          <>
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
          </>
        ) : (
          <RailScanProgress />
        )}
      </nav>
      {fatal ? (
        <main className="library">
          <div className="notice notice--error">{fatal}</div>
        </main>
      ) : (
        <>
          {section === 'library' && <LibraryView searchRef={searchRef} />}
          {section === 'playlists' && <PlaylistsView />}
          {section === 'albums' && <AlbumsView />}
          {section === 'artists' && <ArtistsView />}
          {section === 'map' && <MapView />}
          {section === 'genres' && <GenresPage />}
          {section === 'confusion' && <ConfusionPage />}
          {section === 'queue' && <QueueView />}
        </>
      )}
      <TrackPanel />
      <NowPlayingBar renderArt={(trackId) => <NowPlayingArt trackId={trackId} />} />
      <PlayerKeys />
      <GenreEditsHost />
      <TrackActions />
    </div>
  );
}
