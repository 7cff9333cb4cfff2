import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { ALBUM_SORTS, type AlbumSort, type AlbumSummary } from '../../../core/api/contract-albums.js';
import { Icon } from '../../components/Icon.js';
import { useBrowseStore } from '../../stores/browse.js';
import { AlbumCard } from './AlbumCard.js';
import { AlbumPageView } from './AlbumPageView.js';
import { BrowseListState, browseCount } from './BrowseListState.js';
import { FamilyFilter } from './FamilyFilter.js';
import './albums.css';

/** Cards are at least this wide; the grid fits as many columns as the width allows. */
const CARD_MIN_WIDTH = 160;
const GAP = 18;
/** Title, artist and facts under the art. */
const CARD_TEXT_HEIGHT = 62;

const SORT_LABELS: Record<AlbumSort, string> = { artist: 'Artist', title: 'Title', year: 'Year', trackCount: 'Tracks' };

/** The albums section: the grid, or an open album's page. */
export function AlbumsView() {
  const albumKey = useBrowseStore((state) => (state.place.section === 'albums' ? state.place.albumKey : null));
  return albumKey === null ? <AlbumGrid /> : <AlbumPageView />;
}

function AlbumGrid() {
  const { albums, albumFilters, setAlbumFilters, error, refresh } = useBrowseStore();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const list = albums ? { shown: albums.albums.length, total: albums.libraryTotal } : null;
  const count = browseCount(list, 'album', 'albums');
  const body = (
    <BrowseListState
      many="albums"
      error={error}
      list={list}
      emptyIcon="album"
      emptyHint="Albums appear as tracks are read: by their album tag, or the folder they are in."
      onClearFilters={() => setAlbumFilters({ search: '', genreFamily: null })}
    >
      <VirtualGrid />
    </BrowseListState>
  );

  return (
    <main className="library browse" aria-label="Albums">
      <header className="library__header">
        <div className="library__title">
          <h1>Albums</h1>
          <span className="library__count" data-testid="album-count">
            {count}
          </span>
        </div>
        {albums && albums.libraryTotal > 0 && (
          <div className="filters">
            <label className="search">
              <Icon name="search" />
              <input
                className="search__input"
                type="search"
                placeholder="Search albums and artists"
                aria-label="Search albums"
                value={albumFilters.search}
                onChange={(event) => setAlbumFilters({ search: event.target.value })}
              />
            </label>
            <FamilyFilter families={albums.families} value={albumFilters.genreFamily} onChange={(genreFamily) => setAlbumFilters({ genreFamily })} />
            <select
              className="select"
              aria-label="Sort albums by"
              value={albumFilters.sort}
              onChange={(event) => setAlbumFilters({ sort: event.target.value as AlbumSort })}
            >
              {ALBUM_SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  By {SORT_LABELS[sort].toLowerCase()}
                </option>
              ))}
            </select>
            <button
              className="icon-button"
              aria-label={albumFilters.direction === 'asc' ? 'Ascending; reverse the order' : 'Descending; reverse the order'}
              title="Reverse the order"
              onClick={() => setAlbumFilters({ direction: albumFilters.direction === 'asc' ? 'desc' : 'asc' })}
            >
              <Icon name={albumFilters.direction === 'asc' ? 'up' : 'down'} />
            </button>
          </div>
        )}
      </header>
      <div className="library__body">{body}</div>
    </main>
  );
}

/** The album grid, virtualised by rows: only the rows in view (and a few around) are in the page. */
function VirtualGrid() {
  const albums = useBrowseStore((state) => state.albums?.albums ?? []);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);
  const inner = Math.max(0, width - 2 * GAP);
  const columns = Math.max(1, Math.floor((inner + GAP) / (CARD_MIN_WIDTH + GAP)));
  const cardWidth = Math.floor((inner - GAP * (columns - 1)) / columns);
  const rowHeight = cardWidth + CARD_TEXT_HEIGHT + GAP;
  const rowCount = Math.ceil(albums.length / columns);

  const virtualizer = useVirtualizer({
    count: width > 0 ? rowCount : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 2,
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  return (
    <div className="album-grid" ref={scrollRef} data-testid="album-grid" role="list" aria-label="Albums">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            className="album-grid__row"
            style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, ${cardWidth}px)`, gap: GAP, height: rowHeight - GAP }}
          >
            <AlbumRow albums={albums} from={row.index * columns} columns={columns} cardWidth={cardWidth} />
          </div>
        ))}
      </div>
    </div>
  );
}

/** One row's cards; unchanged rows are not rendered again while the grid scrolls. */
const AlbumRow = memo(function AlbumRow({ albums, from, columns, cardWidth }: { albums: AlbumSummary[]; from: number; columns: number; cardWidth: number }) {
  return (
    <>
      {albums.slice(from, from + columns).map((album) => (
        <div role="listitem" key={album.key}>
          <AlbumCard album={album} artSize={cardWidth} />
        </div>
      ))}
    </>
  );
});
