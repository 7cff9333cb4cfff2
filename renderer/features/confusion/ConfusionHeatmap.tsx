import type { CSSProperties } from 'react';
import type { ConfusionMatrix } from '../../../core/api/contract.js';
import { useConfusionStore } from '../../stores/confusion.js';

/**
 * The matrix as a heatmap: rows are the confirmed genres, columns the predicted ones, the diagonal is
 * agreement. Shade follows the count (relative to the largest cell) or the row share; a click on a
 * cell lists its tracks.
 */
export function ConfusionHeatmap({ matrix, normalised }: { matrix: ConfusionMatrix; normalised: boolean }) {
  const cell = useConfusionStore((state) => state.cell);
  const openCell = useConfusionStore((state) => state.openCell);
  const largest = Math.max(1, ...matrix.counts.flat());
  const rowTotals = matrix.counts.map((row) => row.reduce((sum, count) => sum + count, 0));

  return (
    <div className="heatmap" style={{ '--labels': matrix.labels.length } as CSSProperties}>
      <table className="heatmap__table" aria-label="Confusion matrix" data-version-id={matrix.versionId}>
        <thead>
          <tr>
            <th className="heatmap__corner" scope="col">
              <span>Confirmed ↓</span>
              <span>Predicted →</span>
            </th>
            {matrix.labels.map((label) => (
              <th key={label} scope="col" className="heatmap__col-label">
                <span>{label}</span>
              </th>
            ))}
            <th scope="col" className="heatmap__total-label">
              Tracks
            </th>
          </tr>
        </thead>
        <tbody>
          {matrix.labels.map((confirmed, row) => (
            <tr key={confirmed}>
              <th scope="row" className="heatmap__row-label">
                {confirmed}
              </th>
              {matrix.labels.map((predicted, column) => {
                const count = matrix.counts[row][column];
                const share = matrix.rowNormalised[row][column];
                const intensity = normalised ? share : count / largest;
                const open = cell?.confirmed === confirmed && cell.predicted === predicted;
                return (
                  <td key={predicted} className="heatmap__td">
                    <button
                      type="button"
                      className={`heatmap__cell${row === column ? ' heatmap__cell--diagonal' : ''}${open ? ' heatmap__cell--open' : ''}${intensity > 0.55 ? ' heatmap__cell--strong' : ''}`}
                      style={{ '--intensity': `${Math.round(intensity * 88)}%` } as CSSProperties}
                      disabled={count === 0}
                      aria-pressed={open}
                      aria-label={`Confirmed ${confirmed}, predicted ${predicted}: ${count} ${count === 1 ? 'track' : 'tracks'}`}
                      data-confirmed={confirmed}
                      data-predicted={predicted}
                      data-count={count}
                      onClick={() => void openCell(open ? null : { confirmed, predicted })}
                    >
                      {count === 0 ? '' : normalised ? `${Math.round(share * 100)}%` : count}
                    </button>
                  </td>
                );
              })}
              <td className="heatmap__total">{rowTotals[row]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
