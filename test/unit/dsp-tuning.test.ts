import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stftMagnitude } from '../../core/dsp/stft.js';
import { estimateTuning, piptrack, pitchTuning } from '../../core/dsp/tuning.js';

const sr = 22050;

function tones(frequencies: number[], seconds: number): Float32Array {
  const y = new Float32Array(Math.round(seconds * sr));
  for (let i = 0; i < y.length; i++) {
    for (const f of frequencies) y[i] += (0.3 / frequencies.length) * Math.sin((2 * Math.PI * f * i) / sr);
  }
  return y;
}

/** Equal-tempered pitches `cents` away from A440 tuning. */
function detunedNotes(semitonesFromA4: number[], cents: number): number[] {
  return semitonesFromA4.map((n) => 440 * 2 ** ((n + cents / 100) / 12));
}

test('pitchTuning recovers the offset of an exactly detuned scale (librosa docstring example)', () => {
  // librosa.cqt_frequencies(24, fmin=55, tuning=0.25)
  const freqs = Array.from({ length: 24 }, (_, k) => 55 * 2 ** ((k + 0.25) / 12));
  assert.equal(pitchTuning(freqs), 0.25);
  // Histogram bins are [left, right) and the left edge is reported: -0.105 falls in [-0.11, -0.10).
  const flat = Array.from({ length: 24 }, (_, k) => 55 * 2 ** ((k - 0.105) / 12));
  assert.ok(Math.abs(pitchTuning(flat) + 0.11) < 1e-9);
  assert.equal(pitchTuning([]), 0);
});

test('estimateTuning finds +25 and -30 cents in synthesized chords', () => {
  for (const cents of [25, -30]) {
    const y = tones(detunedNotes([-12, -5, 0, 4, 7], cents), 3);
    const tuning = estimateTuning(stftMagnitude(y), { sr, nFft: 2048 });
    assert.ok(Math.abs(tuning - cents / 100) <= 0.03, `${cents} cents -> ${tuning}`);
  }
});

test('estimateTuning works on power spectrograms too and with a coarser resolution', () => {
  const S = stftMagnitude(tones(detunedNotes([0, 3, 7], 25), 2));
  const power = { ...S, data: S.data.map((v) => v * v) };
  assert.ok(Math.abs(estimateTuning(power, { sr, nFft: 2048 }) - 0.25) <= 0.03);
  const coarse = estimateTuning(S, { sr, nFft: 2048, resolution: 0.1 });
  assert.ok(Math.abs(coarse - 0.2) < 1e-9, `coarse ${coarse}`);
});

test('piptrack reports peaks only inside [fmin, fmax) and above the per-frame threshold', () => {
  // 100 Hz is below fmin=150; 5000 Hz is above fmax=4000; only 1000 Hz should be tracked.
  const S = stftMagnitude(tones([100, 1000, 5000], 1));
  const { pitches, magnitudes } = piptrack(S, { sr, nFft: 2048 });
  assert.ok(pitches.length > 0);
  for (const p of pitches) assert.ok(Math.abs(p - 1000) < 3, `pitch ${p}`);
  for (const m of magnitudes) assert.ok(m > 0);
  // Narrowing the range to [50, 500) Hz leaves only the 100-Hz tone.
  const low = piptrack(S, { sr, nFft: 2048, fMin: 50, fMax: 500 });
  assert.ok(low.pitches.length > 0);
  for (const p of low.pitches) assert.ok(Math.abs(p - 100) < 3, `pitch ${p}`);
});

test('estimateTuning does not modify its input', () => {
  const S = stftMagnitude(tones([440], 0.5));
  const copy = S.data.slice();
  estimateTuning(S, { sr, nFft: 2048 });
  assert.deepEqual(S.data, copy);
});
