import { useConfusionStore } from '../../stores/confusion.js';
import { formatFraction } from './format.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Every model version, newest first; any one can be made active again (rollback). */
export function VersionHistory() {
  const versions = useConfusionStore((state) => state.versions);
  const activate = useConfusionStore((state) => state.activate);
  const running = useConfusionStore((state) => state.progress?.state === 'running');
  const active = versions.find((version) => version.active);
  const newestFirst = [...versions].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  return (
    <section className="side-card" aria-label="Model versions">
      <h2 className="section-title">Versions</h2>
      <ol className="versions">
        {newestFirst.map((version) => (
          <li key={version.id} className={`version${version.active ? ' version--active' : ''}`} data-version-id={version.id}>
            <div className="version__text">
              <span className="version__name">{version.name}</span>
              <span className="version__meta">
                {dateFormat.format(version.createdAt)}
                {version.trainedOn > 0 ? ` · ${version.trainedOn} fixes` : ' · shipped'}
                {version.validation &&
                  ` · ${formatFraction(version.validation.accuracy)} held-out accuracy (${version.validation.folds}-fold, grouped by artist)`}
              </span>
            </div>
            {version.active ? (
              <span className="badge">Active</span>
            ) : (
              <button type="button" className="button button--small" disabled={running} onClick={() => void activate(version.id)} aria-label={`Activate ${version.name}`}>
                {active && version.createdAt < active.createdAt ? 'Roll back' : 'Activate'}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
