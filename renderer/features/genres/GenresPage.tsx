import { useEffect, useMemo, useState } from 'react';
import type { GenreMergeSuggestion, GenreSpellingInfo, GenreSpellings } from '../../../core/api/contract.js';
import { EmptyState } from '../../components/EmptyState.js';
import { Icon } from '../../components/Icon.js';
import { genreColor, numberFormat } from '../../components/format.js';
import { useAppStore } from '../../stores/app.js';
import { useGenresStore } from '../../stores/genres.js';
import { useLibraryStore } from '../../stores/library.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';
import { UndoRedoButtons } from './EditControls.js';

/**
 * Every genre the library holds: the spellings its files' tags carry and the genres confirmed in it,
 * each with its counts and its place in the genre tree; rename, merge, split off and "map to", written
 * to the files when the user asks, and suggestions of spellings to merge.
 */
export function GenresPage() {
  const spellings = useGenresStore((state) => state.spellings);
  const writeTags = useGenresStore((state) => state.writeTags);
  const [filter, setFilter] = useState('');
  useEffect(() => {
    void useGenresStore.getState().loadSpellings();
    void useGenresStore.getState().loadHistory();
  }, []);
  const entries = spellings?.entries ?? [];
  const shown = useMemo(() => {
    const words = filter.trim().toLowerCase();
    if (!words) return entries;
    const key = words.replace(/[^a-z0-9]/g, '');
    return entries.filter(
      (entry) =>
        entry.name.toLowerCase().includes(words) ||
        entry.spellings.some((spelling) => spelling.spelling.toLowerCase().includes(words)) ||
        entry.aliases.some((alias) => key && alias.includes(key)),
    );
  }, [entries, filter]);
  const tagged = entries.reduce((sum, entry) => sum + entry.tagTrackCount, 0);
  const confirmed = entries.reduce((sum, entry) => sum + entry.confirmedTrackCount, 0);

  return (
    <main className="library" aria-label="Genres">
      <header className="library__header">
        <div className="library__title">
          <h1>Genres</h1>
          <span className="library__count">
            {numberFormat.format(entries.length)} {entries.length === 1 ? 'genre' : 'genres'} · {numberFormat.format(tagged)} in tags · {numberFormat.format(confirmed)} confirmed
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
          <label className="toggle">
            <input type="checkbox" checked={writeTags} onChange={(event) => useGenresStore.getState().setWriteTags(event.target.checked)} />
            Write renames and merges to the files’ tags
          </label>
          <span className="muted">Every change can be undone; files get their exact earlier bytes back.</span>
        </div>
      </header>
      <div className="page__body genres-page">
        <div className="genres-page__main">
          {spellings && spellings.suggestions.length > 0 && <Suggestions suggestions={spellings.suggestions} />}
          {spellings && entries.length === 0 ? (
            <EmptyState icon="tag" title="No genres yet">
              <p>No file’s tags name a genre yet, and none is confirmed. Genres appear here as folders are scanned or you fix tracks’ genres.</p>
              <GoToLibraryButton />
            </EmptyState>
          ) : (
            <table className="vocabulary" aria-label="Genre vocabulary">
              <thead>
                <tr>
                  <th scope="col">Genre</th>
                  <th scope="col">In the files</th>
                  <th scope="col">Tree</th>
                  <th scope="col" className="vocabulary__count">
                    Tagged
                  </th>
                  <th scope="col" className="vocabulary__count">
                    Confirmed
                  </th>
                  <th scope="col">Merge into</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((entry) => (
                  <GenreRow key={entry.name} entry={entry} entries={entries} families={spellings?.families ?? []} />
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

/** Spellings that probably name one genre, each group with a one-click merge. */
function Suggestions({ suggestions }: { suggestions: GenreMergeSuggestion[] }) {
  const { mergeSpellings, busy, writeTags } = useGenresStore();
  return (
    <section className="side-card genre-suggestions" aria-label="Suggested merges">
      <h2 className="section-title">Suggested merges</h2>
      <ul className="genre-suggestions__list">
        {suggestions.map((suggestion) => {
          const sources = suggestion.spellings.map((entry) => entry.spelling).filter((spelling) => spelling !== suggestion.target);
          const label = suggestion.spellings.map((entry) => `“${entry.spelling}” (${entry.trackCount})`).join(' · ');
          return (
            <li key={suggestion.target + label} className="genre-suggestions__item">
              <span>
                {label} → <strong>{suggestion.target}</strong> <span className="muted">({suggestion.reason})</span>
              </span>
              <button
                type="button"
                className="button button--small"
                disabled={busy}
                aria-label={`Merge ${sources.join(', ')} into ${suggestion.target}`}
                onClick={() => {
                  const files = writeTags ? ' and rewrite their files’ tags' : '';
                  if (window.confirm(`Merge ${sources.join(', ')} into ${suggestion.target}${files}? You can undo this.`)) void mergeSpellings(sources, suggestion.target);
                }}
              >
                Merge
              </button>
            </li>
          );
        })}
      </ul>
    </section>
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

const TREE_DEFAULT = '';
const OUTSIDE = 'outside';

function GenreRow({ entry, entries, families }: { entry: GenreSpellingInfo; entries: GenreSpellingInfo[]; families: GenreSpellings['families'] }) {
  const { renameSpelling, mergeSpellings, splitOffSpelling, mapSpelling, busy, writeTags } = useGenresStore();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(entry.name);
  const [target, setTarget] = useState('');
  const files = writeTags && entry.tagTrackCount > 0 ? ` and rewrite the tags of ${entry.tagTrackCount} file${entry.tagTrackCount === 1 ? '' : 's'}` : '';

  const rename = async () => {
    const trimmed = name.trim();
    if (!trimmed || trimmed === entry.name) return setRenaming(false);
    if (await renameSpelling(entry.name, trimmed)) setRenaming(false);
  };
  const merge = async () => {
    if (!target || !window.confirm(`Merge ${entry.name} into ${target}${files}? Its tracks and spellings go to ${target}. You can undo this.`)) return;
    if (await mergeSpellings([entry.name], target)) setTarget('');
  };
  const showTracks = () => {
    const library = useLibraryStore.getState();
    library.setView('all');
    library.clearFilters();
    library.setFilters({ genre: entry.name });
    useAppStore.getState().setSection('library');
  };
  const familyName = (id: string) => families.find((family) => family.id === id)?.name ?? id;
  const placement = entry.placement;
  const treeValue = placement.kind === 'outside' ? OUTSIDE : placement.kind === 'families' && placement.families.length === 1 ? placement.families[0] : TREE_DEFAULT;
  const treeLabel = placement.kind === 'families' ? placement.families.map(familyName).join(' + ') : placement.kind === 'outside' ? 'Outside the tree' : 'Unknown';

  return (
    <tr data-genre={entry.name}>
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
              aria-label={`New name for ${entry.name}`}
              value={name}
              autoFocus
              onChange={(event) => setName(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.stopPropagation();
                  setName(entry.name);
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
            <span className="genre-dot" style={{ background: genreColor(entry.name) }} aria-hidden="true" />
            <span className="vocabulary__label">{entry.name}</span>
            <button
              type="button"
              className="icon-button"
              aria-label={`Rename ${entry.name}`}
              onClick={() => {
                setName(entry.name);
                setRenaming(true);
              }}
            >
              <Icon name="edit" size={14} />
            </button>
          </>
        )}
      </th>
      <td className="vocabulary__aliases">
        {entry.spellings.map((spelling) => (
          <span key={spelling.spelling} className="alias-chip" title={`${spelling.trackCount} file(s) spell it “${spelling.spelling}”`}>
            {spelling.spelling} <span className="muted">{numberFormat.format(spelling.trackCount)}</span>
            {spelling.spelling.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') !== entry.name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '') && (
              <button
                type="button"
                className="alias-chip__action"
                aria-label={`Split ${spelling.spelling} off ${entry.name}`}
                title="Make this spelling a genre of its own"
                disabled={busy}
                onClick={() => void splitOffSpelling(spelling.spelling)}
              >
                split off
              </button>
            )}
          </span>
        ))}
      </td>
      <td className="vocabulary__tree">
        <select
          className="select"
          aria-label={`Place ${entry.name} in the genre tree`}
          value={treeValue}
          disabled={busy}
          onChange={(event) => void mapSpelling(entry.name, event.target.value === TREE_DEFAULT ? null : event.target.value)}
        >
          <option value={TREE_DEFAULT}>{treeValue === TREE_DEFAULT ? treeLabel : 'Where the tree puts it'}</option>
          {families.map((family) => (
            <option key={family.id} value={family.id}>
              {family.name}
            </option>
          ))}
          <option value={OUTSIDE}>Outside the tree</option>
        </select>
        {entry.placedByUser && <span className="muted"> (yours)</span>}
      </td>
      <td className="vocabulary__count">
        {entry.tagTrackCount > 0 ? (
          <button type="button" className="link-button" onClick={showTracks} aria-label={`Show the ${entry.tagTrackCount} tracks tagged ${entry.name}`}>
            {numberFormat.format(entry.tagTrackCount)}
          </button>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
      <td className="vocabulary__count">
        {entry.confirmedTrackCount > 0 ? (
          <button type="button" className="link-button" onClick={showTracks} aria-label={`Show the ${entry.confirmedTrackCount} ${entry.name} tracks`}>
            {numberFormat.format(entry.confirmedTrackCount)}
          </button>
        ) : (
          <span className="muted">0</span>
        )}
      </td>
      <td className="vocabulary__merge">
        <select className="select" aria-label={`Merge ${entry.name} into`} value={target} onChange={(event) => setTarget(event.target.value)}>
          <option value="">Choose a genre…</option>
          {entries
            .filter((candidate) => candidate.name !== entry.name)
            .map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
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
