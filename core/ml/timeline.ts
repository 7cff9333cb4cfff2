import type { TimeWindow } from '../audio/decode.js';

/** Pieces shorter than this are rounding left-overs at a window's edge, not audio worth a segment. */
const MIN_PIECE_SECONDS = 0.05;

/**
 * Maps timeline segments from the analysed excerpt (the windows of core/audio/windows.ts, decoded and
 * concatenated) onto track time. A segment that straddles the join of two windows is split there, one
 * piece per window with the segment's genre and probabilities, so that no segment covers track time
 * that was never analysed: the stretches between windows stay gaps. Segments keep their order.
 */
export function segmentsInTrackTime<S extends { start: number; end: number }>(segments: readonly S[], windows: readonly TimeWindow[]): S[] {
  if (windows.length === 0) return segments.map((segment) => ({ ...segment }));
  const pieces: S[] = [];
  for (const segment of segments) {
    let excerptStart = 0;
    for (const [i, window] of windows.entries()) {
      const excerptEnd = excerptStart + window.durationSeconds;
      // The last window takes whatever runs past the excerpt's end (rounded segment times).
      const from = Math.max(segment.start, excerptStart);
      const to = i === windows.length - 1 ? Math.min(segment.end, Math.max(excerptEnd, segment.end)) : Math.min(segment.end, excerptEnd);
      if (to - from >= MIN_PIECE_SECONDS) {
        pieces.push({ ...segment, start: round(window.offsetSeconds + from - excerptStart), end: round(window.offsetSeconds + to - excerptStart) });
      }
      excerptStart = excerptEnd;
    }
  }
  return pieces;
}

/** A stretch of track time: analysed by the model, or a gap it never heard. */
export interface TimelineSpan {
  start: number;
  end: number;
  analysed: boolean;
}

/**
 * The track's time from 0 to `durationSeconds` cut into analysed stretches (where segments lie, merged
 * when they touch or overlap) and the gaps between and around them. Gaps shorter than `minGapSeconds`
 * (rounding between consecutive segments) are not gaps.
 */
export function timelineSpans(segments: ReadonlyArray<{ start: number; end: number }>, durationSeconds: number, minGapSeconds = 0.25): TimelineSpan[] {
  const sorted = [...segments].sort((a, b) => a.start - b.start);
  const covered: Array<{ start: number; end: number }> = [];
  for (const { start, end } of sorted) {
    const last = covered.at(-1);
    if (last && start - last.end < minGapSeconds) last.end = Math.max(last.end, end);
    else covered.push({ start, end });
  }
  const spans: TimelineSpan[] = [];
  let reach = 0;
  for (const stretch of covered) {
    if (stretch.start - reach >= minGapSeconds) spans.push({ start: reach, end: stretch.start, analysed: false });
    spans.push({ start: spans.length === 0 && stretch.start < minGapSeconds ? 0 : stretch.start, end: stretch.end, analysed: true });
    reach = stretch.end;
  }
  if (durationSeconds - reach >= minGapSeconds) spans.push({ start: reach, end: durationSeconds, analysed: false });
  return spans;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
