import { useEffect, useState } from 'react';
import type { TrackDetail } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { useGenresStore } from '../../stores/genres.js';
import { GenreInput } from './GenreInput.js';

/** The track panel's genre editor: the confirmed genres as chips, accept the suggestion, mark confirmed. */
export function TrackGenreEditor({ detail }: { detail: TrackDetail }) {
  const { busy, setGenres, acceptSuggestions, confirmGenres } = useGenresStore();
  const [draft, setDraft] = useState(detail.confirmedGenres);
  const saved = detail.confirmedGenres.join('\u0000');
  // The saved genres changed under the editor (an undo, another window): show them. `saved` stands
  // for detail.confirmedGenres, whose array is new on every refresh.
  useEffect(() => setDraft(detail.confirmedGenres), [detail.id, saved]);
  const changed = draft.join('\u0000') !== saved;
  const save = (value: string[]) => {
    if (value.length) void setGenres([detail.id], value);
  };

  return (
    <div className="track-genres" aria-label="Your genres" role="group">
      <div className="track-genres__head">
        <span className="track-genres__label">
          {detail.genreConfirmed ? (
            <>
              <Icon name="check" size={13} /> Confirmed
            </>
          ) : (
            'Not confirmed yet'
          )}
        </span>
        {!detail.genreConfirmed && detail.predictedGenre && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void acceptSuggestions([detail.id])}>
            Accept {detail.predictedGenre}
          </button>
        )}
        {!detail.genreConfirmed && (detail.genres.length > 0 || detail.predictedGenre) && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void confirmGenres([detail.id])} title={`Confirm ${detail.genres.length ? detail.shownGenres.map((genre) => genre.name).join(', ') : detail.predictedGenre}`}>
            Mark confirmed
          </button>
        )}
      </div>
      <div className="track-genres__edit">
        <GenreInput
          value={draft}
          onChange={setDraft}
          onCommit={save}
          onCancel={() => setDraft(detail.confirmedGenres)}
          label="Genres of this track"
          placeholder={detail.genres.length ? `Tagged ${detail.genres.join(', ')}; type a genre…` : 'Type a genre…'}
        />
        {changed && (
          <button type="button" className="button button--small button--primary" disabled={busy || !draft.length} onClick={() => save(draft)}>
            Save
          </button>
        )}
      </div>
    </div>
  );
}
