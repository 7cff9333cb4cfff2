import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ArtistSummary } from '../../../core/api/contract.js';
import { AlbumArt } from '../../components/AlbumArt.js';
import { Icon } from '../../components/Icon.js';
import { numberFormat } from '../../components/format.js';
import { useBrowseStore } from '../../stores/browse.js';
import { BrowseListState, browseCount } from '../albums/BrowseListState.js';
import { FamilyFilter } from '../albums/FamilyFilter.js';
import { ArtistPageView } from './ArtistPageView.js';
import '../albums/albums.css';

const ROW_HEIGHT = 56;

/** The artists section: the list, or an open artist's page. */
export function ArtistsView() {
  const artistName = useBrowseStore((state) => (state.place.section === 'artists' ? state.place.artistName : null));
  return artistName === null ? <ArtistList /> : <ArtistPageView />;
}

function ArtistList() {
  const { artists, artistFilters, setArtistFilters, error, refresh } = useBrowseStore();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const list = artists ? { shown: artists.artists.length, total: artists.libraryTotal } : null;
  const count = browseCount(list, 'artist', 'artists');
  const body = (
    <BrowseListState
      many="artists"
      error={error}
      list={list}
      emptyIcon="artist"
      emptyHint="Artists appear as tracks are read: by their tags, or the folders they are in."
      onClearFilters={() => setArtistFilters({ search: '', genreFamily: null })}
    >
      {artists && <VirtualArtistList artists={artists.artists} />}
    </BrowseListState>
  );

  return (
    <main className="library browse" aria-label="Artists">
      <header className="library__header">
        <div className="library__title">
          <h1>Artists</h1>
          <span className="library__count" data-testid="artist-count">
            {count}
          </span>
        </div>
        {artists && artists.libraryTotal > 0 && (
          <div className="filters">
            <label className="search">
              <Icon name="search" />
              <input
                className="search__input"
                type="search"
                placeholder="Search artists"
                aria-label="Search artists"
                value={artistFilters.search}
                onChange={(event) => setArtistFilters({ search: event.target.value })}
              />
            </label>
            <FamilyFilter families={artists.families} value={artistFilters.genreFamily} onChange={(genreFamily) => setArtistFilters({ genreFamily })} />
          </div>
        )}
      </header>
      <div className="library__body">{body}</div>
    </main>
  );
}

function VirtualArtistList({ artists }: { artists: ArtistSummary[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const openArtist = useBrowseStore((state) => state.openArtist);
  const virtualizer = useVirtualizer({ count: artists.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  return (
    <div className="artist-list" ref={scrollRef} role="list" aria-label="Artists">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const artist = artists[item.index];
          const facts = [
            artist.albumCount > 0 && `${numberFormat.format(artist.albumCount)} ${artist.albumCount === 1 ? 'album' : 'albums'}`,
            `${numberFormat.format(artist.trackCount)} ${artist.trackCount === 1 ? 'track' : 'tracks'}`,
          ].filter(Boolean);
          return (
            <div role="listitem" key={artist.name} className="artist-row" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <button className="artist-row__open" onClick={() => openArtist(artist.name)}>
                <AlbumArt art={artist.art} name={artist.name} size={40} className="artist-row__art" />
                <span className="artist-row__name">{artist.name}</span>
                <span className="artist-row__facts">{facts.join(' · ')}</span>
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
