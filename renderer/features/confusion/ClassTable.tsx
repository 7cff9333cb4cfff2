import type { ConfusionMatrix } from '../../../core/api/contract.js';
import { genreColor } from '../../components/format.js';
import { formatFraction } from './format.js';

/** Per-genre precision and recall, with the confirmed tracks behind each. */
export function ClassTable({ matrix }: { matrix: ConfusionMatrix }) {
  return (
    <section className="side-card" aria-label="Per-genre figures">
      <h2 className="section-title">Per genre</h2>
      <table className="class-table">
        <thead>
          <tr>
            <th scope="col">Genre</th>
            <th scope="col" title="Of the tracks predicted as this genre, the share confirmed as it">
              Precision
            </th>
            <th scope="col" title="Of the tracks confirmed as this genre, the share predicted as it">
              Recall
            </th>
            <th scope="col" title="Tracks confirmed as this genre">
              Tracks
            </th>
          </tr>
        </thead>
        <tbody>
          {matrix.perClass.map((stats) => (
            <tr key={stats.genre}>
              <th scope="row">
                <span className="genre-dot" style={{ background: genreColor(stats.genre) }} aria-hidden="true" /> {stats.genre}
              </th>
              <td>{formatFraction(stats.precision)}</td>
              <td>{formatFraction(stats.recall)}</td>
              <td>{stats.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
