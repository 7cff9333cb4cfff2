import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { calibrateReasonThresholds, explainSimilarity, timbreDistance, type ReasonTrack } from '../../core/similarity/reasons.js';

/** 518 statistics, all zero except the named ones. */
function mir(values: Record<string, number>): Float64Array {
  const row = new Float64Array(FMA518_KEYS.length);
  for (const [key, value] of Object.entries(values)) {
    const position = FMA518_KEYS.indexOf(key);
    assert.ok(position >= 0, `unknown key ${key}`);
    row[position] = value;
  }
  return row;
}

const seed: ReasonTrack = {
  genres: ['Rock', 'Indie'],
  tempoBpm: 120,
  mir: mir({ 'mfcc.mean.02': 100, 'mfcc.mean.03': -20, 'spectral_centroid.mean.01': 2000, 'rmse.mean.01': 0.1 }),
};

const codes = (neighbour: ReasonTrack) => explainSimilarity(seed, neighbour, FMA518_KEYS).map((reason) => reason.code);

test('every reason fires on a near copy, with readable text', () => {
  const twin: ReasonTrack = {
    genres: ['indie '],
    tempoBpm: 123,
    mir: mir({ 'mfcc.mean.02': 102, 'mfcc.mean.03': -21, 'spectral_centroid.mean.01': 2100, 'rmse.mean.01': 0.11 }),
  };
  const reasons = explainSimilarity(seed, twin, FMA518_KEYS);
  assert.deepEqual(
    reasons.map((reason) => reason.code),
    ['same-genre', 'close-tempo', 'similar-timbre', 'similar-brightness', 'similar-energy'],
  );
  assert.equal(reasons[0].text, 'both Indie');
  assert.equal(reasons[1].text, 'close tempo (123 vs 120 BPM)');
  assert.equal(reasons[3].text, 'similar brightness (2.1 kHz vs 2.0 kHz)');
  assert.match(reasons[4].text, /^similar energy \(within 0\.8 dB\)$/);
});

test('each reason stays silent past its threshold', () => {
  assert.deepEqual(codes({ genres: ['Jazz'] }), []);
  assert.deepEqual(codes({ tempoBpm: 130 }), [], '+8 % is not close');
  assert.deepEqual(codes({ tempoBpm: 114.5 }), ['close-tempo'], '-4.6 % is close');
  const far = mir({ 'mfcc.mean.02': 30, 'mfcc.mean.03': -20, 'spectral_centroid.mean.01': 3000, 'rmse.mean.01': 0.2 });
  assert.deepEqual(codes({ mir: far }), [], 'timbre 70 apart, 50 % brighter, 6 dB louder');
});

test('mfcc.mean.01 (level) does not count as timbre', () => {
  const louder = mir({ 'mfcc.mean.01': -500, 'mfcc.mean.02': 100, 'mfcc.mean.03': -20 });
  assert.equal(timbreDistance(seed.mir!, louder, FMA518_KEYS), 0);
});

test('missing facts give no reasons rather than wrong ones', () => {
  assert.deepEqual(explainSimilarity({}, {}, FMA518_KEYS), []);
  assert.deepEqual(codes({ tempoBpm: 0 }), []);
  assert.deepEqual(codes({ tempoBpm: null, genres: [] }), []);
});

test('calibration sets the timbre threshold from the library\'s own pairwise distances', () => {
  // MFCC-2 means 0, 10, 20, …, 90: pairwise distances are multiples of 10 (45 pairs).
  const rows = Array.from({ length: 10 }, (_, i) => mir({ 'mfcc.mean.02': 10 * i }));
  const thresholds = calibrateReasonThresholds(rows, FMA518_KEYS);
  // 15th percentile of {10×9, 20×8, 30×7, …}: the 7th smallest of 45 is 10.
  assert.equal(thresholds.timbreDistance, 10);
  assert.equal(thresholds.tempoTolerance, 0.05);
});
