import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PANEL_NEIGHBOURS, usePlaylistsStore } from '../../stores/playlists.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';
import { Icon } from '../../components/Icon.js';
import { ReasonChips } from './ReasonChips.js';

/** Neighbours are asked for once the panel rests on a track this long, not for every track arrow keys pass. */
const NEIGHBOURS_DELAY_MS = 250;

/** The track panel's "Sounds like" section: the nearest tracks with why, and a playlist seeded by this one. */
export function SoundsLikeThis({ trackId, analysed }: { trackId: number; analysed: boolean }) {
  const { soundsLike, neighbours, loadNeighbours, setSeed, busy } = usePlaylistsStore(
    useShallow(({ soundsLike, neighbours, loadNeighbours, setSeed, busy }) => ({ soundsLike, neighbours, loadNeighbours, setSeed, busy })),
  );
  // A generated playlist open in the Playlists section can take this track as one more seed.
  const seedOf = usePlaylistsStore((state) => (state.current?.request && !state.current.request.seeds.includes(trackId) ? state.current.name : null));
  const openTrack = useTrackStore((state) => state.open);

  useEffect(() => {
    if (!analysed) return;
    const timer = window.setTimeout(() => void loadNeighbours(trackId), NEIGHBOURS_DELAY_MS);
    return () => clearTimeout(timer);
  }, [trackId, analysed, loadNeighbours]);

  const shown = neighbours?.trackId === trackId ? neighbours : null;
  return (
    <section className="panel-section sounds-like" aria-label="Sounds like">
      <div className="sounds-like__head">
        <h3 className="section-title">Sounds like</h3>
        {seedOf !== null && analysed && (
          <button className="button sounds-like__add-seed" onClick={() => void setSeed(trackId, true)} disabled={busy !== null} title={`Add this track to the seeds of “${seedOf}” and regenerate it`}>
            <Icon name="plus" /> Add as seed
          </button>
        )}
        <button
          className="button"
          onClick={() => void soundsLike(trackId)}
          disabled={!analysed}
          title={analysed ? 'A playlist of tracks that sound like this one (S)' : 'Available once the track is analysed'}
        >
          <Icon name="sparkle" /> Sounds like this
        </button>
      </div>
      {!analysed ? (
        <p className="muted">Similar tracks appear once this one is analysed.</p>
      ) : shown?.error ? (
        <p className="form-error" role="alert">
          {shown.error}
        </p>
      ) : !shown?.tracks ? (
        <ol className="sounds-like__list" aria-busy="true">
          {Array.from({ length: PANEL_NEIGHBOURS }, (_, i) => (
            <li key={i} className="sounds-like__item">
              <span className="skeleton" />
            </li>
          ))}
        </ol>
      ) : shown.tracks.length === 0 ? (
        <p className="muted">No other analysed track yet.</p>
      ) : (
        <ol className="sounds-like__list" aria-label="Most similar tracks">
          {shown.tracks.map((track) => (
            <li key={track.id} className="sounds-like__item">
              <button className="sounds-like__track" onClick={() => void openTrack(track.id)} title="Show this track">
                <span className="cell-strong">{track.title ?? track.fileName}</span>
                {track.artist && <span className="muted">{track.artist}</span>}
              </button>
              <ReasonChips reasons={track.reasons} score={track.score} />
              <button
                className="icon-button sounds-like__queue"
                aria-label={`Add ${track.title ?? track.fileName} to the queue`}
                title="Add to queue"
                onClick={() => useQueueStore.getState().addToQueue([track.id])}
              >
                <Icon name="queue" size={14} />
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
