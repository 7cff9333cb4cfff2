import { useEffect, useMemo, useState } from 'react';
import type { GenreInfo } from '../../../core/api/contract.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { genreColor, numberFormat } from '../../components/format.js';
import { useAppStore } from '../../stores/app.js';
import { useGenresStore } from '../../stores/genres.js';
import { useLibraryStore } from '../../stores/library.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';
import { UndoRedoButtons } from './EditControls.js';

/** The user's genre vocabulary: canonical names, the spellings that resolve to each, rename and merge. */
export function GenresPage() {
  const vocabulary = useGenresStore((state) => state.vocabulary);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    void useGenresStore.getState().loadVocabulary();
    void useGenresStore.getState().loadHistory();
  }, []);
  const shown = useMemo(() => {
    const words = filter.trim().toLowerCase();
    if (!words) return vocabulary;
    return vocabulary.filter((genre) => genre.name.toLowerCase().includes(words) || genre.aliases.some((alias) => alias.includes(words.replace(/[^a-z0-9]/g, ''))));
  }, [vocabulary, filter]);
  const confirmedTracks = vocabulary.reduce((sum, genre) => sum + genre.trackCount, 0);

  return (
    <main className="library" aria-label="Genres">
      <header className="library__header">
        <div className="library__title">
          <h1>Genres</h1>
          <span className="library__count">
            {numberFormat.format(vocabulary.length)} {vocabulary.length === 1 ? 'genre' : 'genres'} · {numberFormat.format(confirmedTracks)} confirmed
          </span>
          <span className="page__spacer" />
          <UndoRedoButtons />
        </div>
        <div className="filters">
          <div className="search">
            <Icon name="search" />
            <input
              className="search__input"
              type="search"
              placeholder="Find a genre or spelling"
              aria-label="Find a genre"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          </div>
          <span className="muted">Spellings like “Hip Hop”, “hip-hop” and “HipHop” are one genre. Rename or merge genres here; every change can be undone.</span>
        </div>
      </header>
      <div className="page__body genres-page">
        <div className="genres-page__main">
          {vocabulary.length === 0 ? (
            <EmptyState icon="tag" title="No genres yet">
              <p>Genres join the vocabulary as you confirm or fix tracks’ genres in the library.</p>
              <GoToLibraryButton />
            </EmptyState>
          ) : (
            <table className="vocabulary" aria-label="Genre vocabulary">
              <thead>
                <tr>
                  <th scope="col">Genre</th>
                  <th scope="col">Also matches</th>
                  <th scope="col" className="vocabulary__count">
                    Tracks
                  </th>
                  <th scope="col">Merge into</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((genre) => (
                  <GenreRow key={genre.id} genre={genre} vocabulary={vocabulary} />
                ))}
              </tbody>
            </table>
          )}
        </div>
        <EditHistory />
      </div>
    </main>
  );
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
const STATE_LABELS = { done: 'done', undone: 'undone', superseded: 'replaced' } as const;

/** Recent genre edits, newest first: what undo and redo walk through. */
function EditHistory() {
  const history = useGenresStore((state) => state.history);
  return (
    <aside className="side-card edit-history" aria-label="Recent changes">
      <h2 className="section-title">Recent changes</h2>
      {history.length === 0 ? (
        <p className="muted">Nothing yet. Every genre change lands here and can be undone.</p>
      ) : (
        <ol className="edit-history__list">
          {history.map((entry) => (
            <li key={entry.id} className={`edit-history__entry edit-history__entry--${entry.state}`}>
              <span className="edit-history__summary">{entry.summary}</span>
              <span className="edit-history__meta">
                {timeFormat.format(entry.createdAt)} · {STATE_LABELS[entry.state]}
              </span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

function GenreRow({ genre, vocabulary }: { genre: GenreInfo; vocabulary: GenreInfo[] }) {
  const { renameGenre, mergeGenres, busy } = useGenresStore();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(genre.name);
  const [target, setTarget] = useState('');

  const rename = async () => {
    const trimmed = name.trim();
    if (!trimmed || trimmed === genre.name) return setRenaming(false);
    if (await renameGenre(genre.id, trimmed)) setRenaming(false);
  };
  const merge = async () => {
    const into = vocabulary.find((candidate) => candidate.id === Number(target));
    if (!into || !window.confirm(`Merge ${genre.name} into ${into.name}? Its ${genre.trackCount} tracks and spellings go to ${into.name}. You can undo this.`)) return;
    if (await mergeGenres(genre.id, into.id)) setTarget('');
  };
  const showTracks = () => {
    const library = useLibraryStore.getState();
    library.setView('all');
    library.clearFilters();
    library.setFilters({ genre: genre.name });
    useAppStore.getState().setSection('library');
  };

  return (
    <tr data-genre-id={genre.id}>
      <th scope="row" className="vocabulary__name">
        {renaming ? (
          <form
            className="vocabulary__rename"
            onSubmit={(event) => {
              event.preventDefault();
              void rename();
            }}
          >
            <input
              className="input"
              aria-label={`New name for ${genre.name}`}
              value={name}
              autoFocus
              onChange={(event) => setName(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.stopPropagation();
                  setName(genre.name);
                  setRenaming(false);
                }
              }}
            />
            <button type="submit" className="button button--small button--primary" disabled={busy}>
              Rename
            </button>
          </form>
        ) : (
          <>
            <span className="genre-dot" style={{ background: genreColor(genre.name) }} aria-hidden="true" />
            <span className="vocabulary__label">{genre.name}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Rename ${genre.name}`}
              onClick={() => {
                setName(genre.name);
                setRenaming(true);
              }}
            >
              <Icon name="edit" size={14} />
            </button>
          </>
        )}
      </th>
      <td className="vocabulary__aliases">
        {genre.aliases.map((alias) => (
          <span key={alias} className="alias-chip">
            {alias}
          </span>
        ))}
      </td>
      <td className="vocabulary__count">
        {genre.trackCount > 0 ? (
          <button type="button" className="link-button" onClick={showTracks} aria-label={`Show the ${genre.trackCount} ${genre.name} tracks`}>
            {numberFormat.format(genre.trackCount)}
          </button>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
      <td className="vocabulary__merge">
        <select className="select" aria-label={`Merge ${genre.name} into`} value={target} onChange={(event) => setTarget(event.target.value)}>
          <option value="">Choose a genre…</option>
          {vocabulary
            .filter((candidate) => candidate.id !== genre.id)
            .map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
        </select>
        <button type="button" className="button button--small" disabled={!target || busy} onClick={() => void merge()}>
          Merge
        </button>
      </td>
    </tr>
  );
}
