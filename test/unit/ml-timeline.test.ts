import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planExcerpt } from '../../core/audio/windows.js';
import { segmentsInTrackTime, timelineSpans } from '../../core/ml/timeline.js';

/** ~3-s patches tiling an excerpt of `seconds`, as the classifier gives them (excerpt time). */
function patches(seconds: number, patch = 2.97): Array<{ start: number; end: number; genre: string }> {
  const out = [];
  for (let start = 0; start + patch <= seconds + 1e-9; start += patch) out.push({ start: round(start), end: round(start + patch), genre: `g${out.length}` });
  return out;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

describe('the genre timeline in track time', () => {
  it('puts a long track’s segments only inside its three analysed windows, splitting one that straddles a join', () => {
    const { decodeWindows } = planExcerpt(300);
    assert.deepEqual(
      decodeWindows.map((window) => window.offsetSeconds),
      [55, 145, 235],
    );
    const segments = segmentsInTrackTime(patches(30), decodeWindows);
    for (const segment of segments) {
      const inside = decodeWindows.some((window) => segment.start >= window.offsetSeconds - 1e-9 && segment.end <= window.offsetSeconds + window.durationSeconds + 1e-9);
      assert.ok(inside, `segment ${segment.start}–${segment.end} lies inside an analysed window`);
    }
    // The 4th patch (8.91–11.88 s of the excerpt) straddles the first join: it is split, not stretched over 65–145 s.
    const fourth = segments.filter((segment) => segment.genre === 'g3');
    assert.deepEqual(
      fourth.map((segment) => [segment.start, segment.end]),
      [
        [63.91, 65],
        [145, 146.88],
      ],
    );
    const analysed = segments.reduce((sum, segment) => sum + segment.end - segment.start, 0);
    assert.ok(Math.abs(analysed - 29.7) < 0.05, `analysed ${analysed} s of the 30-s excerpt`);
    assert.deepEqual(
      segments.map((segment) => segment.genre),
      ['g0', 'g1', 'g2', 'g3', 'g3', 'g4', 'g5', 'g6', 'g6', 'g7', 'g8', 'g9'],
      'segments keep their order',
    );
  });

  it('keeps a single window’s segments as they are, shifted to its offset', () => {
    const segments = segmentsInTrackTime(patches(9), [{ offsetSeconds: 15, durationSeconds: 30 }]);
    assert.deepEqual(
      segments.map((segment) => [segment.start, segment.end]),
      [
        [15, 17.97],
        [17.97, 20.94],
        [20.94, 23.91],
      ],
    );
  });

  it('cuts the track into analysed stretches and the gaps between and around them', () => {
    const { decodeWindows } = planExcerpt(300);
    const spans = timelineSpans(segmentsInTrackTime(patches(30), decodeWindows), 300);
    assert.deepEqual(
      spans.map((span) => [span.start, span.end, span.analysed]),
      [
        [0, 55, false],
        [55, 65, true],
        [65, 145, false],
        [145, 155, true],
        [155, 235, false],
        [235, 244.7, true],
        [244.7, 300, false],
      ],
    );
    assert.deepEqual(
      timelineSpans([{ start: 0, end: 3 }, { start: 3, end: 5.9 }], 6).map((span) => span.analysed),
      [true],
      'a whole short track has no gap (a tail under a quarter second is rounding)',
    );
    assert.deepEqual(timelineSpans([], 10), [{ start: 0, end: 10, analysed: false }]);
  });
});
