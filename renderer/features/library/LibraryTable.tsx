import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { SortKey, TrackRow } from '../../../core/api/contract.js';
import { AlbumArt, trackArt } from '../../components/AlbumArt.js';
import { TagText } from '../../components/TagText.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration, formatPercent, genreColor } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';
import { PAGE_SIZE, useLibraryStore } from '../../stores/library.js';
import { useTrackStore } from '../../stores/track.js';
import { AcceptPredictionButton, GenreCell } from '../genres/GenreCells.js';
import { SelectAllBox, SelectBox } from '../genres/Selection.js';

const ROW_HEIGHT = 36;

interface Column {
  id: string;
  label: string;
  sortKey?: SortKey;
  align?: 'end';
  /** A header of its own instead of the label (the select-all box). */
  header?: () => ReactNode;
  render(row: TrackRow, index: number): ReactNode;
}

const LIBRARY_COLUMNS: Column[] = [
  { id: 'select', label: 'Select', header: () => <SelectAllBox />, render: (row, index) => <SelectBox row={row} index={index} /> },
  { id: 'title', label: 'Title', sortKey: 'title', render: (row) => <TitleCell row={row} /> },
  { id: 'artist', label: 'Artist', sortKey: 'artist', render: (row) => <TagText row={row} tag="artist" /> },
  { id: 'album', label: 'Album', sortKey: 'album', render: (row) => <TagText row={row} tag="album" /> },
  { id: 'duration', label: 'Time', sortKey: 'durationSec', align: 'end', render: (row) => formatDuration(row.durationSec) },
  { id: 'tempo', label: 'BPM', sortKey: 'tempoBpm', align: 'end', render: (row) => (row.tempoBpm ? Math.round(row.tempoBpm) : '') },
  { id: 'genre', label: 'Genre', sortKey: 'genre', render: (row) => <GenreCell row={row} /> },
  { id: 'predicted', label: 'Predicted', sortKey: 'predictedGenre', render: (row) => <PredictionCell row={row} /> },
];

const PROBLEM_COLUMNS: Column[] = [
  { id: 'file', label: 'File', sortKey: 'title', render: (row) => <span className="cell-strong">{row.fileName}</span> },
  { id: 'error', label: 'Problem', render: (row) => <span className="cell-error" title={row.error ?? undefined}>{row.error ?? 'Unknown error'}</span> },
];

function TitleCell({ row }: { row: TrackRow }) {
  return (
    <span className="title-cell">
      <AlbumArt art={trackArt(row)} name={row.album} size={24} className="title-cell__art" decorative />
      <TagText row={row} tag="title" className="cell-strong" />
      {row.status === 'pending' || row.status === 'analysing' ? (
        <span className={`status-chip status-chip--${row.status}`}>{row.status === 'pending' ? 'queued' : 'analysing'}</span>
      ) : row.status === 'error' ? (
        <span className="status-chip status-chip--error" title={row.error ?? undefined}>
          <Icon name="alert" size={12} /> error
        </span>
      ) : null}
    </span>
  );
}

function PredictionCell({ row }: { row: TrackRow }) {
  if (row.unsureCandidates) {
    const candidates = row.unsureCandidates.map((candidate) => `${candidate.genre} ${formatPercent(candidate.probability)}`);
    return (
      <span className="prediction-cell prediction-cell--unsure" title={`Unsure: no genre is likely enough to name. Could be ${candidates.join(', ')}`}>
        <span className="unsure-chip">Unsure</span>
        <span className="prediction-cell__candidates">{row.unsureCandidates.slice(0, 2).map((candidate) => candidate.genre).join(' / ')}</span>
      </span>
    );
  }
  if (!row.predictedGenre) return null;
  return (
    <span className="prediction-cell">
      <span className="genre-dot" style={{ background: genreColor(row.predictedGenre) }} aria-hidden="true" />
      <span className="prediction-cell__genre" title={row.predictedGenre}>{row.predictedGenre}</span>
      <span className="confidence-text">{formatPercent(row.confidence)}</span>
      <AcceptPredictionButton row={row} />
    </span>
  );
}

