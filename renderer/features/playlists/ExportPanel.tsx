import { useState } from 'react';
import type { PlaylistPathStyle } from '../../../core/api/contract.js';
import { useAppStore } from '../../stores/app.js';
import { useFoldersStore } from '../../stores/folders.js';
import { usePlaylistsStore } from '../../stores/playlists.js';
import { Icon } from '../../components/Icon.js';

/**
 * Export as M3U8. Relative paths are relative to where the playlist file goes, so the panel asks for
 * that file first (a Playlists folder in the first music folder by default). The app then saves it
 * where the user confirms in its save dialog; a browser downloads it, to be put there by hand (the
 * server never writes a file a web page names), with absolute paths, which work wherever it lands.
 */
export function ExportPanel({ onDone }: { onDone(): void }) {
  const current = usePlaylistsStore((state) => state.current);
  const { exportFile, m3u8Text, busy } = usePlaylistsStore();
  const webMode = useAppStore((state) => state.info?.mode !== 'electron');
  const folder = useFoldersStore((state) => state.folders[0]?.path ?? null);
  const [style, setStyle] = useState<PlaylistPathStyle>('relative');
  const [path, setPath] = useState(() => defaultLocation(folder, current?.name ?? 'Playlist'));
  if (!current) return null;

  /** A downloaded file lands wherever the browser keeps downloads, so its paths are always absolute. */
  const download = async () => {
    const text = await m3u8Text('absolute', path.trim());
    if (text === null) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'audio/x-mpegurl;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = baseName(path.trim()) || 'playlist.m3u8';
    document.body.append(link);
    link.click();
    link.remove();
    // The click has handed the blob to the download by now.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    onDone();
  };

  return (
    <form
      className="export-panel"
      aria-label="Export M3U8"
      onSubmit={(event) => {
        event.preventDefault();
        if (webMode) void download();
        else void exportFile(style, path.trim()).then((written) => written && onDone());
      }}
    >
      <label className="field export-panel__path">
        <span className="field__label">Playlist file</span>
        <input className="input" aria-label="Playlist file path" value={path} onChange={(event) => setPath(event.target.value)} spellCheck={false} required />
      </label>
      {webMode ? (
        <p className="export-panel__note">The download lists absolute paths, so it works from any folder.</p>
      ) : (
        <fieldset className="export-panel__styles">
          <legend className="field__label">Paths in the file</legend>
          <label className="toggle">
            <input type="radio" name="m3u8-style" value="relative" checked={style === 'relative'} onChange={() => setStyle('relative')} />
            Relative to the playlist file
          </label>
          <label className="toggle">
            <input type="radio" name="m3u8-style" value="absolute" checked={style === 'absolute'} onChange={() => setStyle('absolute')} />
            Absolute
          </label>
        </fieldset>
      )}
      <div className="export-panel__actions">
        {webMode ? (
          <button className="button button--primary" type="submit" disabled={!path.trim() || busy !== null}>
            <Icon name="export" /> Download
          </button>
        ) : (
          <button className="button button--primary" type="submit" disabled={!path.trim() || busy !== null}>
            <Icon name="save" /> Save file…
          </button>
        )}
        <button className="link-button" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** <music folder>/Playlists/<name>.m3u8, with the folder's own separator. */
function defaultLocation(folder: string | null, name: string): string {
  const safe = name.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim() || 'Playlist';
  if (!folder) return `${safe}.m3u8`;
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return [folder.replace(/[\\/]+$/, ''), 'Playlists', `${safe}.m3u8`].join(separator);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? '';
}
