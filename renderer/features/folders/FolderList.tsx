import type { FolderView } from '../../../core/api/contract.js';
import { Icon } from '../../components/Icon.js';
import { numberFormat } from '../../components/format.js';
import { useFoldersStore } from '../../stores/folders.js';

/** Short, so the sidebar shows it whole. */
const STATUS_TEXT: Record<FolderView['watchStatus'], string> = {
  watching: 'Watching',
  scanning: 'Scanning…',
  idle: 'Not watched',
  error: 'Problem',
};

/** The status line's tooltip says it in full. */
const STATUS_TITLE: Record<FolderView['watchStatus'], string> = { ...STATUS_TEXT, watching: 'Watching for changes' };

export function FolderList() {
  const { folders, remove, busy } = useFoldersStore();
  if (!folders.length) return <p className="sidebar__hint">No folders yet.</p>;
  return (
    <ul className="folders" aria-label="Music folders">
      {folders.map((folder) => (
        <li key={folder.id} className="folder">
          <Icon name="folder" />
          <div className="folder__text">
            <span className="folder__path" title={folder.path}>
              {folder.path.split(/[\\/]/).filter(Boolean).pop() ?? folder.path}
            </span>
            <span className={`folder__status folder__status--${folder.watchStatus}`} title={`${folder.error ?? STATUS_TITLE[folder.watchStatus]} · ${folder.path}`}>
              <span className="dot" aria-hidden="true" />
              {/* The count first: a narrow sidebar cuts the end of the line, and the status is in the title too. */}
              <span className="folder__status-text">
                {numberFormat.format(folder.trackCount)} {folder.trackCount === 1 ? 'track' : 'tracks'} · {folder.error ?? STATUS_TEXT[folder.watchStatus]}
              </span>
            </span>
          </div>
          <button
            className="icon-button"
            onClick={() => {
              if (confirm(`Remove ${folder.path} from the library? Files on disk are not touched.`)) void remove(folder.id);
            }}
            disabled={busy}
            aria-label={`Remove folder ${folder.path}`}
            title="Remove from library (files stay on disk)"
          >
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
