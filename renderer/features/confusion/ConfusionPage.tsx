import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConfusionMatrix } from '../../../core/api/contract.js';
import { EmptyState } from '../../components/EmptyState.js';
import { numberFormat } from '../../components/format.js';
import { useConfusionStore } from '../../stores/confusion.js';
import { GoToLibraryButton } from '../library/GoToLibraryButton.js';
import { UndoRedoButtons } from '../genres/EditControls.js';
import { CellTracks } from './CellTracks.js';
import { ConfusionHeatmap } from './ConfusionHeatmap.js';
import { formatFraction } from './format.js';
import { ClassTable } from './ClassTable.js';
import { RetrainPanel } from './RetrainPanel.js';
import { VersionHistory } from './VersionHistory.js';
import './confusion.css';

/**
 * How well a model version's predictions agree with the genres the user confirmed: the confusion
 * matrix, the figures it gives, a drill-down into any cell to fix those tracks in place, and
 * "retrain from my fixes" with the version history.
 */
export function ConfusionPage() {
  const { versions, versionId, matrix, normalised, error, loading, loaded, selectVersion, setNormalised, setVisible } = useConfusionStore(
    useShallow(({ versions, versionId, matrix, normalised, error, loading, loaded, selectVersion, setNormalised, setVisible }) => ({
      versions,
      versionId,
      matrix,
      normalised,
      error,
      loading,
      loaded,
      selectVersion,
      setNormalised,
      setVisible,
    })),
  );

  useEffect(() => {
    setVisible(true);
    return () => setVisible(false);
  }, [setVisible]);

  const active = versions.find((version) => version.active);
  return (
    <main className="library" aria-label="Confusion">
      <header className="library__header">
        <div className="library__title">
          <h1>Confusion</h1>
          {matrix && (
            <span className="library__count" data-testid="confusion-basis">
              based on {numberFormat.format(matrix.tracks)} {matrix.basis.kind === 'held-out' ? 'held-out ' : ''}confirmed{' '}
              {matrix.tracks === 1 ? 'track' : 'tracks'}
            </span>
          )}
          <span className="page__spacer" />
          <UndoRedoButtons />
        </div>
        {versions.length > 0 && (
          <div className="filters">
            <label className="confusion__version">
              Model version
              <select
                className="select"
                value={versionId ?? ''}
                onChange={(event) => void selectVersion(event.target.value ? Number(event.target.value) : null)}
              >
                <option value="">Active{active ? `: ${active.name}` : ''}</option>
                {versions.map((version) => (
                  <option key={version.id} value={version.id}>
                    {version.name}
                    {version.active ? ' (active)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <div className="segmented" role="radiogroup" aria-label="Matrix values">
              <button type="button" role="radio" aria-checked={!normalised} className="segmented__option" onClick={() => setNormalised(false)}>
                Counts
              </button>
              <button type="button" role="radio" aria-checked={normalised} className="segmented__option" onClick={() => setNormalised(true)}>
                Row %
              </button>
            </div>
            {loading && <span className="muted">Updating…</span>}
          </div>
        )}
      </header>
      <div className="page__body confusion">
        <div className="confusion__main">
          {error && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          {loaded && !error && versions.length === 0 ? (
            <EmptyState icon="music" title="No genre predictions yet">
              <p>Add a folder of music. Once its tracks are analysed, this page compares the genres the model predicts with the ones you confirm.</p>
              <GoToLibraryButton />
            </EmptyState>
          ) : matrix && matrix.tracks === 0 && matrix.basis.withoutHeldOut > 0 ? (
            <EmptyState icon="grid" title="Too few fixes to measure this version">
              <p>
                It learned from all {numberFormat.format(matrix.basis.withoutHeldOut)} of your confirmed tracks, too few to hold any out, so nothing here
                could tell how well it predicts. Confirm at least 10 tracks by two or more artists and retrain: each track is then also predicted by a
                version that never saw its artist.
              </p>
              {matrix.trainingAgreement && <TrainingAgreementNote agreement={matrix.trainingAgreement} />}
            </EmptyState>
          ) : matrix && matrix.tracks === 0 ? (
            <EmptyState icon="grid" title="No confirmed genres yet">
              <p>
                Confirm or fix the genre of some tracks in the library (inline, or select several and use the bulk bar). The matrix
                compares them with what the model predicts.
              </p>
              <GoToLibraryButton />
            </EmptyState>
          ) : (
            matrix && (
              <>
                <dl className="stats confusion__figures">
                  <Figure
                    label={matrix.basis.kind === 'held-out' ? 'Held-out accuracy' : 'Accuracy'}
                    value={formatFraction(matrix.accuracy)}
                    hint="Share of confirmed tracks whose prediction, made without seeing the track, matches their first genre"
                  />
                  <Figure label="Cohen’s κ" value={matrix.kappa === null ? '—' : matrix.kappa.toFixed(2)} hint="Agreement beyond chance: 0 is chance, 1 is perfect" />
                  <Figure label="Confirmed tracks" value={numberFormat.format(matrix.tracks)} hint="The tracks these figures rest on" />
                </dl>
                <BasisNote matrix={matrix} />
                <ConfusionHeatmap matrix={matrix} normalised={normalised} />
                <CellTracks />
              </>
            )
          )}
        </div>
        <aside className="confusion__side" aria-label="Model">
          <RetrainPanel disabled={versions.length === 0} />
          {matrix && matrix.tracks > 0 && <ClassTable matrix={matrix} />}
          {versions.length > 0 && <VersionHistory />}
        </aside>
      </div>
    </main>
  );
}

/** What the figures rest on, in words, and a retrained version's fit to its own training tracks, labelled as such. */
function BasisNote({ matrix }: { matrix: ConfusionMatrix }) {
  const { basis } = matrix;
  if (basis.kind === 'shipped-model') {
    return (
      <p className="confusion__basis muted" data-testid="confusion-basis-note">
        Predictions of the shipped model, which never saw your tracks.
      </p>
    );
  }
  const parts = [
    basis.outOfFold > 0 &&
      `${numberFormat.format(basis.outOfFold)} of the tracks it learned from, each predicted during the retrain by a version that never saw its artist (${basis.folds}-fold, grouped by artist)`,
    basis.unseen > 0 && `${numberFormat.format(basis.unseen)} confirmed since, which it never learned from`,
  ].filter(Boolean);
  return (
    <div className="confusion__basis" data-testid="confusion-basis-note">
      <p className="muted">
        Held out: {parts.join('; ')}.
        {basis.withoutHeldOut > 0 && ` ${numberFormat.format(basis.withoutHeldOut)} tracks it learned from are left out: too few to hold out.`}
      </p>
      {matrix.trainingAgreement && <TrainingAgreementNote agreement={matrix.trainingAgreement} />}
    </div>
  );
}

function TrainingAgreementNote({ agreement }: { agreement: NonNullable<ConfusionMatrix['trainingAgreement']> }) {
  return (
    <p className="confusion__training muted" data-testid="training-agreement">
      Agreement with its own {numberFormat.format(agreement.tracks)} training tracks: {formatFraction(agreement.accuracy)}. That is how well it fits
      what it learned, not how well it predicts.
    </p>
  );
}

function Figure({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <div className="stat" title={hint}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
