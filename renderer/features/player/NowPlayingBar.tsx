import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/client.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration, genreColor } from '../../components/format.js';
import { useAppStore } from '../../stores/app.js';
import { usePlayerStore } from '../../stores/player.js';
import { useQueueStore, type RepeatMode } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';
import { connectMediaSession } from './mediaSession.js';
import './player.css';

const REPEAT_LABEL: Record<RepeatMode, string> = { off: 'Repeat: off', all: 'Repeat: all', one: 'Repeat: this track' };

/** A neutral tile where the track's art goes until one is given. */
export function ArtPlaceholder() {
  return (
    <span className="now-playing__art-placeholder" aria-hidden="true">
      <Icon name="music" size={20} />
    </span>
  );
}

/**
 * The player, always at the bottom of the window: the current track (click: its panel), transport,
 * seek, volume, shuffle and repeat. `renderArt` draws the track's art in the tile at its left.
 */
export function NowPlayingBar({ renderArt }: { renderArt?: (trackId: number) => ReactNode }) {
  const { trackId, playing, currentTime, duration, error, volume, muted } = usePlayerStore(
    useShallow(({ trackId, playing, currentTime, duration, error, volume, muted }) => ({ trackId, playing, currentTime, duration, error, volume, muted })),
  );
  const { toggle, seek, setVolume, toggleMute } = usePlayerStore(useShallow(({ toggle, seek, setVolume, toggleMute }) => ({ toggle, seek, setVolume, toggleMute })));
  const { shuffle, repeat, hasNext, count, position } = useQueueStore(
    useShallow(({ shuffle, repeat, entries, position }) => ({
      shuffle,
      repeat,
      hasNext: position + 1 < entries.length || (repeat === 'all' && entries.length > 0),
      count: entries.length,
      position,
    })),
  );
  const row = useQueueStore((state) => (trackId === null ? undefined : state.rows[trackId]));
  const skipped = useQueueStore((state) => state.skipped);
  const queueShown = useAppStore((state) => state.section === 'queue');

  useEffect(() => {
    const queue = useQueueStore.getState();
    queue.restore();
    const persist = () => useQueueStore.getState().persist();
    // The playing position is saved when playback pauses and when the page goes away, not on every tick.
    const unsubscribePlaying = usePlayerStore.subscribe((state, before) => {
      if (before.playing && !state.playing) persist();
    });
    const unsubscribeTracks = api.on('tracks-changed', ({ ids }) => {
      const rows = useQueueStore.getState().rows;
      const queued = ids.filter((id) => id in rows);
      if (queued.length) void useQueueStore.getState().loadRows(queued);
    });
    window.addEventListener('pagehide', persist);
    const disconnect = connectMediaSession();
    return () => {
      unsubscribePlaying();
      unsubscribeTracks();
      window.removeEventListener('pagehide', persist);
      disconnect();
    };
  }, []);

  const queue = useQueueStore.getState();
  const length = duration || row?.durationSec || 0;
  const title = row ? (row.title ?? row.fileName) : trackId === null ? 'Nothing playing' : row === null ? 'A track no longer in the library' : '…';
  const artist = row?.artist;
  const genre = row?.genre;
  const silent = muted || volume === 0;

  return (
    <section className="now-playing" aria-label="Now playing" data-track-id={trackId ?? undefined}>
      <button
        className="now-playing__track"
        disabled={trackId === null || !row}
        onClick={() => trackId !== null && void useTrackStore.getState().open(trackId)}
        title={trackId === null ? undefined : 'Show track details'}
      >
        <span className="now-playing__art">{trackId !== null && renderArt ? renderArt(trackId) : <ArtPlaceholder />}</span>
        <span className="now-playing__titles">
          <span className="now-playing__title" data-testid="now-playing-title">
            {title}
          </span>
          {(artist || genre) && (
            <span className="now-playing__meta">
              {artist && <span className="now-playing__artist">{artist}</span>}
              {genre && (
                <span className="now-playing__genre">
                  <span className="genre-dot" style={{ background: genreColor(genre) }} aria-hidden="true" />
                  {genre}
                </span>
              )}
            </span>
          )}
        </span>
      </button>

      <div className="now-playing__transport">
        <button
          className={`icon-button now-playing__toggle${shuffle ? ' now-playing__toggle--on' : ''}`}
          aria-pressed={shuffle}
          aria-label="Shuffle"
          title={shuffle ? 'Shuffle: on' : 'Shuffle: off'}
          onClick={() => queue.setShuffle(!shuffle)}
        >
          <Icon name="shuffle" />
        </button>
        <button className="icon-button" aria-label="Previous track" title="Previous (Ctrl+←)" disabled={count === 0} onClick={() => queue.previous()}>
          <Icon name="previous" />
        </button>
        <button className="play-button" aria-label={playing ? 'Pause' : 'Play'} title={`${playing ? 'Pause' : 'Play'} (Space)`} disabled={trackId === null} onClick={toggle}>
          <Icon name={playing ? 'pause' : 'play'} size={18} />
        </button>
        <button className="icon-button" aria-label="Next track" title="Next (Ctrl+→)" disabled={!hasNext} onClick={() => queue.next()}>
          <Icon name="next" />
        </button>
        <button
          className={`icon-button now-playing__toggle${repeat !== 'off' ? ' now-playing__toggle--on' : ''}`}
          aria-label="Repeat"
          data-repeat={repeat}
          title={REPEAT_LABEL[repeat]}
          onClick={() => queue.cycleRepeat()}
        >
          <Icon name={repeat === 'one' ? 'repeatOne' : 'repeat'} />
        </button>
      </div>

      <div className="now-playing__seek">
        <span className="now-playing__time">{formatDuration(currentTime)}</span>
        <input
          className="now-playing__range"
          type="range"
          min={0}
          max={length || 1}
          step={0.1}
          value={Math.min(currentTime, length || 1)}
          disabled={trackId === null}
          onChange={(event) => seek(event.target.valueAsNumber)}
          aria-label="Seek"
          aria-valuetext={`${formatDuration(currentTime)} of ${formatDuration(length)}`}
        />
        <span className="now-playing__time">{formatDuration(length)}</span>
      </div>

      <div className="now-playing__side">
        <button className="icon-button" aria-label={silent ? 'Unmute' : 'Mute'} title={silent ? 'Unmute' : 'Mute'} onClick={toggleMute}>
          <Icon name={silent ? 'mute' : 'volume'} />
        </button>
        <input
          className="now-playing__volume"
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={muted ? 0 : volume}
          onChange={(event) => setVolume(event.target.valueAsNumber)}
          aria-label="Volume"
          aria-valuetext={`${Math.round((muted ? 0 : volume) * 100)}%`}
        />
        <button
          className={`icon-button now-playing__toggle${queueShown ? ' now-playing__toggle--on' : ''}`}
          aria-label="Queue"
          aria-pressed={queueShown}
          title={count ? `Queue: ${position + 1} of ${count}` : 'Queue'}
          onClick={() => useAppStore.getState().setSection('queue')}
        >
          <Icon name="queue" />
        </button>
      </div>
      {error ? (
        <p className="now-playing__error" role="alert">
          {error}
        </p>
      ) : (
        skipped && (
          <p className="now-playing__notice" role="status">
            {skipped}
          </p>
        )
      )}
    </section>
  );
}
