import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { GenreInput } from './GenreInput.js';

interface GenreEditorPopoverProps {
  /** The element the editor opens under (a table cell). */
  anchor: HTMLElement | null;
  /** The genres the editor starts with. */
  initial: string[];
  /** What is being edited, for the field's label: "Genre of Blue in Green". */
  label: string;
  /** Hint under the field, e.g. the file's tag genre. */
  hint?: string;
  onSave(genres: string[]): Promise<boolean> | void;
  onClose(): void;
}

const WIDTH = 320;
/** Room the editor needs below its cell (field, footer and the suggestion list); else it opens above. */
const ROOM_BELOW = 320;

/**
 * An inline genre editor floating over the table: a table cell is too small (and its row scrolls and
 * clips), so the editor opens in a layer of its own, under the cell (above it near the bottom of the
 * window). A click outside cancels.
 */
export function GenreEditorPopover({ anchor, initial, label, hint, onSave, onClose }: GenreEditorPopoverProps) {
  const [genres, setGenres] = useState(initial);
  const [text, setText] = useState('');
  // Save takes a typed name too, as Enter would.
  const chosen = text.trim() && !genres.some((genre) => genre.toLowerCase() === text.trim().toLowerCase()) ? [...genres, text.trim()] : genres;
  const [position, setPosition] = useState<{ top?: number; bottom?: number; left: number } | null>(null);
  const layer = useRef<HTMLDivElement>(null);
  // Where the keyboard was (the table, for E on a row): saving or cancelling returns there.
  const opener = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  const finish = () => {
    onClose();
    opener.current?.focus();
  };

  useLayoutEffect(() => {
    if (!anchor) return;
    const rect = anchor.getBoundingClientRect();
    const left = Math.max(8, Math.min(rect.left - 8, window.innerWidth - WIDTH - 8));
    setPosition(rect.bottom + ROOM_BELOW <= window.innerHeight ? { top: rect.bottom + 4, left } : { bottom: window.innerHeight - rect.top + 4, left });
  }, [anchor]);

  useEffect(() => {
    const onPointerDown = (event: PointerEvent) => {
      if (layer.current && !layer.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [onClose]);

  const save = async (value: string[]) => {
    if (!value.length) return;
    const saved = await onSave(value);
    if (saved !== false) finish();
  };

  if (!position) return null;
  return createPortal(
    // React events bubble out of a portal to the component tree (the table row): they stop here.
    <div
      ref={layer}
      className="genre-popover"
      role="dialog"
      aria-label={label}
      style={{ ...position, width: WIDTH }}
      onClick={(event) => event.stopPropagation()}
      onDoubleClick={(event) => event.stopPropagation()}
      onKeyDown={(event) => event.stopPropagation()}
    >
      <GenreInput value={genres} onChange={setGenres} text={text} onTextChange={setText} onCommit={save} onCancel={finish} label={label} optionsAbove={position.bottom !== undefined} autoFocus />
      <div className="genre-popover__footer">
        <span className="genre-popover__hint">{hint ?? 'Enter saves · Esc cancels'}</span>
        <button type="button" className="button button--small" onClick={finish}>
          Cancel
        </button>
        <button type="button" className="button button--small button--primary" disabled={!chosen.length} onClick={() => void save(chosen)}>
          Save
        </button>
      </div>
    </div>,
    document.body,
  );
}
