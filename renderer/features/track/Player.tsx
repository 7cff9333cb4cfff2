import { Icon } from '../../components/Icon.js';
import { formatDuration } from '../../components/format.js';
import { usePlayerStore } from '../../stores/player.js';
import { useQueueStore } from '../../stores/queue.js';

/**
 * The track panel's controls over the app's one player: for the playing track they show its time and
 * seek it; for another track, Play plays it now and keeps the queue after it.
 */
export function Player({ trackId, fallbackDuration }: { trackId: number; fallbackDuration: number | null }) {
  const current = usePlayerStore((state) => state.trackId === trackId);
  const playing = usePlayerStore((state) => state.trackId === trackId && state.playing);
  const currentTime = usePlayerStore((state) => (state.trackId === trackId ? state.currentTime : 0));
  const duration = usePlayerStore((state) => (state.trackId === trackId ? state.duration : 0));
  const error = usePlayerStore((state) => (state.trackId === trackId ? state.error : null));
  const seek = usePlayerStore((state) => state.seek);
  const toggle = usePlayerStore((state) => state.toggle);
  const playTrack = useQueueStore((state) => state.playTrack);

  const length = duration || fallbackDuration || 0;
  return (
    <div className="player">
      <button className="play-button" onClick={() => (current ? toggle() : playTrack(trackId))} aria-label={playing ? 'Pause' : 'Play'} title={`${playing ? 'Pause' : 'Play'} (Space)`}>
        <Icon name={playing ? 'pause' : 'play'} size={18} />
      </button>
      <span className="player__time">{formatDuration(currentTime)}</span>
      <input
        className="player__seek"
        type="range"
        min={0}
        max={length || 1}
        step={0.1}
        value={Math.min(currentTime, length || 1)}
        onChange={(event) => seek(event.target.valueAsNumber)}
        disabled={!current}
        aria-label="Seek"
      />
      <span className="player__time">{formatDuration(length)}</span>
      {error && (
        <span className="player__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
