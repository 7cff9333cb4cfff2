import type { AlbumSummary } from '../../../core/api/contract.js';
import { AlbumArt } from '../../components/AlbumArt.js';
import { EmptyState } from '../../components/EmptyState.js';
import { numberFormat } from '../../components/format.js';
import { useBrowseStore } from '../../stores/browse.js';
import { AlbumCard } from '../albums/AlbumCard.js';
import { BackButton } from '../albums/BrowseHeader.js';
import { PlayButtons } from '../albums/PlayButtons.js';

/** One artist: their albums, newest first, and the albums they appear on. */
export function ArtistPageView() {
  const { artist: page, error } = useBrowseStore();
  if (error && !page) {
    return (
      <main className="library browse" aria-label="Artist">
        <div className="browse__bar">
          <BackButton section="artists" />
        </div>
        <EmptyState icon="alert" title="This artist is not in the library any more">
          <p>{error}</p>
        </EmptyState>
      </main>
    );
  }
  if (!page) return <main className="library browse" aria-label="Artist" />;
  const { artist, albums, appearsOn, trackIds } = page;
  const facts = [
    `${numberFormat.format(artist.albumCount)} ${artist.albumCount === 1 ? 'album' : 'albums'}`,
    `${numberFormat.format(artist.trackCount)} ${artist.trackCount === 1 ? 'track' : 'tracks'}`,
  ];
  return (
    <main className="library browse" aria-label={`Artist ${artist.name}`}>
      <div className="browse__scroll">
        <div className="browse__bar">
          <BackButton section="artists" />
        </div>
        <header className="browse-hero">
          <AlbumArt art={artist.art} name={artist.name} size={160} className="browse-hero__art browse-hero__art--artist" />
          <div className="browse-hero__text">
            <p className="browse-hero__kind">Artist</p>
            <h1 className="browse-hero__title">{artist.name}</h1>
            <p className="browse-hero__facts">{facts.join(' · ')}</p>
            <PlayButtons trackIds={trackIds} what={artist.name} />
          </div>
        </header>
        <AlbumShelf title="Albums" albums={albums} />
        <AlbumShelf title="Appears on" albums={appearsOn} />
      </div>
    </main>
  );
}

function AlbumShelf({ title, albums }: { title: string; albums: AlbumSummary[] }) {
  if (albums.length === 0) return null;
  return (
    <section className="album-shelf" aria-label={title}>
      <h2 className="album-shelf__title">{title}</h2>
      <div className="album-shelf__grid" role="list">
        {albums.map((album) => (
          <div role="listitem" key={album.key}>
            <AlbumCard album={album} artSize={160} />
          </div>
        ))}
      </div>
    </section>
  );
}
