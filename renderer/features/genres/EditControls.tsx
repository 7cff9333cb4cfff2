import { Icon } from '../../components/Icon.js';
import { useGenresStore } from '../../stores/genres.js';

const MOD_KEY = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

/** Undo and redo of genre edits, with what each would do in its tooltip. */
export function UndoRedoButtons() {
  const { editState, busy, undo, redo } = useGenresStore();
  return (
    <div className="undo-redo" role="toolbar" aria-label="Edit history">
      <button
        type="button"
        className="button button--small"
        disabled={!editState.canUndo || busy}
        onClick={() => void undo()}
        title={editState.undoSummary ? `Undo ${editState.undoSummary} (${MOD_KEY}Z)` : 'Nothing to undo'}
      >
        <Icon name="undo" size={14} /> Undo
      </button>
      <button
        type="button"
        className="button button--small"
        disabled={!editState.canRedo || busy}
        onClick={() => void redo()}
        title={editState.redoSummary ? `Redo ${editState.redoSummary} (${MOD_KEY}Shift+Z)` : 'Nothing to redo'}
      >
        <Icon name="redo" size={14} /> Redo
      </button>
    </div>
  );
}

/** Opt-in tag write-back for every genre edit made in the app. */
export function WriteTagsToggle() {
  const { writeTags, setWriteTags } = useGenresStore();
  return (
    <label className="toggle write-tags" title="Also write the genres you set into the files’ tags (ID3, Vorbis, MP4, RIFF). Undo restores the files exactly.">
      <input type="checkbox" checked={writeTags} onChange={(event) => setWriteTags(event.target.checked)} />
      Write genres to files
    </label>
  );
}
