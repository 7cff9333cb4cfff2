import type { Ref } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { EmptyState } from '../../components/EmptyState.js';
import { numberFormat } from '../../components/format.js';
import { useFoldersStore } from '../../stores/folders.js';
import { useLibraryStore } from '../../stores/library.js';
import { AddFolder } from '../folders/AddFolder.js';
import { BulkGenreBar } from '../genres/BulkGenreBar.js';
import { UndoRedoButtons, WriteTagsToggle } from '../genres/EditControls.js';
import { FilterBar } from './FilterBar.js';
import { LibraryTable } from './LibraryTable.js';

export function LibraryView({ searchRef }: { searchRef: Ref<HTMLInputElement> }) {
  const { view, total, libraryTotal, ready, error, clearFilters, setView } = useLibraryStore(
    useShallow(({ view, total, libraryTotal, ready, error, clearFilters, setView }) => ({ view, total, libraryTotal, ready, error, clearFilters, setView })),
  );
  const { folders, loaded: foldersLoaded } = useFoldersStore();

  const heading = view === 'problems' ? 'Problems' : 'Library';
  const count =
    view === 'problems'
      ? `${numberFormat.format(total)} ${total === 1 ? 'file' : 'files'}`
      : total === libraryTotal
        ? `${numberFormat.format(total)} ${total === 1 ? 'track' : 'tracks'}`
        : `${numberFormat.format(total)} of ${numberFormat.format(libraryTotal)} tracks`;

  let body;
  if (error) {
    body = (
      <EmptyState icon="alert" title="Timbre could not load the library">
        <p>{error}</p>
      </EmptyState>
    );
  } else if (foldersLoaded && !folders.length && view === 'all') {
    body = (
      <EmptyState icon="music" title="Add your music to get started">
        <p>
          Point Timbre at a folder of music. It reads the tags, listens to every track, and works out tempo, timbre and genre,
          then keeps watching the folder for changes.
        </p>
        <AddFolder prominent />
      </EmptyState>
    );
  } else if (!ready) {
    body = null;
  } else if (libraryTotal === 0 && view === 'all') {
    body = (
      <EmptyState icon="folder" title="Looking for music…">
        <p>Tracks appear here as soon as they are found. Timbre reads mp3, flac, ogg, opus, m4a, wav, aiff and more.</p>
      </EmptyState>
    );
  } else if (libraryTotal === 0 && view === 'problems') {
    body = (
      <EmptyState icon="music" title="Nothing to check yet">
        <p>Files that cannot be read or analysed are listed here, with the reason.</p>
        <button className="button" onClick={() => setView('all')}>
          Back to the library
        </button>
      </EmptyState>
    );
  } else if (total === 0 && view === 'problems') {
    body = (
      <EmptyState icon="music" title="No problems">
        <p>Every file so far was read and analysed.</p>
        <button className="button" onClick={() => setView('all')}>
          Back to the library
        </button>
      </EmptyState>
    );
  } else if (total === 0) {
    body = (
      <EmptyState icon="search" title="No tracks match">
        <p>Try other words, or loosen the filters.</p>
        <button className="button" onClick={clearFilters}>
          Clear search and filters
        </button>
      </EmptyState>
    );
  } else {
    body = <LibraryTable />;
  }

  return (
    <main className="library" aria-label={heading}>
      <header className="library__header">
        <div className="library__title">
          <h1>{heading}</h1>
          {ready && libraryTotal > 0 && <span className="library__count" data-testid="track-count">{count}</span>}
          {view === 'all' && libraryTotal > 0 && (
            <>
              <span className="page__spacer" />
              <WriteTagsToggle />
              <UndoRedoButtons />
            </>
          )}
        </div>
        {libraryTotal > 0 && <FilterBar ref={searchRef} />}
        {view === 'all' && <BulkGenreBar />}
      </header>
      <div className="library__body">{body}</div>
    </main>
  );
}
