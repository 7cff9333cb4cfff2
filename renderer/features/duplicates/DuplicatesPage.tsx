import { useEffect, useState } from 'react';
import './duplicates.css';
import type { DuplicateGroupInfo, DuplicateTrackInfo } from '../../../core/api/contract.js';
import { api } from '../../api/client.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatDuration, numberFormat } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';
import { useTrackStore } from '../../stores/track.js';

/**
 * Files that hold one recording: byte-identical copies, and the same audio in different files. Each
 * group shows format, bitrate, length and path; "Keep" keeps that file and moves the others out of
 * the music folders (after a confirmation), which the toast's Undo moves back.
 */
export function DuplicatesPage() {
  const [groups, setGroups] = useState<DuplicateGroupInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    try {
      setGroups(await api.call('duplicateGroups'));
      setError(null);
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    }
  };
  useEffect(() => {
    void load();
    return api.on('tracks-changed', () => void load());
  }, []);

  const keep = async (group: DuplicateGroupInfo, track: DuplicateTrackInfo) => {
    const others = group.tracks.filter((candidate) => candidate.trackId !== track.trackId);
    const list = others.map((other) => `• ${other.path}`).join('\n');
    if (!window.confirm(`Keep ${track.path}?\n\nThese files leave the library: they are moved into Timbre’s set-aside folder (nothing is deleted, and Undo puts them back):\n${list}`)) return;
    setBusy(true);
    try {
      const result = await api.call('keepDuplicate', { groupId: group.id, keepTrackId: track.trackId });
      useGenresStore.getState().showToast(capitalise(result.summary), 'info', {
        label: 'Undo',
        run: () =>
          void api
            .call('undoKeepDuplicate', { setAsideId: result.setAsideId })
            .then(({ restored }) => useGenresStore.getState().showToast(`Put ${restored} file${restored === 1 ? '' : 's'} back`))
            .then(load)
            .catch((reason: unknown) => useGenresStore.getState().showToast(reason instanceof Error ? reason.message : String(reason), 'error')),
      });
      await load();
    } catch (reason) {
      useGenresStore.getState().showToast(reason instanceof Error ? reason.message : String(reason), 'error');
    } finally {
      setBusy(false);
    }
  };

  const files = groups?.reduce((sum, group) => sum + group.tracks.length, 0) ?? 0;
  return (
    <main className="library" aria-label="Duplicates">
      <header className="library__header">
        <div className="library__title">
          <h1>Duplicates</h1>
          {groups && (
            <span className="library__count">
              {numberFormat.format(groups.length)} {groups.length === 1 ? 'recording' : 'recordings'} in {numberFormat.format(files)} files
            </span>
          )}
        </div>
        <div className="filters">
          <span className="muted">Found by file content and by an audio fingerprint of each track, so a FLAC and an MP3 of one recording are one group.</span>
        </div>
      </header>
      <div className="page__body duplicates-page">
        {error && <p className="form-error" role="alert">{error}</p>}
        {groups && groups.length === 0 && (
          <EmptyState icon="music" title="No duplicates">
            <p>No two files in the library hold the same recording.</p>
          </EmptyState>
        )}
        {groups?.map((group) => (
          <section key={group.id} className="side-card duplicate-group" aria-label={`Duplicate group ${group.id}`}>
            <h2 className="section-title">{group.kind === 'identical' ? 'Identical files' : 'Same recording'}</h2>
            <table className="vocabulary duplicate-group__table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col" className="vocabulary__count">
                    Bitrate
                  </th>
                  <th scope="col" className="vocabulary__count">
                    Length
                  </th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {group.tracks.map((track) => (
                  <tr key={track.trackId}>
                    <th scope="row" className="duplicate-group__path">
                      <button type="button" className="link-button" onClick={() => useTrackStore.getState().open(track.trackId)} title={track.path}>
                        {track.path}
                      </button>
                    </th>
                    <td>{track.format}</td>
                    <td className="vocabulary__count">{track.bitrate ? `${track.bitrate} kbit/s` : '—'}</td>
                    <td className="vocabulary__count">{formatDuration(track.durationSec)}</td>
                    <td>
                      <button type="button" className="button button--small" disabled={busy} aria-label={`Keep ${track.path}`} onClick={() => void keep(group, track)}>
                        Keep this one
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </main>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
