import { useShallow } from 'zustand/react/shallow';
import { Icon } from '../../components/Icon.js';
import { useLibraryStore } from '../../stores/library.js';
import { usePlaylistsStore, type PlaylistOptions } from '../../stores/playlists.js';

/** Length, variety, genre constraints and steering of a generated playlist; "Regenerate" applies them. */
export function PlaylistControls() {
  const { current, options, setOptions, regenerate, steer, setSeed, steeringNames, busy } = usePlaylistsStore(
    useShallow(({ current, options, setOptions, regenerate, steer, setSeed, steeringNames, busy }) => ({
      current,
      options,
      setOptions,
      regenerate,
      steer,
      setSeed,
      steeringNames,
      busy,
    })),
  );
  const genres = useLibraryStore((state) => state.facets.genres);
  const request = current?.request;
  if (!request) {
    return <p className="playlist-controls__note muted">This playlist was imported or made by hand: reorder or remove tracks, then save or export it.</p>;
  }
  const steered = [...(request.moreLike ?? []).map((id) => ({ id, direction: 'more' as const })), ...(request.lessLike ?? []).map((id) => ({ id, direction: 'less' as const }))];

  return (
    <form
      className="playlist-controls"
      aria-label="Playlist options"
      onSubmit={(event) => {
        event.preventDefault(); // Enter in a field regenerates
        void regenerate();
      }}
    >
      <div className="playlist-controls__row">
        <label className="field">
          <span className="field__label">Length</span>
          <input
            className="input input--narrow"
            type="number"
            min={1}
            max={options.lengthBy === 'count' ? 1000 : 10_000}
            aria-label={options.lengthBy === 'count' ? 'Number of tracks' : 'Minutes of music'}
            value={options.lengthBy === 'count' ? options.count : options.minutes}
            onChange={(event) => {
              const value = positive(event.target.valueAsNumber);
              if (value !== null) setOptions(options.lengthBy === 'count' ? { count: value } : { minutes: value });
            }}
          />
          <select
            className="select"
            aria-label="Length unit"
            value={options.lengthBy}
            onChange={(event) => setOptions({ lengthBy: event.target.value as PlaylistOptions['lengthBy'] })}
          >
            <option value="count">tracks</option>
            <option value="duration">minutes</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">Max per artist</span>
          <input
            className="input input--narrow"
            type="number"
            min={1}
            placeholder="any"
            aria-label="Maximum tracks per artist"
            value={options.maxPerArtist ?? ''}
            onChange={(event) => setOptions({ maxPerArtist: positive(event.target.valueAsNumber) })}
          />
        </label>
        <GenrePicker
          label="Only genres"
          values={options.includeGenres}
          choices={genres.filter((genre) => !options.excludeGenres.includes(genre))}
          onChange={(includeGenres) => setOptions({ includeGenres })}
        />
        <GenrePicker
          label="Leave out"
          values={options.excludeGenres}
          choices={genres.filter((genre) => !options.includeGenres.includes(genre))}
          onChange={(excludeGenres) => setOptions({ excludeGenres })}
        />
        <button className="button button--primary playlist-controls__apply" type="submit" disabled={busy !== null}>
          <Icon name="refresh" /> Regenerate
        </button>
      </div>
      <div className="playlist-controls__seeds">
        <span className="field__label">{request.seeds.length === 1 ? 'Seed' : 'Seeds'}</span>
        <ul className="chips" aria-label="Seeds">
          {request.seeds.map((id) => {
            const entry = current.entries.find((candidate) => candidate.id === id);
            const name = entry ? (entry.title ?? entry.fileName) : `track ${id}`;
            return (
              <li key={id} className="chip chip--seed">
                {name}
                {request.seeds.length > 1 && (
                  <button type="button" className="chip__remove" aria-label={`Remove seed ${name}`} onClick={() => void setSeed(id, false)} disabled={busy !== null}>
                    <Icon name="close" size={11} />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        {request.seeds.length === 1 && <span className="playlist-controls__hint muted">More seeds: “Add as seed” in any track’s panel.</span>}
      </div>
      {steered.length > 0 && (
        <ul className="chips" aria-label="Steering">
          {steered.map(({ id, direction }) => (
            <li key={`${direction}-${id}`} className={`chip chip--${direction}`}>
              <Icon name={direction} size={12} />
              {`${direction === 'more' ? 'More' : 'Less'} like ${steeringNames[id] ?? `track ${id}`}`}
              <button type="button" className="chip__remove" aria-label={`Stop steering by ${steeringNames[id] ?? `track ${id}`}`} onClick={() => void steer(id, 'none')}>
                <Icon name="close" size={11} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

function GenrePicker({ label, values, choices, onChange }: { label: string; values: string[]; choices: string[]; onChange(values: string[]): void }) {
  const left = choices.filter((genre) => !values.includes(genre));
  return (
    <div className="field" role="group" aria-label={label}>
      <span className="field__label">{label}</span>
      {values.map((genre) => (
        <span key={genre} className="chip">
          {genre}
          <button type="button" className="chip__remove" aria-label={`${label}: remove ${genre}`} onClick={() => onChange(values.filter((value) => value !== genre))}>
            <Icon name="close" size={11} />
          </button>
        </span>
      ))}
      <select
        className="select"
        aria-label={`${label}: add a genre`}
        value=""
        disabled={left.length === 0}
        onChange={(event) => event.target.value && onChange([...values, event.target.value])}
      >
        <option value="">{values.length ? 'add…' : 'any'}</option>
        {left.map((genre) => (
          <option key={genre} value={genre}>
            {genre}
          </option>
        ))}
      </select>
    </div>
  );
}

function positive(value: number): number | null {
  return Number.isFinite(value) && value >= 1 ? Math.round(value) : null;
}