export function LibraryTable() {
  const { view, total, sort, toggleSort, ensureRange, selectedIndex, select, resultsFor, pages } = useLibraryStore();
  const openTrack = useTrackStore((state) => state.open);
  const openId = useTrackStore((state) => state.openId);
  const selection = useGenresStore((state) => state.selection);
  const columns = view === 'problems' ? PROBLEM_COLUMNS : LIBRARY_COLUMNS;
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) ensureRange(first, Math.min(last + PAGE_SIZE / 2, total - 1));
  }, [first, last, total, ensureRange, pages]);

  // A new query starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resultsFor, view]);

  useEffect(() => {
    if (selectedIndex !== null) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const rowAt = useLibraryStore.getState().rowAt;
  const openSelected = (index: number) => {
    const row = rowAt(index);
    if (row) void openTrack(row.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const current = selectedIndex ?? -1;
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: Math.max(0, current - 1),
      PageDown: current + page,
      PageUp: Math.max(0, current - page),
      Home: 0,
      End: total - 1,
    };
    const genres = useGenresStore.getState();
    const currentRow = selectedIndex !== null ? rowAt(selectedIndex) : undefined;
    if (event.key in moves) {
      event.preventDefault();
      const next = Math.min(moves[event.key], total - 1);
      if (event.shiftKey && view === 'all') {
        if (genres.anchorIndex === null && selectedIndex !== null) genres.resetSelection(selectedIndex);
        genres.extendSelection(next);
      }
      select(next);
      // With the track panel open, moving the selection shows the next track (like a preview pane).
      if (openId !== null) openSelected(next);
    } else if (event.key === 'Enter' && selectedIndex !== null) {
      event.preventDefault();
      openSelected(selectedIndex);
    } else if (view === 'all' && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      void genres.selectAll();
    } else if (view === 'all' && !event.ctrlKey && !event.metaKey && !event.altKey && currentRow) {
      // Genre keys on the row under the cursor: X ticks it for a bulk edit, E edits its genre.
      if (event.key === 'x') genres.toggleSelected(currentRow.id, selectedIndex!);
      else if (event.key === 'e') {
        event.preventDefault();
        genres.startEditing(currentRow.id);
      }
    }
  };

  const template = columns === LIBRARY_COLUMNS ? 'table--library' : 'table--problems';
  return (
    <div
      className={`table ${template}`}
      role="grid"
      aria-label={view === 'problems' ? 'Files with problems' : 'Tracks'}
      aria-rowcount={total + 1}
      data-results-for={resultsFor}
      data-total={total}
    >
      <div className="table__header" role="row" aria-rowindex={1}>
        {columns.map((column) => {
          const sorted = column.sortKey && sort?.key === column.sortKey ? sort.direction : null;
          return (
            <div
              key={column.id}
              role="columnheader"
              aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
              className={`table__cell table__cell--${column.id}${column.align ? ' table__cell--end' : ''}`}
            >
              {column.header ? (
                column.header()
              ) : column.sortKey ? (
                <button className="sort-button" onClick={() => toggleSort(column.sortKey!)}>
                  {column.label}
                  {sorted && <Icon name={sorted === 'asc' ? 'up' : 'down'} size={12} />}
                </button>
              ) : (
                column.label
              )}
            </div>
          );
        })}
      </div>
      <div
        ref={scrollRef}
        className="table__body"
        role="rowgroup"
        tabIndex={0}
        aria-activedescendant={selectedIndex !== null ? `track-row-${selectedIndex}` : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const selected = item.index === selectedIndex;
            const checked = row !== undefined && selection.has(row.id);
            return (
              <div
                key={item.key}
                id={`track-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                data-track-id={row?.id}
                className={`table__row${selected ? ' table__row--selected' : ''}${row && row.id === openId ? ' table__row--open' : ''}${checked ? ' table__row--checked' : ''}${item.index % 2 ? ' table__row--odd' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={(event) => {
                  // Ctrl/Cmd-click ticks a row for a bulk edit, Shift-click ticks a range; a plain click opens it.
                  if (row && view === 'all' && (event.ctrlKey || event.metaKey)) return useGenresStore.getState().toggleSelected(row.id, item.index);
                  if (row && view === 'all' && event.shiftKey) return useGenresStore.getState().extendSelection(item.index);
                  useGenresStore.getState().resetSelection(item.index);
                  select(item.index);
                  openSelected(item.index);
                }}
              >
                {row
                  ? columns.map((column) => (
                      <div key={column.id} role="gridcell" className={`table__cell table__cell--${column.id}${column.align ? ' table__cell--end' : ''}`}>
                        {column.render(row, item.index)}
                      </div>
                    ))
                  : columns.map((column) => (
                      <div key={column.id} className={`table__cell table__cell--${column.id}`}>
                        <span className="skeleton" />
                      </div>
                    ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
