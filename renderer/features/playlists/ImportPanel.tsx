import { useRef, useState } from 'react';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { Icon } from '../../components/Icon.js';

/** Import an M3U/M3U8 playlist: a file chosen here, or a path on the computer running Timbre. */
export function ImportPanel({ onDone }: { onDone(): void }) {
  const { importText, importPath, busy } = usePlaylistsStore();
  const [path, setPath] = useState('');
  const fileRef = useRef<HTMLInputElement>(null);

  const importChosen = async (file: File | undefined) => {
    if (!file) return;
    await importText(file.name.replace(/\.m3u8?$/i, '') || 'Imported playlist', await file.text());
    if (!usePlaylistsStore.getState().error) onDone();
  };

  return (
    <form
      className="export-panel import-panel"
      aria-label="Import M3U8"
      onSubmit={(event) => {
        event.preventDefault();
        void importPath(path.trim()).then(() => !usePlaylistsStore.getState().error && onDone());
      }}
    >
      <input
        ref={fileRef}
        className="visually-hidden"
        type="file"
        accept=".m3u,.m3u8,audio/x-mpegurl,audio/mpegurl"
        aria-label="M3U8 file to import"
        tabIndex={-1}
        onChange={(event) => void importChosen(event.target.files?.[0])}
      />
      <button className="button" type="button" onClick={() => fileRef.current?.click()} disabled={busy !== null}>
        <Icon name="import" /> Choose a file…
      </button>
      <span className="muted">or</span>
      <label className="field export-panel__path">
        <span className="field__label">Path</span>
        <input
          className="input"
          aria-label="Path of an M3U8 file"
          placeholder="/music/Playlists/road trip.m3u8"
          value={path}
          onChange={(event) => setPath(event.target.value)}
          spellCheck={false}
        />
      </label>
      <button className="button button--primary" type="submit" disabled={!path.trim() || busy !== null}>
        Import
      </button>
      <button className="link-button" type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
