import { useRef, useState } from 'react';
import type { TrackRow } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { genreColor } from '../../components/format.js';
import { useConfusionStore } from '../../stores/confusion.js';
import { useGenresStore } from '../../stores/genres.js';
import { useTrackStore } from '../../stores/track.js';
import { GenreChips } from '../genres/GenreCells.js';
import { GenreEditorPopover } from '../genres/GenreEditorPopover.js';

/** The tracks of the clicked cell, each fixable in place: edit its genres, or take the prediction. */
export function CellTracks() {
  const cell = useConfusionStore((state) => state.cell);
  const tracks = useConfusionStore((state) => state.cellTracks);
  const openCell = useConfusionStore((state) => state.openCell);
  const { setGenres, busy } = useGenresStore();
  if (!cell) return <p className="muted confusion__hint">Click a cell to list its tracks and fix them here.</p>;
  const agreement = cell.confirmed === cell.predicted;
  return (
    <section className="cell-tracks" aria-label="Tracks in the cell">
      <header className="cell-tracks__header">
        <h2 className="cell-tracks__title">
          Confirmed <Genre name={cell.confirmed} />, predicted <Genre name={cell.predicted} />
          <span className="muted"> · {tracks.length} {tracks.length === 1 ? 'track' : 'tracks'}</span>
        </h2>
        {!agreement && tracks.length > 1 && (
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            onClick={() => void setGenres(tracks.map((track) => track.id), [cell.predicted])}
            title={`Confirm ${cell.predicted} for every track listed (undo takes it back)`}
          >
            Use {cell.predicted} for all {tracks.length}
          </button>
        )}
        <button type="button" className="icon-button" aria-label="Close the track list" onClick={() => void openCell(null)}>
          <Icon name="close" />
        </button>
      </header>
      {tracks.length === 0 ? (
        <p className="muted cell-tracks__empty">No track is in this cell now.</p>
      ) : (
        <ul className="cell-tracks__list">
          {tracks.map((track) => (
            <CellTrack key={track.id} track={track} predicted={cell.predicted} agreement={agreement} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Genre({ name }: { name: string }) {
  return (
    <span className="cell-tracks__genre">
      <span className="genre-dot" style={{ background: genreColor(name) }} aria-hidden="true" />
      {name}
    </span>
  );
}

function CellTrack({ track, predicted, agreement }: { track: TrackRow; predicted: string; agreement: boolean }) {
  const [editing, setEditing] = useState(false);
  const anchor = useRef<HTMLLIElement>(null);
  const { setGenres, busy } = useGenresStore();
  const title = track.title ?? track.fileName;
  return (
    <li ref={anchor} className="cell-track" data-track-id={track.id}>
      <button type="button" className="cell-track__title link-button" onClick={() => void useTrackStore.getState().open(track.id)} title="Show the track">
        {title}
      </button>
      <span className="cell-track__artist muted">{track.artist ?? ''}</span>
      <span className="cell-track__genres">
        <GenreChips row={track} />
      </span>
      <span className="cell-track__actions">
        {!agreement && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void setGenres([track.id], [predicted])} aria-label={`Use ${predicted} for ${title}`}>
            Use {predicted}
          </button>
        )}
        <button type="button" className="button button--small" onClick={() => setEditing(true)} aria-label={`Edit genre of ${title}`}>
          <Icon name="edit" size={13} /> Edit
        </button>
      </span>
      {editing && (
        <GenreEditorPopover
          anchor={anchor.current}
          initial={track.confirmedGenres}
          label={`Genre of ${title}`}
          onSave={(genres) => setGenres([track.id], genres)}
          onClose={() => setEditing(false)}
        />
      )}
    </li>
  );
}
