import type { TrackRow } from '../../../core/api/contract.js';
import { useGenresStore } from '../../stores/genres.js';
import { useLibraryStore } from '../../stores/library.js';

/**
 * A row's box: ticks the track for a bulk genre edit. Out of the Tab order, like the row's other
 * controls: the grid is one Tab stop whose keys (X ticks, E edits) reach them, so Tab does not walk
 * through every visible row on its way past the table.
 */
export function SelectBox({ row, index }: { row: TrackRow; index: number }) {
  const checked = useGenresStore((state) => state.selection.has(row.id));
  return (
    <input
      type="checkbox"
      className="select-box"
      tabIndex={-1}
      checked={checked}
      aria-label={`Select ${row.title ?? row.fileName}`}
      onClick={(event) => {
        // The row's own click opens the track; a tick must not. Shift-click ticks a range.
        event.stopPropagation();
        const genres = useGenresStore.getState();
        if (event.shiftKey) genres.extendSelection(index);
        else genres.toggleSelected(row.id, index);
      }}
      readOnly
    />
  );
}

/** The header's box: every track the current search and filters match, or none. */
export function SelectAllBox() {
  const selected = useGenresStore((state) => state.selection.size);
  const total = useLibraryStore((state) => state.total);
  const all = selected > 0 && selected >= total;
  return (
    <input
      type="checkbox"
      className="select-box"
      aria-label="Select all tracks"
      checked={all}
      ref={(box) => {
        if (box) box.indeterminate = selected > 0 && !all;
      }}
      onChange={() => {
        const genres = useGenresStore.getState();
        if (selected > 0) genres.resetSelection();
        else void genres.selectAll();
      }}
    />
  );
}
