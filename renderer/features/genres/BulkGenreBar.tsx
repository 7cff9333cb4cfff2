import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../../components/Icon.js';
import { numberFormat } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';
import { GenreInput } from './GenreInput.js';

/** Bulk genre edits on the multi-selection: set or add a genre, accept suggestions, mark confirmed. */
export function BulkGenreBar() {
  const { selection, busy, setGenres, addGenre, removeGenre, acceptSuggestions, confirmGenres, resetSelection } = useGenresStore(
    useShallow(({ selection, busy, setGenres, addGenre, removeGenre, acceptSuggestions, confirmGenres, resetSelection }) => ({
      selection,
      busy,
      setGenres,
      addGenre,
      removeGenre,
      acceptSuggestions,
      confirmGenres,
      resetSelection,
    })),
  );
  const [genre, setGenre] = useState<string[]>([]);
  const [text, setText] = useState('');
  // The buttons take a typed name as well as a picked one.
  const chosen = genre.length ? genre : text.trim() ? [text.trim()] : [];
  if (selection.size === 0) return null;
  const ids = [...selection];
  const count = `${numberFormat.format(selection.size)} ${selection.size === 1 ? 'track' : 'tracks'}`;

  const apply = async (action: 'set' | 'add' | 'remove', value = chosen) => {
    if (!value.length) return;
    const done =
      action === 'set' ? await setGenres(ids, value) : action === 'add' ? await addGenre(ids, value[0]) : await removeGenre(ids, value[0]);
    if (done) {
      setGenre([]);
      setText('');
    }
  };

  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk genre edit">
      <span className="bulk-bar__count" data-testid="selection-count">
        {count} selected
      </span>
      <div className="bulk-bar__genre">
        <GenreInput value={genre} onChange={setGenre} text={text} onTextChange={setText} onCommit={(value) => void apply('set', value)} label="Genre for the selected tracks" placeholder="Genre…" single />
      </div>
      <button type="button" className="button button--small button--primary" disabled={busy || !chosen.length} onClick={() => void apply('set')} title="Replace their genres with this one">
        Set genre
      </button>
      <button type="button" className="button button--small" disabled={busy || !chosen.length} onClick={() => void apply('add')} title="Add this genre, keeping their others">
        Add genre
      </button>
      <button type="button" className="button button--small" disabled={busy || !chosen.length} onClick={() => void apply('remove')} title="Remove this genre, keeping their others">
        Remove genre
      </button>
      <span className="bulk-bar__divider" aria-hidden="true" />
      <button type="button" className="button button--small" disabled={busy} onClick={() => void acceptSuggestions(ids)} title="Confirm each track's predicted genre">
        <Icon name="check" size={14} /> Accept suggestions
      </button>
      <button type="button" className="button button--small" disabled={busy} onClick={() => void confirmGenres(ids)} title="Confirm each track's current genre (its tag, else the prediction)">
        Mark confirmed
      </button>
      <button type="button" className="link-button bulk-bar__clear" onClick={() => resetSelection()}>
        Clear selection
      </button>
    </div>
  );
}
