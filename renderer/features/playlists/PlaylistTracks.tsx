import type { KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PlaylistEntry } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration, genreColor } from '../../components/format.js';
import { useRowReorder } from '../../components/useRowReorder.js';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { useTrackStore } from '../../stores/track.js';
import { ReasonChips } from './ReasonChips.js';

/**
 * The playlist's tracks in play order. Reorder by dragging a row, with the ↑/↓ buttons, or with
 * Alt+↑/↓ on a focused row; each row says why it is there and can steer the next regeneration.
 */
export function PlaylistTracks() {
  const { current, move, remove, steer, playFrom, playingIndex } = usePlaylistsStore(
    useShallow(({ current, move, remove, steer, playFrom, playingIndex }) => ({ current, move, remove, steer, playFrom, playingIndex })),
  );
  const openTrack = useTrackStore((state) => state.open);
  const openId = useTrackStore((state) => state.openId);
  const { dragState, rowDragProps } = useRowReorder((from, to) => void move(from, to));
  if (!current) return null;
  const entries = current.entries;
  const seeds = new Set(current.request?.seeds ?? []);
  const onlySeed = current.request?.seeds.length === 1 ? current.request.seeds[0] : null;
  const steerable = current.request !== null;

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    const to = index + (event.key === 'ArrowUp' ? -1 : 1);
    void move(index, to).then(() => document.querySelector<HTMLElement>(`.playlist-row[data-index="${to}"]`)?.focus());
  };

  if (entries.length === 0) {
    return <p className="playlist-controls__note muted">No track fits these options. Loosen the genres or the per-artist limit, then regenerate.</p>;
  }

  return (
    <ol className="playlist" aria-label="Playlist tracks">
      {entries.map((entry, index) => {
        const name = entry.title ?? entry.fileName;
        const classes = ['playlist-row'];
        if (index === playingIndex) classes.push('playlist-row--playing');
        if (entry.id === openId) classes.push('playlist-row--open');
        const drag = dragState(index);
        if (drag) classes.push(`playlist-row--${drag}`);
        return (
          <li
            key={entry.id}
            className={classes.join(' ')}
            data-index={index}
            data-track-id={entry.id}
            tabIndex={0}
            aria-label={`${index + 1}. ${name}${entry.artist ? ` by ${entry.artist}` : ''}`}
            aria-current={index === playingIndex ? 'true' : undefined}
            {...rowDragProps(index)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            <span className="playlist-row__grip" aria-hidden="true" title="Drag to reorder">
              <Icon name="grip" />
            </span>
            <span className="playlist-row__index">{index === playingIndex ? <Icon name="play" size={12} /> : index + 1}</span>
            <button className="icon-button playlist-row__play" aria-label={`Play from ${name}`} title="Play from here" onClick={() => void playFrom(index)}>
              <Icon name="play" size={14} />
            </button>
            <button className="playlist-row__titles" onClick={() => void openTrack(entry.id)} title="Show track details">
              <span className="cell-strong playlist-row__title">{name}</span>
              <span className="playlist-row__artist">{[entry.artist, entry.album].filter(Boolean).join(' · ')}</span>
            </button>
            <Reasons entry={entry} seed={seeds.has(entry.id)} />
            <span className="playlist-row__genre">
              {entry.genre && <span className="genre-dot" style={{ background: genreColor(entry.genre) }} aria-hidden="true" />}
              {entry.genre}
            </span>
            <span className="playlist-row__num playlist-row__tempo">{entry.tempoBpm ? `${Math.round(entry.tempoBpm)} BPM` : ''}</span>
            <span className="playlist-row__num">{formatDuration(entry.durationSec)}</span>
            <span className="playlist-row__actions">
              <button className="icon-button" aria-label={`Move ${name} up`} title="Move up (Alt+↑)" disabled={index === 0} onClick={() => void move(index, index - 1)}>
                <Icon name="up" size={14} />
              </button>
              <button
                className="icon-button"
                aria-label={`Move ${name} down`}
                title="Move down (Alt+↓)"
                disabled={index === entries.length - 1}
                onClick={() => void move(index, index + 1)}
              >
                <Icon name="down" size={14} />
              </button>
              {steerable && !seeds.has(entry.id) && (
                <>
                  <button className="icon-button" aria-label={`More like ${name}`} title="More like this (regenerates)" onClick={() => void steer(entry.id, 'more')}>
                    <Icon name="more" size={14} />
                  </button>
                  <button className="icon-button" aria-label={`Less like ${name}`} title="Less like this (regenerates)" onClick={() => void steer(entry.id, 'less')}>
                    <Icon name="less" size={14} />
                  </button>
                </>
              )}
              <button
                className="icon-button"
                aria-label={`Remove ${name}`}
                title={onlySeed === entry.id ? 'The playlist is made from this track' : 'Remove from the playlist'}
                disabled={onlySeed === entry.id}
                onClick={() => void remove(index)}
              >
                <Icon name="close" size={14} />
              </button>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Reasons({ entry, seed }: { entry: PlaylistEntry; seed: boolean }) {
  if (seed) {
    return (
      <span className="reasons">
        <span className="reason reason--seed">seed</span>
      </span>
    );
  }
  return <ReasonChips reasons={entry.reasons} score={entry.score} />;
}
