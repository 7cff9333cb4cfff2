import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useAppStore } from '../../stores/app.js';
import { useGenresStore } from '../../stores/genres.js';
import { useLibraryStore } from '../../stores/library.js';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

/** The library's selected row, when the library is shown. */
function selectedLibraryTrack(): number | undefined {
  const library = useLibraryStore.getState();
  if (useAppStore.getState().section !== 'library' || library.selectedIndex === null) return undefined;
  return library.rowAt(library.selectedIndex)?.id;
}

interface MenuState {
  trackId: number;
  x: number;
  y: number;
}

/**
 * Playlist and queue actions on any track, mounted once beside the app: `S` makes a "sounds like this"
 * playlist from the open track (else the library's selected row), and the context menu of a library or
 * playlist row (right click, or the menu key / Shift+F10 on the library's selected row) offers the same,
 * "add as seed", and play / play next / add to queue (the ticked tracks, when the row is one of them).
 */
export function TrackActions() {
  const [menu, setMenu] = useState<MenuState | null>(null);

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== 's' || isTyping(event.target)) return;
      const trackId = useTrackStore.getState().openId ?? selectedLibraryTrack();
      if (trackId === undefined) return;
      event.preventDefault();
      void usePlaylistsStore.getState().soundsLike(trackId);
    };
    const onContextMenu = (event: MouseEvent) => {
      if (!(event.target instanceof Element)) return;
      const row = event.target.closest<HTMLElement>('.table__row[data-track-id], .playlist-row[data-track-id]');
      // From the keyboard the event targets the focused table body: the menu is for its selected row.
      const fromKeyboard = !row && event.target.closest('.table__body') !== null;
      const trackId = row ? Number(row.dataset.trackId) : fromKeyboard ? selectedLibraryTrack() : undefined;
      if (trackId === undefined) return;
      event.preventDefault();
      const anchor = (row ?? document.querySelector<HTMLElement>('.table__row--selected'))?.getBoundingClientRect();
      const x = event.clientX || (anchor ? anchor.left + 40 : 0);
      const y = event.clientY || (anchor ? anchor.bottom : 0);
      setMenu({ trackId, x, y });
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('contextmenu', onContextMenu);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('contextmenu', onContextMenu);
    };
  }, []);

  return menu ? <TrackMenu menu={menu} onClose={() => setMenu(null)} /> : null;
}

function TrackMenu({ menu, onClose }: { menu: MenuState; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState({ left: menu.x, top: menu.y });
  const seedOf = usePlaylistsStore((state) => (state.current?.request && !state.current.request.seeds.includes(menu.trackId) ? state.current.name : null));
  // A row among the ticked ones acts for all of them; another row, for itself.
  const selection = useGenresStore((state) => state.selection);
  const ticked = selection.has(menu.trackId) && selection.size > 1 ? [...selection] : null;
  const ids = ticked ?? [menu.trackId];
  const what = ticked ? ` ${ticked.length} tracks` : '';
  const queue = useQueueStore.getState();
  const items: Array<{ label: string; run(): void }> = [
    { label: 'Sounds like this', run: () => void usePlaylistsStore.getState().soundsLike(menu.trackId) },
    ...(seedOf !== null ? [{ label: `Add as seed of “${seedOf}”`, run: () => void usePlaylistsStore.getState().setSeed(menu.trackId, true) }] : []),
    { label: `Play${what}`, run: () => (ticked ? queue.playNow(ids) : queue.playTrack(menu.trackId)) },
    { label: `Play${what} next`, run: () => queue.playNext(ids) },
    { label: `Add${what} to queue`, run: () => queue.addToQueue(ids) },
  ];

  // Kept inside the window, and focused so the keyboard can use it at once.
  useLayoutEffect(() => {
    const box = ref.current!.getBoundingClientRect();
    setPosition({ left: Math.min(menu.x, window.innerWidth - box.width - 8), top: Math.min(menu.y, window.innerHeight - box.height - 8) });
    ref.current!.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  }, [menu]);

  useEffect(() => {
    const close = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    window.addEventListener('pointerdown', close, true);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      window.removeEventListener('pointerdown', close, true);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const entries = [...ref.current!.querySelectorAll<HTMLElement>('[role=menuitem]')];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      event.stopPropagation(); // Escape closes the menu, not the track panel too
      onClose();
      document.querySelector<HTMLElement>('.table__body')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      entries[(at + (event.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length]?.focus();
    }
  };

  return (
    <div ref={ref} className="track-menu" role="menu" aria-label="Track actions" style={position} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.label}
          className="track-menu__item"
          role="menuitem"
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
