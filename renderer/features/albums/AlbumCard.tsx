import { memo } from 'react';
import type { AlbumSummary } from '../../../core/api/contract.js';
import { AlbumArt } from '../../components/AlbumArt.js';
import { useBrowseStore } from '../../stores/browse.js';
import { VARIOUS_ARTISTS } from '../../../core/api/contract-albums.js';

/** An album in a grid: its art, title, artist, year and track count. Opens the album page. */
export const AlbumCard = memo(function AlbumCard({ album, artSize }: { album: AlbumSummary; artSize: number }) {
  const openAlbum = useBrowseStore((state) => state.openAlbum);
  const openArtist = useBrowseStore((state) => state.openArtist);
  const facts = [album.year, `${album.trackCount} ${album.trackCount === 1 ? 'track' : 'tracks'}`].filter(Boolean).join(' · ');
  return (
    <div className="album-card" data-album-key={album.key}>
      <button className="album-card__open" onClick={() => openAlbum(album.key)} aria-label={`${album.title}${album.artist ? ` by ${album.artist}` : ''}`}>
        <AlbumArt art={album.art} name={album.title} size={artSize} fluid className="album-card__art" />
        <span className={`album-card__title${album.titleInferred ? ' inferred' : ''}`} title={album.titleInferred ? `${album.title} (no album tag: the folder's name)` : album.title}>
          {album.title}
        </span>
      </button>
      {album.artist && album.artist !== VARIOUS_ARTISTS ? (
        <button className="album-card__artist link-button" onClick={() => openArtist(album.artist!)} title={album.artist}>
          {album.artist}
        </button>
      ) : (
        <span className="album-card__artist">{album.artist ?? 'Unknown artist'}</span>
      )}
      <span className="album-card__facts">{facts}</span>
    </div>
  );
});
