import { forwardRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../../components/Icon.js';
import { NO_FILTERS, useLibraryStore } from '../../stores/library.js';

/** Search plus the four filters: tag genre, predicted genre, confidence range, unconfirmed. */
export const FilterBar = forwardRef<HTMLInputElement>(function FilterBar(_props, searchRef) {
  const { search, setSearch, filters, setFilters, clearFilters, facets, view, select } = useLibraryStore(
    useShallow(({ search, setSearch, filters, setFilters, clearFilters, facets, view, select }) => ({
      search,
      setSearch,
      filters,
      setFilters,
      clearFilters,
      facets,
      view,
      select,
    })),
  );
  const active =
    search !== '' ||
    filters.genre !== null ||
    filters.predictedGenre !== null ||
    filters.unconfirmed ||
    filters.confidence[0] !== NO_FILTERS.confidence[0] ||
    filters.confidence[1] !== NO_FILTERS.confidence[1];

  return (
    <div className="filters" role="search">
      <div className="search">
        <Icon name="search" />
        <input
          ref={searchRef}
          className="search__input"
          type="search"
          placeholder={view === 'problems' ? 'Search files with problems' : 'Search title, artist, album, folder'}
          aria-label="Search tracks"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && search) {
              event.stopPropagation();
              setSearch('');
            } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
              // From the search straight into the results.
              event.preventDefault();
              if (select(useLibraryStore.getState().selectedIndex ?? 0)) document.querySelector<HTMLElement>('.table__body')?.focus();
            }
          }}
          spellCheck={false}
        />
        <kbd className="search__hint" aria-hidden="true">/</kbd>
      </div>
      {view === 'all' && (
        <>
          <select
            className="select"
            aria-label="Tag genre filter"
            value={filters.genre ?? ''}
            onChange={(event) => setFilters({ genre: event.target.value || null })}
          >
            <option value="">Any genre</option>
            {facets.genres.map((genre) => (
              <option key={genre} value={genre}>
                {genre}
              </option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Predicted genre filter"
            value={filters.predictedGenre ?? ''}
            onChange={(event) => setFilters({ predictedGenre: event.target.value || null })}
            disabled={!facets.predictedGenres.length}
            title={facets.predictedGenres.length ? undefined : 'No predictions yet'}
          >
            <option value="">Any prediction</option>
            {facets.predictedGenres.map((genre) => (
              <option key={genre} value={genre}>
                {genre}
              </option>
            ))}
          </select>
          <fieldset className="confidence" title="Prediction confidence range">
            <legend className="visually-hidden">Confidence range</legend>
            <span className="confidence__label">Confidence</span>
            <input
              className="input input--narrow"
              type="number"
              min={0}
              max={filters.confidence[1]}
              step={5}
              aria-label="Minimum confidence (%)"
              value={filters.confidence[0]}
              onChange={(event) => setFilters({ confidence: [clampPercent(event.target.valueAsNumber, 0), filters.confidence[1]] })}
            />
            <span aria-hidden="true">–</span>
            <input
              className="input input--narrow"
              type="number"
              min={filters.confidence[0]}
              max={100}
              step={5}
              aria-label="Maximum confidence (%)"
              value={filters.confidence[1]}
              onChange={(event) => setFilters({ confidence: [filters.confidence[0], clampPercent(event.target.valueAsNumber, 100)] })}
            />
            <span aria-hidden="true">%</span>
          </fieldset>
          <label className="toggle">
            <input type="checkbox" checked={filters.unconfirmed} onChange={(event) => setFilters({ unconfirmed: event.target.checked })} />
            Unconfirmed
          </label>
        </>
      )}
      {active && (
        <button className="link-button" onClick={clearFilters}>
          Clear
        </button>
      )}
    </div>
  );
});

function clampPercent(value: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : fallback;
}
