import { useRef, type CSSProperties } from 'react';
import type { ShownGenre, TrackRow } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { genreColor } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';
import { GenreEditorPopover } from './GenreEditorPopover.js';

const titleOf = (row: TrackRow) => row.title ?? row.fileName;

/** Where a chip's genre comes from, for its tooltip: the tag as the file spells it when that differs from the name shown. */
function genreSourceText(genre: ShownGenre): string {
  if (genre.tags.length === 0) return 'Confirmed by you';
  if (genre.tags.every((tag) => tag === genre.name)) return 'From the file’s tags';
  return `From the file’s tags: ${genre.tags.map((tag) => `“${tag}”`).join(', ')}`;
}

/** A track's genres as chips by their vocabulary names: confirmed ones marked, else the file's tag genres. */
export function GenreChips({ row }: { row: TrackRow }) {
  const confirmed = row.confirmedGenres.length > 0;
  return (
    <>
      {row.shownGenres.map((genre) => (
        <span
          key={genre.name}
          className={`genre-chip${confirmed ? ' genre-chip--confirmed' : ''}`}
          style={confirmed ? ({ '--chip': genreColor(genre.name) } as CSSProperties) : undefined}
          title={genreSourceText(genre)}
        >
          {confirmed && <Icon name="check" size={11} />}
          <span className="genre-chip__text">{genre.name}</span>
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
