import type { TrackRow } from '../../../core/api/contract.js';
import { VARIOUS_ARTISTS } from '../../../core/api/contract-albums.js';
import { AlbumArt } from '../../components/AlbumArt.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { TagText } from '../../components/TagText.js';
import { formatDuration } from '../../components/format.js';
import { useBrowseStore } from '../../stores/browse.js';
import { useQueueStore } from '../../stores/queue.js';
import { useTrackStore } from '../../stores/track.js';
import { BackButton } from './BrowseHeader.js';
import { PlayButtons } from './PlayButtons.js';

/** One album: its art and facts, and its tracks in disc/track order, each playable. */
export function AlbumPageView() {
  const { album: page, error, openArtist } = useBrowseStore();
  if (error && !page) {
    return (
      <main className="library browse" aria-label="Album">
        <div className="browse__bar">
          <BackButton section="albums" />
        </div>
        <EmptyState icon="alert" title="This album is not in the library any more">
          <p>{error}</p>
        </EmptyState>
      </main>
    );
  }
  if (!page) return <main className="library browse" aria-label="Album" />;
  const { album, tracks } = page;
  const trackIds = tracks.map((track) => track.id);
  const discs = new Set(tracks.map((track) => track.discNo ?? 1)).size > 1;
  const variousArtists = new Set(tracks.map((track) => track.artist)).size > 1;
  const facts = [album.year, `${album.trackCount} ${album.trackCount === 1 ? 'track' : 'tracks'}`, formatDuration(album.durationSec), album.genre].filter(Boolean);

  return (
    <main className="library browse" aria-label={`Album ${album.title}`}>
      <div className="browse__scroll">
        <div className="browse__bar">
          <BackButton section="albums" />
        </div>
        <header className="browse-hero">
          <AlbumArt art={album.art} name={album.title} size={160} className="browse-hero__art" />
          <div className="browse-hero__text">
            <p className="browse-hero__kind">Album</p>
            <h1 className={`browse-hero__title${album.titleInferred ? ' inferred' : ''}`} title={album.titleInferred ? "No album tag: the folder's name" : undefined}>
              {album.title}
            </h1>
            {album.artist && album.artist !== VARIOUS_ARTISTS ? (
              <button className="link-button browse-hero__artist" onClick={() => openArtist(album.artist!)}>
                {album.artist}
              </button>
            ) : (
              <p className="browse-hero__artist">{album.artist ?? 'Unknown artist'}</p>
            )}
            <p className="browse-hero__facts">{facts.join(' · ')}</p>
            <PlayButtons trackIds={trackIds} what={album.title} />
          </div>
        </header>
        <ol className="album-tracks" aria-label="Tracks">
          {tracks.map((track, index) => (
            <AlbumTrack
              key={track.id}
              track={track}
              number={discs ? `${track.discNo ?? 1}-${track.trackNo ?? ''}` : String(track.trackNo ?? index + 1)}
              showArtist={variousArtists}
              onPlay={() => useQueueStore.getState().playNow(trackIds, index)}
            />
          ))}
        </ol>
      </div>
    </main>
  );
}

function AlbumTrack({ track, number, showArtist, onPlay }: { track: TrackRow; number: string; showArtist: boolean; onPlay(): void }) {
  const open = useTrackStore((state) => state.open);
  const isOpen = useTrackStore((state) => state.openId === track.id);
  return (
    <li className={`album-track${isOpen ? ' album-track--open' : ''}`} data-track-id={track.id}>
      <button className="icon-button album-track__play" onClick={onPlay} aria-label={`Play ${track.title ?? track.fileName}`} title="Play from here">
        <Icon name="play" size={14} />
      </button>
      <span className="album-track__number">{number}</span>
      <button className="album-track__title link-button" onClick={() => void open(track.id)} title="Open the track's details">
        <TagText row={track} tag="title" />
        {showArtist && track.artist && <span className="album-track__artist"> · {track.artist}</span>}
      </button>
      <span className="album-track__duration">{formatDuration(track.durationSec)}</span>
    </li>
  );
}
