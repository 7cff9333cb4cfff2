import { useId, useMemo, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon.js';
import { genreColor } from '../../components/format.js';
import { useGenresStore } from '../../stores/genres.js';

/** Suggestions shown at once; typing narrows them. */
const MAX_OPTIONS = 8;

interface GenreInputProps {
  /** The chosen genres, shown as chips before the text field. */
  value: string[];
  onChange(value: string[]): void;
  /** Enter: the chosen genres plus whatever is typed. */
  onCommit(value: string[]): void;
  onCancel?(): void;
  label: string;
  placeholder?: string;
  autoFocus?: boolean;
  /** One genre only (bulk "add genre"): a pick replaces the chip instead of joining it. */
  single?: boolean;
  /** Suggestions open above the field (it sits low on the screen). */
  optionsAbove?: boolean;
  /** The typed text, when the owner needs it (a Save button takes it as a genre too). */
  text?: string;
  onTextChange?(text: string): void;
}

/**
 * Genre chips plus a text field with autocomplete from the vocabulary (an ARIA combobox). Enter takes
 * the highlighted suggestion or the typed name and commits; Tab or a comma keeps it as a chip and goes
 * on; Backspace in an empty field removes the last chip; Escape cancels.
 */
export function GenreInput({ value, onChange, onCommit, onCancel, label, placeholder, autoFocus, single, optionsAbove, ...controlled }: GenreInputProps) {
  const names = useGenresStore((state) => state.genreNames);
  const [ownText, setOwnText] = useState('');
  const text = controlled.text ?? ownText;
  const setText = controlled.onTextChange ?? setOwnText;
  const [active, setActive] = useState<number | null>(null);
  const [focused, setFocused] = useState(Boolean(autoFocus));
  const listId = useId();

  const options = useMemo(() => {
    const typed = text.trim().toLowerCase();
    const chosen = new Set(value.map((genre) => genre.toLowerCase()));
    const open = names.filter((name) => !chosen.has(name.toLowerCase()));
    if (!typed) return open.slice(0, MAX_OPTIONS);
    const starts = open.filter((name) => name.toLowerCase().startsWith(typed));
    const contains = open.filter((name) => !name.toLowerCase().startsWith(typed) && name.toLowerCase().includes(typed));
    return [...starts, ...contains].slice(0, MAX_OPTIONS);
  }, [names, text, value]);
  // A suggestion that begins with what was typed is taken by Enter; anything else is taken as typed.
  const highlighted = active ?? (text.trim() && options[0]?.toLowerCase().startsWith(text.trim().toLowerCase()) ? 0 : null);
  const expanded = focused && options.length > 0;

  const withGenre = (list: string[], genre: string) => {
    const name = genre.trim();
    if (!name || list.some((chosen) => chosen.toLowerCase() === name.toLowerCase())) return list;
    return single ? [name] : [...list, name];
  };
  const take = (genre: string) => {
    const next = withGenre(value, genre);
    onChange(next);
    setText('');
    setActive(null);
    return next;
  };
  const pending = () => (highlighted !== null ? options[highlighted] : text);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The table and the app have keys of their own; typing here must not reach them.
    event.stopPropagation();
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!options.length) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(((highlighted ?? (step === 1 ? -1 : 0)) + step + options.length) % options.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const next = pending().trim() ? take(pending()) : value;
      if (next.length) onCommit(next);
    } else if ((event.key === 'Tab' && text.trim()) || event.key === ',') {
      event.preventDefault();
      take(pending());
    } else if (event.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (text) {
        setText('');
        setActive(null);
      } else onCancel?.();
    }
  };

  return (
    <div className="genre-input">
      <div className="genre-input__field">
        {value.map((genre) => (
          <span key={genre} className="genre-chip genre-chip--confirmed" style={{ '--chip': genreColor(genre) } as CSSProperties}>
            {genre}
            <button type="button" className="genre-chip__remove" aria-label={`Remove ${genre}`} onClick={() => onChange(value.filter((chosen) => chosen !== genre))}>
              <Icon name="close" size={11} />
            </button>
          </span>
        ))}
        <input
          className="genre-input__text"
          role="combobox"
          aria-label={label}
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={highlighted !== null ? `${listId}-${highlighted}` : undefined}
          placeholder={value.length && !single ? 'Add another…' : (placeholder ?? 'Type a genre…')}
          value={text}
          autoFocus={autoFocus}
          spellCheck={false}
          onChange={(event) => {
            const typed = event.target.value;
            // A pasted "Rock, Pop" becomes two chips.
            if (typed.includes(',')) {
              const parts = typed.split(',');
              onChange(parts.slice(0, -1).reduce(withGenre, value));
              setText(parts.at(-1) ?? '');
            } else setText(typed);
            setActive(null);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
      </div>
      {expanded && (
        <ul className={`genre-input__options${optionsAbove ? ' genre-input__options--above' : ''}`} role="listbox" id={listId} aria-label="Genre suggestions">
          {options.map((option, position) => (
            <li
              key={option}
              id={`${listId}-${position}`}
              role="option"
              aria-selected={position === highlighted}
              className={`genre-input__option${position === highlighted ? ' genre-input__option--active' : ''}`}
              // mousedown, not click: the field keeps its focus.
              onMouseDown={(event) => {
                event.preventDefault();
                take(option);
              }}
            >
              <span className="genre-dot" style={{ background: genreColor(option) }} aria-hidden="true" />
              {option}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
