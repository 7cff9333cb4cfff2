import { useEffect } from 'react';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { useLibraryStore } from '../../stores/library.js';
import { useAppStore } from '../../stores/app.js';
import { useTrackStore } from '../../stores/track.js';
import { Glyph } from './Glyph.js';

/** The track panel's "Sounds like this": a playlist seeded by the open track. */
export function SoundsLikeThisButton({ trackId, analysed }: { trackId: number; analysed: boolean }) {
  const soundsLike = usePlaylistsStore((state) => state.soundsLike);
  return (
    <button
      className="button sounds-like"
      onClick={() => void soundsLike(trackId)}
      disabled={!analysed}
      title={analysed ? 'A playlist of tracks that sound like this one (S)' : 'Available once the track is analysed'}
    >
      <Glyph name="sparkle" /> Sounds like this
    </button>
  );
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

/** S makes a "sounds like this" playlist from the open track, or from the library's selected row. */
export function useSoundsLikeShortcut(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== 's' || isTyping(event.target)) return;
      const library = useLibraryStore.getState();
      const selectedRow = useAppStore.getState().section === 'library' && library.selectedIndex !== null ? library.rowAt(library.selectedIndex) : undefined;
      const trackId = useTrackStore.getState().openId ?? selectedRow?.id;
      if (trackId === undefined) return;
      event.preventDefault();
      void usePlaylistsStore.getState().soundsLike(trackId);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
