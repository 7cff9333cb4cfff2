import { useEffect } from 'react';
import { usePlayerStore } from '../../stores/player.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

/**
 * The player's keys, anywhere but in a text field: Space plays or pauses (with nothing loaded, it plays
 * the open track), Ctrl/Cmd+← and → go to the previous and next track. Keys a view handles first (the
 * map's arrows) stay the view's.
 */
export function PlayerKeys() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || isTyping(event.target)) return;
      const queue = useQueueStore.getState();
      if (event.key === ' ' && !event.ctrlKey && !event.metaKey && !(event.target instanceof HTMLButtonElement)) {
        const player = usePlayerStore.getState();
        const openId = useTrackStore.getState().openId;
        if (player.trackId !== null) player.toggle();
        else if (openId !== null) queue.playTrack(openId);
        else return;
        event.preventDefault();
      } else if ((event.ctrlKey || event.metaKey) && !event.shiftKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
        event.preventDefault();
        if (event.key === 'ArrowRight') queue.next();
        else queue.previous();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  return null;
}
