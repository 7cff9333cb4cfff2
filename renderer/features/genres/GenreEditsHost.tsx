import { useEffect } from 'react';
import { api } from '../../api/client.js';
import { Icon } from '../../components/Icon.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { TOAST_MS, useGenresStore } from '../../stores/genres.js';
import { useConfusionStore } from '../../stores/confusion.js';
import './genres.css';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

/**
 * Always mounted beside the pages: keeps the undo state and the model views current from core events,
 * binds Ctrl/Cmd+Z (undo) and Shift+Ctrl/Cmd+Z or Ctrl+Y (redo), and shows the toast naming what an
 * edit, undo or redo did.
 */
export function GenreEditsHost() {
  const toast = useGenresStore((state) => state.toast);
  const tagWrite = useGenresStore((state) => state.tagWrite);

  useEffect(() => {
    const genres = useGenresStore.getState();
    void genres.loadEditState();
    void genres.loadVocabulary();
    void useConfusionStore.getState().loadProgress();
    const unsubscribers = [
      api.on('genres-changed', ({ state }) => {
        useGenresStore.getState().receiveChange(state);
        useConfusionStore.getState().invalidate();
      }),
      api.on('retrain-progress', (progress) => {
        useConfusionStore.getState().receiveProgress(progress);
        // The Confusion page shows its own progress; elsewhere the end of a retrain is told here.
        if (progress.state !== 'running' && !useConfusionStore.getState().visible) {
          const failed = progress.state === 'failed';
          useGenresStore.getState().showToast(`${failed ? 'Retrain failed' : 'Retrained from your fixes'}: ${progress.message}`, failed ? 'error' : 'info');
        }
      }),
      api.on('model-changed', () => useConfusionStore.getState().invalidate()),
      api.on('tag-write-progress', (progress) => useGenresStore.getState().receiveTagWriteProgress(progress)),
    ];
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        void useGenresStore.getState().undo();
      } else if ((key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)) {
        event.preventDefault();
        void useGenresStore.getState().redo();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      window.removeEventListener('keydown', onKeyDown);
    };
  }, []);

  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => useGenresStore.getState().dismissToast(), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  if (tagWrite) {
    return (
      <div className="toast toast--info tag-write-progress" role="status" data-testid="tag-write-progress">
        <span className="toast__message">
          Writing genres to files: {tagWrite.done} of {tagWrite.total}
        </span>
        <ProgressBar value={tagWrite.done / tagWrite.total} label="Writing genres to files" />
      </div>
    );
  }
  if (!toast) return null;
  const { dismissToast } = useGenresStore.getState();
  return (
    <div className={`toast toast--${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-testid="genre-toast" key={toast.id}>
      <span className="toast__message">{toast.message}</span>
      {toast.action && (
        <button type="button" className="toast__action" onClick={toast.action.run}>
          {toast.action.label}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismissToast}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
