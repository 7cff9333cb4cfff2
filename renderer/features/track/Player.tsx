import { useEffect, useRef } from 'react';
import { api } from '../../api/client.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration } from '../../components/format.js';
import { UNPLAYABLE, usePlayerStore } from '../../stores/player.js';

/** Plays the track: HTTP range requests in web mode, the timbre-media: protocol in Electron. */
export function Player({ trackId, fallbackDuration }: { trackId: number; fallbackDuration: number | null }) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const { playing, currentTime, duration, error, attach, toggle, seek, update } = usePlayerStore();

  useEffect(() => {
    attach(audioRef.current);
    return () => attach(null);
  }, [trackId, attach]);

  const length = duration || fallbackDuration || 0;
  return (
    <div className="player">
      <audio
        ref={audioRef}
        src={api.mediaUrl(trackId)}
        preload="metadata"
        onPlay={() => update({ playing: true, error: null })}
        onPause={() => update({ playing: false })}
        onEnded={() => update({ playing: false })}
        onTimeUpdate={(event) => update({ currentTime: event.currentTarget.currentTime })}
        onLoadedMetadata={(event) => update({ duration: event.currentTarget.duration })}
        onError={() => update({ playing: false, error: UNPLAYABLE })}
      />
      <button className="play-button" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'} title={`${playing ? 'Pause' : 'Play'} (Space)`}>
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
        aria-label="Seek"
      />
      <span className="player__time">{formatDuration(length)}</span>
      {error && <span className="player__error" role="alert">{error}</span>}
    </div>
  );
}
