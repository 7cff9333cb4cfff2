import { useAppStore } from '../../stores/app.js';
import { useLibraryStore } from '../../stores/library.js';

/** The way out of another page's empty state: everything starts in the library (or its folder form). */
export function GoToLibraryButton() {
  return (
    <button
      className="button"
      onClick={() => {
        useAppStore.getState().setSection('library');
        useLibraryStore.getState().setView('all');
      }}
    >
      Go to the library
    </button>
  );
}
