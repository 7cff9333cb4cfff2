import { ProgressBar } from '../../components/ProgressBar.js';
import { formatEta, numberFormat } from '../../components/format.js';
import { Icon } from '../../components/Icon.js';
import { useAppStore } from '../../stores/app.js';
import { useLibraryStore } from '../../stores/library.js';
import { useScanStore } from '../../stores/scan.js';

/** Analysis progress: bar, counts, rate and ETA, pause/resume, and the way to per-file errors. */
export function ScanStatus() {
  const { progress, togglePause } = useScanStore();
  const setView = useLibraryStore((state) => state.setView);
  const setSection = useAppStore((state) => state.setSection);
  // The scan status sits in the sidebar on every page, so its link to the errors leaves the page it is on.
  const showProblems = () => {
    setSection('library');
    setView('problems');
  };
  if (!progress || progress.total === 0) return null;

  const finished = progress.done + progress.failed;
  const complete = finished >= progress.total;
  const fraction = progress.total ? finished / progress.total : 0;
  return (
    <section className="scan" aria-label="Analysis progress" data-complete={complete}>
      <div className="scan__head">
        <span className="scan__title">{complete ? 'Analysis complete' : progress.paused ? 'Analysis paused' : 'Analysing…'}</span>
        <span className="scan__count" data-testid="scan-count">
          {numberFormat.format(finished)} / {numberFormat.format(progress.total)}
        </span>
      </div>
      <ProgressBar value={fraction} label="Analysis progress" paused={progress.paused} />
      <div className="scan__meta">
        {complete ? (
          <span>
            100% · {numberFormat.format(progress.done)} analysed{progress.failed ? `, ${numberFormat.format(progress.failed)} failed` : ''}
          </span>
        ) : (
          <span>
            {Math.round(fraction * 100)}% · {progress.ratePerSec > 0 && !progress.paused ? `${progress.ratePerSec.toFixed(1)} tracks/s · ` : ''}
            {progress.paused ? 'paused' : formatEta(progress.etaSec)}
          </span>
        )}
        {!complete && (
          <button className="link-button" onClick={() => void togglePause()}>
            {progress.paused ? 'Resume' : 'Pause'}
          </button>
        )}
      </div>
      {progress.failed > 0 && (
        <button className="scan__errors" onClick={showProblems}>
          <Icon name="alert" size={14} /> {numberFormat.format(progress.failed)} {progress.failed === 1 ? 'file' : 'files'} could not be analysed
        </button>
      )}
    </section>
  );
}

/** The sidebar's icon rail has no room for the scan status: a bar while tracks are analysed, its numbers in the tooltip. */
export function RailScanProgress() {
  const progress = useScanStore((state) => state.progress);
  if (!progress || progress.total === 0) return null;
  const finished = progress.done + progress.failed;
  if (finished >= progress.total) return null;
  const fraction = finished / progress.total;
  return (
    <div className="scan scan--rail" title={`${progress.paused ? 'Analysis paused' : 'Analysing…'} ${numberFormat.format(finished)} / ${numberFormat.format(progress.total)}`}>
      <ProgressBar value={fraction} label="Analysis progress" paused={progress.paused} />
    </div>
  );
}
