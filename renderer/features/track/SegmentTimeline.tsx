import type { GenreSegment } from '../../../core/api/contract.js';
import { formatDuration, formatPercent, genreColor } from '../../components/format.js';

/** Which genre the model hears when: one block per analysed segment, like a genre meter over time. */
export function SegmentTimeline({
  segments,
  durationSec,
  playheadSec,
}: {
  segments: GenreSegment[];
  durationSec: number;
  playheadSec: number | null;
}) {
  const span = Math.max(durationSec, ...segments.map((segment) => segment.end));
  const genres = [...new Set(segments.map((segment) => segment.genre))];
  // Only an excerpt of a longer track is analysed; the legend names the empty lane around its windows
  // (a short track's last part-segment is too little to mention).
  const partial = span - coveredSeconds(segments) > Math.max(3, span * 0.05);
  return (
    <figure className="timeline">
      <div className="timeline__lane" role="list" aria-label="Genre over time">
        {segments.map((segment) => {
          const confidence = segment.probabilities[segment.genre] ?? 0;
          return (
            <div
              key={`${segment.start}-${segment.end}`}
              role="listitem"
              className="timeline__segment"
              style={{
                left: `${(segment.start / span) * 100}%`,
                width: `${((segment.end - segment.start) / span) * 100}%`,
                background: genreColor(segment.genre),
                opacity: 0.45 + 0.55 * confidence,
              }}
              title={`${formatDuration(segment.start)}–${formatDuration(segment.end)}: ${segment.genre} ${formatPercent(confidence)}`}
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
        {partial && (
          <span className="legend-item">
            <span className="genre-dot timeline__unanalysed-dot" aria-hidden="true" />
            not analysed
          </span>
        )}
        <span className="legend-item legend-item--end">{formatDuration(span)}</span>
      </figcaption>
    </figure>
  );
}

/** Seconds of the track that some segment covers (segments may overlap). */
function coveredSeconds(segments: GenreSegment[]): number {
  let covered = 0;
  let reach = -Infinity;
  for (const { start, end } of [...segments].sort((a, b) => a.start - b.start)) {
    covered += Math.max(0, end - Math.max(start, reach));
    reach = Math.max(reach, end);
  }
  return covered;
}
