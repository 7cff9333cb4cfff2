import type { TrackRow } from '../../../core/api/contract.js';
import { usePlayerStore } from '../../stores/player.js';
import { useQueueStore } from '../../stores/queue.js';

/** Seconds the OS's skip-backward and skip-forward buttons move by when they do not say. */
const SKIP_SEC = 10;

/**
 * Hands the player to the OS through the MediaSession API (browser and Electron alike): media keys,
 * the lock screen and the system's media controls play, pause, skip and seek it, and show the track.
 * Returns the teardown.
 */
export function connectMediaSession(): () => void {
  if (!('mediaSession' in navigator)) return () => {};
  const session = navigator.mediaSession;
  const player = () => usePlayerStore.getState();
  const handlers: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
    ['play', () => player().play()],
    ['pause', () => player().pause()],
    ['stop', () => player().pause()],
    ['previoustrack', () => useQueueStore.getState().previous()],
    ['nexttrack', () => useQueueStore.getState().next()],
    ['seekto', (details) => details.seekTime !== undefined && player().seek(details.seekTime)],
    ['seekbackward', (details) => player().seek(Math.max(0, player().currentTime - (details.seekOffset ?? SKIP_SEC)))],
    ['seekforward', (details) => player().seek(Math.min(player().duration || Infinity, player().currentTime + (details.seekOffset ?? SKIP_SEC)))],
  ];
  for (const [action, handler] of handlers) {
    try {
      session.setActionHandler(action, handler);
    } catch {
      // An action this browser does not know (older Chromium: 'stop', the seeks) is simply not offered.
    }
  }

  let shownFor: TrackRow | null | undefined;
  const update = () => {
    const { trackId, playing, duration, currentTime } = player();
    const row = trackId === null ? null : (useQueueStore.getState().rows[trackId] ?? null);
    if (row !== shownFor) {
      shownFor = row;
      session.metadata = row ? new MediaMetadata({ title: row.title ?? row.fileName, artist: row.artist ?? '', album: row.album ?? '' }) : null;
    }
    session.playbackState = trackId === null ? 'none' : playing ? 'playing' : 'paused';
    if (duration > 0 && Number.isFinite(duration)) {
      try {
        session.setPositionState({ duration, position: Math.min(currentTime, duration), playbackRate: 1 });
      } catch {
        // A position past a duration still being worked out: the next update sets it.
      }
    }
  };
  update();
  const unsubscribers = [usePlayerStore.subscribe(update), useQueueStore.subscribe(update)];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    for (const [action] of handlers) {
      try {
        session.setActionHandler(action, null);
      } catch {
        // Never set.
      }
    }
  };
}
