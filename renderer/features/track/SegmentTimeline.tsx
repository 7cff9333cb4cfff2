import type { GenrePrediction } from '../../../core/api/contract.js';
import { formatDuration, formatPercent, genreColor } from '../../components/format.js';

/**
 * Which genre the model hears when: one block per analysed segment, and the stretches it never heard
 * drawn as gaps (long tracks are analysed in three 10-s windows). A segment below the unsure threshold
 * is drawn as unsure, not as its top genre.
 */
export function SegmentTimeline({ prediction, durationSec, playheadSec }: { prediction: GenrePrediction; durationSec: number; playheadSec: number | null }) {
  const { segments, timeline } = prediction;
  const span = Math.max(durationSec, ...segments.map((segment) => segment.end), ...timeline.map((stretch) => stretch.end));
  const genres = [...new Set(segments.flatMap((segment) => (segment.genre === null ? [] : [segment.genre])))];
  const gaps = timeline.filter((stretch) => !stretch.analysed);
  const anyUnsure = segments.some((segment) => segment.genre === null);
  const position = (start: number, end: number) => ({ left: `${(start / span) * 100}%`, width: `${((end - start) / span) * 100}%` });
  return (
    <figure className="timeline">
      <div className="timeline__lane" role="list" aria-label="Genre over time">
        {gaps.map((gap) => {
          const label = `${formatDuration(gap.start)}–${formatDuration(gap.end)}: not analysed`;
          return <div key={`gap-${gap.start}`} role="listitem" className="timeline__gap" style={position(gap.start, gap.end)} title={label} aria-label={label} />;
        })}
        {segments.map((segment) => {
          const top = Math.max(0, ...Object.values(segment.probabilities));
          const label =
            segment.genre === null
              ? `${formatDuration(segment.start)}–${formatDuration(segment.end)}: unsure (${topCandidates(segment.probabilities)})`
              : `${formatDuration(segment.start)}–${formatDuration(segment.end)}: ${segment.genre} ${formatPercent(top)}`;
          return (
            <div
              key={`${segment.start}-${segment.end}`}
              role="listitem"
              className={`timeline__segment${segment.genre === null ? ' timeline__segment--unsure' : ''}`}
              style={{
                ...position(segment.start, segment.end),
                ...(segment.genre === null ? {} : { background: genreColor(segment.genre), opacity: 0.45 + 0.55 * top }),
              }}
              title={label}
              aria-label={label}
            />
          );
        })}
        {playheadSec !== null && <div className="playhead" style={{ left: `${(playheadSec / span) * 100}%` }} aria-hidden="true" />}
      </div>
      <figcaption className="timeline__legend">
        {genres.map((genre) => (
          <span key={genre} className="legend-item">
            <span className="genre-dot" style={{ background: genreColor(genre) }} aria-hidden="true" />
            {genre}
          </span>
        ))}
        {anyUnsure && (
          <span className="legend-item">
            <span className="genre-dot timeline__unsure-dot" aria-hidden="true" />
            unsure
          </span>
        )}
        {gaps.length > 0 && (
          <span className="legend-item">
            <span className="genre-dot timeline__unanalysed-dot" aria-hidden="true" />
            not analysed
          </span>
        )}
        <span className="legend-item legend-item--end">{formatDuration(span)}</span>
      </figcaption>
      <p className="timeline__source muted" data-testid="timeline-source">
        {prediction.retrained
          ? `Your retrained version (${prediction.versionName}), stretch by stretch: each analysed ~3-s stretch's sound with the whole track's embedding.`
          : `The same model as the genre above (${prediction.versionName}), stretch by stretch: each analysed ~3-s stretch on its own, so a stretch can differ from the verdict on the whole excerpt.`}
        {gaps.length > 0 && ' Only the stretches drawn were analysed.'}
      </p>
    </figure>
  );
}

function topCandidates(probabilities: Record<string, number>): string {
  return Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([genre, probability]) => `${genre} ${formatPercent(probability)}`)
    .join(', ');
}
