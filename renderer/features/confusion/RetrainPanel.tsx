import { Icon } from '../../components/Icon.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { useConfusionStore } from '../../stores/confusion.js';

/** "Retrain from my fixes": trains a new head on the confirmed genres in the background. */
export function RetrainPanel({ disabled }: { disabled: boolean }) {
  const progress = useConfusionStore((state) => state.progress);
  const startRetrain = useConfusionStore((state) => state.startRetrain);
  const running = progress?.state === 'running';
  return (
    <section className="side-card retrain" aria-label="Retrain">
      <h2 className="section-title">Learn from your fixes</h2>
      <p className="muted retrain__text">
        Trains the genre model’s last layer on the genres you confirmed, including genres you invented, then refreshes every
        prediction. Your confirmed genres are never changed by it.
      </p>
      <button
        type="button"
        className="button button--primary"
        disabled={running || disabled}
        title={disabled ? 'Analyse some music first' : undefined}
        onClick={() => void startRetrain()}
      >
        <Icon name="music" size={14} /> Retrain from my fixes
      </button>
      {progress && (
        <div className={`retrain__status retrain__status--${progress.state}`} aria-live="polite">
          {progress.state === 'running' && <ProgressBar value={progress.steps ? progress.step / progress.steps : 0} label="Retrain progress" />}
          <p className="retrain__message" data-testid="retrain-message">
            {progress.state === 'failed' && <Icon name="alert" size={13} />}
            {progress.state === 'done' && <Icon name="check" size={13} />} {progress.message}
          </p>
        </div>
      )}
    </section>
  );
}
