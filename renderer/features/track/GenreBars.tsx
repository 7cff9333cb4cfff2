import { formatPercent, genreColor } from '../../components/format.js';

/** The classifier's probability for each genre, highest first. */
export function GenreBars({ probabilities }: { probabilities: Record<string, number> }) {
  const entries = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  return (
    <ul className="genre-bars" aria-label="Genre probabilities">
      {entries.map(([genre, probability], rank) => (
        <li key={genre} className={`genre-bar${rank === 0 ? ' genre-bar--top' : ''}`}>
          <span className="genre-bar__label">{genre}</span>
          <span className="genre-bar__track">
            <span className="genre-bar__fill" style={{ width: `${Math.max(0.5, probability * 100)}%`, background: genreColor(genre) }} />
          </span>
          <span className="genre-bar__value">{probabilityText(probability)}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Small probabilities keep a decimal; one that would round to "0.0%" says "<0.1%" instead (a stored 0 is
 * a probability rounded to four places, never a certainty).
 */
function probabilityText(probability: number): string {
  if (probability < 0.0005) return '<0.1%';
  return formatPercent(probability, probability < 0.1 ? 1 : 0);
}
