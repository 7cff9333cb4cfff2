import { useRef, type CSSProperties } from 'react';
import type { TrackRow } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { genreColor } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';
import { GenreEditorPopover } from './GenreEditorPopover.js';

const titleOf = (row: TrackRow) => row.title ?? row.fileName;

/** A track's genres as chips: confirmed ones marked, else the file's tag genres. */
export function GenreChips({ row }: { row: TrackRow }) {
  const confirmed = row.confirmedGenres.length > 0;
  const shown = confirmed ? row.confirmedGenres : row.genres;
  return (
    <>
      {shown.map((genre) => (
        <span
          key={genre}
          className={`genre-chip${confirmed ? ' genre-chip--confirmed' : ''}`}
          style={confirmed ? ({ '--chip': genreColor(genre) } as CSSProperties) : undefined}
          title={confirmed ? 'Confirmed by you' : 'From the file’s tags'}
        >
          {confirmed && <Icon name="check" size={11} />}
          <span className="genre-chip__text">{genre}</span>
        </span>
      ))}
    </>
  );
}

/** The table's genre cell: chips, and an inline editor (double-click, the pencil, or E on the row; the pencil is out of the Tab order, see SelectBox). */
export function GenreCell({ row }: { row: TrackRow }) {
  const editing = useGenresStore((state) => state.editingTrackId === row.id);
  const { startEditing, stopEditing, setGenres } = useGenresStore.getState();
  const cell = useRef<HTMLSpanElement>(null);
  const tagHint = !row.confirmedGenres.length && row.genres.length ? `Tagged ${row.genres.join(', ')} · Enter saves` : undefined;
  return (
    <span
      ref={cell}
      className="genre-cell"
      onDoubleClick={(event) => {
        event.stopPropagation();
        startEditing(row.id);
      }}
    >
      <span className="genre-cell__chips">
        <GenreChips row={row} />
      </span>
      <button
        type="button"
        className="genre-cell__edit"
        tabIndex={-1}
        aria-label={`Edit genre of ${titleOf(row)}`}
        title="Edit genre (E)"
        onClick={(event) => {
          event.stopPropagation();
          startEditing(row.id);
        }}
      >
        <Icon name="edit" size={13} />
      </button>
      {editing && (
        <GenreEditorPopover
          anchor={cell.current}
          initial={row.confirmedGenres}
          label={`Genre of ${titleOf(row)}`}
          hint={tagHint}
          onSave={(genres) => setGenres([row.id], genres)}
          onClose={stopEditing}
        />
      )}
    </span>
  );
}

/** "Accept suggestion" on an unconfirmed row's prediction (out of the Tab order, see SelectBox). */
export function AcceptPredictionButton({ row }: { row: TrackRow }) {
  if (!row.predictedGenre || row.genreConfirmed) return null;
  return (
    <button
      type="button"
      className="accept-button"
      tabIndex={-1}
      aria-label={`Accept ${row.predictedGenre} for ${titleOf(row)}`}
      title={`Accept suggestion: ${row.predictedGenre}`}
      onClick={(event) => {
        event.stopPropagation();
        void useGenresStore.getState().acceptSuggestions([row.id]);
      }}
    >
      <Icon name="check" size={13} />
    </button>
  );
}
