import { useEffect, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration, genreColor, numberFormat } from '../../components/format.js';
import { useRowReorder } from '../../components/useRowReorder.js';
import { usePlayerStore } from '../../stores/player.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';

/** A queue of a whole library is listed from a little before the current track, this many rows at a time. */
const SHOWN_ROWS = 500;
const SHOWN_BEFORE = 20;

/**
 * The queue in play order (shuffled, when shuffle is on): the current track marked, the ones played
 * dimmed. Reorder by dragging a row, with its ↑/↓ buttons or Alt+↑/↓; remove one, or clear all but the
 * current track (with undo).
 */
export function QueueView() {
  const { entries, position, rows, shuffle, cleared } = useQueueStore(
    useShallow(({ entries, position, rows, shuffle, cleared }) => ({ entries, position, rows, shuffle, cleared })),
  );
  const playing = usePlayerStore((state) => state.playing);
  const openId = useTrackStore((state) => state.openId);
  const [start, setStart] = useState(() => Math.max(0, position - SHOWN_BEFORE));
  const queue = useQueueStore.getState();
  const { dragState, rowDragProps } = useRowReorder((from, to) => queue.move(from, to));

  useEffect(() => {
    void useQueueStore.getState().loadRows();
  }, []);

  const remaining = entries.slice(position + 1).reduce((sum, entry) => sum + (rows[entry.trackId]?.durationSec ?? 0), 0);
  const first = Math.min(start, Math.max(0, entries.length - SHOWN_ROWS));
  const shown = entries.slice(first, first + SHOWN_ROWS);

  const focusRow = (index: number) => requestAnimationFrame(() => document.querySelector<HTMLElement>(`.queue-row[data-index="${index}"]`)?.focus());
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    if (event.target !== event.currentTarget) return;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      const to = index + (event.key === 'ArrowUp' ? -1 : 1);
      if (to < 0 || to >= entries.length) return;
      queue.move(index, to);
      focusRow(to);
    } else if (!event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      focusRow(Math.min(entries.length - 1, Math.max(0, index + (event.key === 'ArrowUp' ? -1 : 1))));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      queue.jump(index);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      queue.remove(index);
      focusRow(Math.min(index, entries.length - 2));
    }
  };

  return (
    <main className="library queue-view" aria-label="Queue">
      <header className="library__header">
        <div className="library__title">
          <h1>Queue</h1>
          {entries.length > 0 && (
            <span className="library__count" data-testid="queue-summary">
              {`${numberFormat.format(entries.length)} ${entries.length === 1 ? 'track' : 'tracks'} · ${formatDuration(remaining)} to go${shuffle ? ' · shuffled' : ''}`}
            </span>
          )}
          <span className="page__spacer" />
          {cleared && (
            <button className="button" onClick={() => queue.undoClear()}>
              <Icon name="undo" /> Undo clear
            </button>
          )}
          <button className="button" onClick={() => queue.clear()} disabled={entries.length <= 1} title="Remove every track but the one playing">
            <Icon name="trash" /> Clear
          </button>
        </div>
      </header>
      <div className="library__body queue-view__body">
        {entries.length === 0 ? (
          <EmptyState icon="queue" title="The queue is empty">
            <p>
              Right-click a track, or ticked tracks, in the library and choose <strong>Play</strong>, <strong>Play next</strong> or{' '}
              <strong>Add to queue</strong>; a playlist's <strong>Play all</strong> queues the playlist.
            </p>
            <GoToLibraryButton />
          </EmptyState>
        ) : (
          <>
            {first > 0 && (
              <button className="link-button queue-view__more" onClick={() => setStart(Math.max(0, first - SHOWN_ROWS))}>
                {`Show ${numberFormat.format(Math.min(first, SHOWN_ROWS))} earlier tracks`}
              </button>
            )}
            <ol className="queue" aria-label="Queued tracks" start={first + 1}>
              {shown.map((entry, offset) => {
                const index = first + offset;
                const row = rows[entry.trackId];
                const name = row ? (row.title ?? row.fileName) : row === null ? 'A track no longer in the library' : 'Loading…';
                const isCurrent = index === position;
                const classes = ['queue-row'];
                if (isCurrent) classes.push('queue-row--current');
                if (index < position) classes.push('queue-row--played');
                if (entry.trackId === openId) classes.push('queue-row--open');
                const drag = dragState(index);
                if (drag) classes.push(`queue-row--${drag}`);
                return (
                  <li
                    key={entry.key}
                    className={classes.join(' ')}
                    data-index={index}
                    data-track-id={entry.trackId}
                    tabIndex={0}
                    aria-label={`${index + 1}. ${name}${row?.artist ? ` by ${row.artist}` : ''}${isCurrent ? ', now playing' : ''}`}
                    aria-current={isCurrent ? 'true' : undefined}
                    {...rowDragProps(index)}
                    onKeyDown={(event) => onKeyDown(event, index)}
                  >
                    <span className="queue-row__grip" aria-hidden="true" title="Drag to reorder">
                      <Icon name="grip" />
                    </span>
                    <span className="queue-row__index">{isCurrent ? <Icon name={playing ? 'volume' : 'pause'} size={14} /> : index + 1}</span>
                    <button
                      className="icon-button queue-row__play"
                      aria-label={isCurrent && playing ? `Pause ${name}` : `Play ${name}`}
                      title={isCurrent && playing ? 'Pause' : 'Play this now'}
                      onClick={() => (isCurrent ? usePlayerStore.getState().toggle() : queue.jump(index))}
                    >
                      <Icon name={isCurrent && playing ? 'pause' : 'play'} size={14} />
                    </button>
                    <button className="queue-row__titles" onClick={() => void useTrackStore.getState().open(entry.trackId)} title="Show track details" disabled={!row}>
                      <span className="cell-strong queue-row__title">{name}</span>
                      <span className="queue-row__artist">{[row?.artist, row?.album].filter(Boolean).join(' · ')}</span>
                    </button>
                    <span className="queue-row__genre">
                      {row?.genre && <span className="genre-dot" style={{ background: genreColor(row.genre) }} aria-hidden="true" />}
                      {row?.genre}
                    </span>
                    <span className="queue-row__num">{formatDuration(row?.durationSec ?? null)}</span>
                    <span className="queue-row__actions">
                      <button className="icon-button" aria-label={`Move ${name} up`} title="Move up (Alt+↑)" disabled={index === 0} onClick={() => queue.move(index, index - 1)}>
                        <Icon name="up" size={14} />
                      </button>
                      <button
                        className="icon-button"
                        aria-label={`Move ${name} down`}
                        title="Move down (Alt+↓)"
                        disabled={index === entries.length - 1}
                        onClick={() => queue.move(index, index + 1)}
                      >
                        <Icon name="down" size={14} />
                      </button>
                      <button className="icon-button" aria-label={`Remove ${name} from the queue`} title="Remove (Delete)" onClick={() => queue.remove(index)}>
                        <Icon name="close" size={14} />
                      </button>
                    </span>
                  </li>
                );
              })}
            </ol>
            {first + SHOWN_ROWS < entries.length && (
              <button className="link-button queue-view__more" onClick={() => setStart(first + SHOWN_ROWS)}>
                {`Show the next ${numberFormat.format(Math.min(SHOWN_ROWS, entries.length - first - SHOWN_ROWS))} tracks`}
              </button>
            )}
          </>
        )}
      </div>
    </main>
  );
}
