import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/client.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { formatDuration, numberFormat } from '../../components/format.js';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { useQueueStore } from '../../stores/queue.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';
import { ExportPanel } from './ExportPanel.js';
import { ImportPanel } from './ImportPanel.js';
import { PlaylistControls } from './PlaylistControls.js';
import { PlaylistTracks } from './PlaylistTracks.js';
import './playlists.css';

/** The Playlists section: saved playlists beside the playlist being made or edited. */
export function PlaylistsView() {
  const { saved, savedLoaded, loadSaved, current } = usePlaylistsStore(
    useShallow(({ saved, savedLoaded, loadSaved, current }) => ({ saved, savedLoaded, loadSaved, current })),
  );
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    void loadSaved();
    // Every save, edit, delete and import through the API is announced, from this window or another.
    return api.on('playlists-changed', () => void loadSaved());
  }, [loadSaved]);

  return (
    <main className="library playlists" aria-label="Playlists">
      <header className="library__header">
        <div className="library__title">
          <h1>Playlists</h1>
          {savedLoaded && <span className="library__count">{`${numberFormat.format(saved.length)} saved`}</span>}
          <button className="button playlists__import-button" onClick={() => setImporting(!importing)} aria-expanded={importing}>
            <Icon name="import" /> Import M3U8
          </button>
        </div>
        {importing && <ImportPanel onDone={() => setImporting(false)} />}
      </header>
      <div className="playlists__body">
        <SavedPlaylists />
        <section className="playlists__current" aria-label="Playlist">
          <StatusLine />
          {/* Keyed so the name field starts from the playlist's name when another one opens. */}
          {current ? <PlaylistEditor key={`${current.id ?? 'new'}:${current.name}`} /> : <NoPlaylist />}
        </section>
      </div>
    </main>
  );
}

function SavedPlaylists() {
  const { saved, current, open, deleteSaved } = usePlaylistsStore(
    useShallow(({ saved, current, open, deleteSaved }) => ({ saved, current, open, deleteSaved })),
  );
  return (
    <nav className="playlists__saved" aria-label="Saved playlists">
      {saved.length === 0 ? (
        <p className="playlists__hint">Saved playlists appear here.</p>
      ) : (
        <ul className="saved-list">
          {saved.map((playlist) => {
            const active = current?.id === playlist.id;
            return (
              <li key={playlist.id} className={`saved-list__item${active ? ' saved-list__item--active' : ''}`}>
                <button className="saved-list__open" onClick={() => void open(playlist.id)} aria-current={active}>
                  <span className="saved-list__name">{playlist.name}</span>
                  <span className="saved-list__meta">
                    {`${numberFormat.format(playlist.trackCount)} ${playlist.trackCount === 1 ? 'track' : 'tracks'} · ${formatDuration(playlist.durationSec)}`}
                  </span>
                </button>
                <button
                  className="icon-button"
                  aria-label={`Delete playlist ${playlist.name}`}
                  title="Delete"
                  onClick={() => {
                    if (window.confirm(`Delete the playlist “${playlist.name}”? Its tracks stay in the library.`)) void deleteSaved(playlist.id);
                  }}
                >
                  <Icon name="trash" />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}

function StatusLine() {
  const { busy, error, notice, dismiss } = usePlaylistsStore(useShallow(({ busy, error, notice, dismiss }) => ({ busy, error, notice, dismiss })));
  const working = busy === 'generating' ? 'Finding tracks that sound alike…' : busy ? `${busy[0].toUpperCase()}${busy.slice(1)}…` : null;
  return (
    <div className="playlists__status" role="status" aria-live="polite">
      {error ? (
        <div className="notice notice--error">
          <Icon name="alert" /> <span>{error}</span>
          <button className="link-button notice__dismiss" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      ) : working ? (
        <span className="muted">{working}</span>
      ) : notice ? (
        <span className="playlists__notice">{notice}</span>
      ) : null}
    </div>
  );
}

function NoPlaylist() {
  const busy = usePlaylistsStore((state) => state.busy);
  const hasSaved = usePlaylistsStore((state) => state.saved.length > 0);
  if (busy) return null;
  return (
    <EmptyState icon="music" title="Make a playlist from any track">
      <p>
        Open a track and choose <strong>Sounds like this</strong> (or select it in the library and press <kbd>S</kbd>). Timbre picks
        tracks that sound alike and orders them as a smooth path through tempo and timbre.
        {hasSaved && ' Or open a saved playlist on the left.'}
      </p>
      <GoToLibraryButton />
    </EmptyState>
  );
}

function PlaylistEditor() {
  const { current, save, busy, playingIndex, playFrom, stopPlaying } = usePlaylistsStore(
    useShallow(({ current, save, busy, playingIndex, playFrom, stopPlaying }) => ({ current, save, busy, playingIndex, playFrom, stopPlaying })),
  );
  const [name, setName] = useState(current?.name ?? '');
  const [exporting, setExporting] = useState(false);
  if (!current) return null;

  const count = current.entries.length;
  const trimmed = name.trim();
  const saved = current.id !== null;
  return (
    <div className="playlist-editor" data-playlist-id={current.id ?? undefined}>
      <div className="playlist-head">
        <form
          className="playlist-head__name"
          onSubmit={(event) => {
            event.preventDefault();
            if (trimmed) void save(trimmed);
          }}
        >
          <input className="input playlist-head__input" aria-label="Playlist name" value={name} onChange={(event) => setName(event.target.value)} maxLength={200} />
          <button className="button button--primary" type="submit" disabled={!trimmed || busy !== null || (saved && trimmed === current.name)}>
            <Icon name="save" /> {saved ? 'Rename' : 'Save'}
          </button>
        </form>
        <span className="playlist-head__meta" data-testid="playlist-summary">
          {`${numberFormat.format(count)} ${count === 1 ? 'track' : 'tracks'} · ${formatDuration(current.durationSec)}`}
          {saved ? ' · saved' : ' · not saved yet'}
        </span>
        <div className="playlist-head__actions">
          {playingIndex === null ? (
            <button className="button" onClick={() => void playFrom(0)} disabled={count === 0}>
              <Icon name="play" /> Play all
            </button>
          ) : (
            <button className="button" onClick={stopPlaying}>
              <Icon name="pause" /> Stop
            </button>
          )}
          <button className="button" onClick={() => useQueueStore.getState().playNext(current.entries.map((entry) => entry.id))} disabled={count === 0} title="Queue the playlist right after the current track">
            Play next
          </button>
          <button className="button" onClick={() => useQueueStore.getState().addToQueue(current.entries.map((entry) => entry.id))} disabled={count === 0} title="Queue the playlist at the end">
            <Icon name="queue" /> Add to queue
          </button>
          <button className="button" onClick={() => setExporting(!exporting)} aria-expanded={exporting} disabled={count === 0}>
            <Icon name="export" /> Export M3U8
          </button>
        </div>
      </div>
      {exporting && <ExportPanel onDone={() => setExporting(false)} />}
      <PlaylistControls />
      <PlaylistTracks />
    </div>
  );
}
