import { useState, type FormEvent } from 'react';
import { Icon } from '../../components/Icon.js';
import { useAppStore } from '../../stores/app.js';
import { useFoldersStore } from '../../stores/folders.js';

/** A native dialog in Electron; a path field in web mode, where the browser cannot pick folders. */
export function AddFolder({ prominent = false }: { prominent?: boolean }) {
  const nativeDialog = useAppStore((state) => state.info?.nativeFolderDialog ?? false);
  const { add, choose, busy, error } = useFoldersStore();
  const [path, setPath] = useState('');

  if (nativeDialog) {
    return (
      <div className="add-folder">
        <button className={prominent ? 'button button--primary' : 'button'} onClick={() => void choose()} disabled={busy}>
          <Icon name="plus" /> Add music folder…
        </button>
        {error && <p className="form-error" role="alert">{error}</p>}
      </div>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (path.trim() && (await add(path.trim()))) setPath('');
  };

  return (
    <form className={`add-folder${prominent ? ' add-folder--prominent' : ''}`} onSubmit={(event) => void submit(event)}>
      <label className="visually-hidden" htmlFor={prominent ? 'folder-path-main' : 'folder-path'}>
        Music folder path
      </label>
      <input
        id={prominent ? 'folder-path-main' : 'folder-path'}
        className="input"
        placeholder="/home/you/Music"
        value={path}
        onChange={(event) => setPath(event.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <button className={prominent ? 'button button--primary' : 'button'} type="submit" disabled={busy || !path.trim()}>
        <Icon name="plus" /> Add
      </button>
      {error && <p className="form-error" role="alert">{error}</p>}
    </form>
  );
}
