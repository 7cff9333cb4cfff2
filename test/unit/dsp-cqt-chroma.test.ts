import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cqtMagnitude } from '../../core/dsp/cqt.js';
import { chromaCens, chromaCqt, cqToChroma, tonnetz } from '../../core/dsp/cqt-chroma.js';
import { timeFrequency, type TimeFrequency } from '../../core/dsp/types.js';

const sr = 22050;
const A = 9;

function tones(frequencies: number[], seconds: number): Float32Array {
  const n = Math.round(seconds * sr);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) for (const f of frequencies) y[i] += 0.2 * Math.sin((2 * Math.PI * f * i) / sr);
  return y;
}

function cqtOf(y: Float32Array): TimeFrequency {
  return cqtMagnitude(y, { sr, hopLength: 512, nBins: 84, binsPerOctave: 12 });
}

function frame(M: TimeFrequency, t: number): number[] {
  return Array.from(M.data.subarray(t * M.nBins, (t + 1) * M.nBins));
}

function argmax(values: number[]): number {
  return values.indexOf(Math.max(...values));
}

test('cqToChroma folds semitone bins by pitch class, and third-semitone bins centred on each pitch', () => {
  const semitones = cqToChroma(84, { binsPerOctave: 12 });
  for (let k = 0; k < 84; k++) assert.equal(semitones[k], k % 12);
  // librosa's default 36 bins per octave: bins 35, 0, 1 belong to C; bins 2, 3, 4 to C#.
  const thirds = cqToChroma(72, { binsPerOctave: 36 });
  assert.deepEqual(Array.from(thirds.subarray(0, 6)), [0, 0, 1, 1, 1, 2]);
  assert.equal(thirds[35], 0);
  // A grid starting on A (55 Hz) rolls so that its first bin still counts as A.
  assert.equal(cqToChroma(24, { binsPerOctave: 12, fMin: 55 })[0], A);
});

test('chroma_cqt of an A tone peaks at A with max-norm 1; an A-major triad lights A, C# and E', () => {
  const chroma = chromaCqt(cqtOf(tones([440], 2)), { binsPerOctave: 12 });
  assert.equal(chroma.nBins, 12);
  for (const t of [20, 40, 60]) {
    const values = frame(chroma, t);
    assert.equal(argmax(values), A);
    assert.ok(Math.abs(values[A] - 1) < 1e-6);
  }
  const triad = chromaCqt(cqtOf(tones([220, 277.18, 329.63], 2)), { binsPerOctave: 12 });
  const top3 = frame(triad, 40)
    .map((v, c) => [v, c])
    .sort((x, y) => y[0] - x[0])
    .slice(0, 3)
    .map(([, c]) => c)
    .sort((x, y) => x - y);
  assert.deepEqual(top3, [1, 4, 9]);
});

test('chroma_cens frames are unit-L2, non-negative, and concentrate on the played pitch class', () => {
  const cens = chromaCens(cqtOf(tones([440], 4)), { binsPerOctave: 12 });
  for (const t of [40, 80, 120]) {
    const values = frame(cens, t);
    assert.ok(values.every((v) => v >= 0));
    assert.ok(Math.abs(Math.hypot(...values) - 1) < 1e-6);
    // L1 chroma is about [G# 0.24, A 0.49, A# 0.24]: quantised to 0.75, 1, 0.75, then L2-normalised.
    const peak = 1 / Math.sqrt(1 + 2 * 0.75 ** 2);
    values.forEach((v, c) => {
      const expected = c === A ? peak : c === A - 1 || c === A + 1 ? 0.75 * peak : 0;
      assert.ok(Math.abs(v - expected) < 1e-6, `frame ${t} chroma ${c}: ${v}`);
    });
  }
  // Silence stays silent (librosa leaves all-zero frames unnormalised).
  const silent = chromaCens(cqtOf(new Float32Array(sr)), { binsPerOctave: 12 });
  assert.ok(silent.data.every((v) => v === 0));
});

test('chroma_cqt sums CQT bins per pitch class before thresholding and normalising', () => {
  // Two frames of a 24-bin, 12-per-octave CQT: frame 0 has A in both octaves plus a faint C.
  const C = timeFrequency(2, 24);
  C.data[A] = 0.5;
  C.data[12 + A] = 1.5;
  C.data[0] = 0.1;
  C.data[24 + 4] = 3; // frame 1: E only
  const raw = chromaCqt(C, { binsPerOctave: 12, norm: null });
  assert.deepEqual(frame(raw, 0).map((v) => Math.round(v * 1e6) / 1e6), [0.1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0]);
  const gated = chromaCqt(C, { binsPerOctave: 12, threshold: 0.2 });
  assert.deepEqual(frame(gated, 0), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(frame(gated, 1), [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => chromaCqt(C, { binsPerOctave: 12, norm: 3 }), RangeError);
});

test('chroma_cens without smoothing is the L2-normalised quantised L1 chroma', () => {
  // L1 chroma of [0.5 at A, 0.3 at E, 0.16 at C#, 0.04 at C] quantises to [1, 0.75, 0.5, 0].
  const C = timeFrequency(1, 12);
  C.data[A] = 0.5;
  C.data[4] = 0.3;
  C.data[1] = 0.16;
  C.data[0] = 0.04;
  const cens = chromaCens(C, { binsPerOctave: 12, winLenSmooth: 0 });
  const norm = Math.hypot(1, 0.75, 0.5);
  const expected = [0, 0.5, 0, 0, 0.75, 0, 0, 0, 0, 1, 0, 0].map((v) => v / norm);
  frame(cens, 0).forEach((v, c) => assert.ok(Math.abs(v - expected[c]) < 1e-6, `chroma ${c}: ${v}`));
});

test('tonnetz projects pitch classes onto fifths / minor-third / major-third circles', () => {
  const chroma = timeFrequency(3, 12);
  chroma.data[0] = 1; // frame 0: C
  chroma.data[12 + 7] = 3; // frame 1: G, scaled (tonnetz L1-normalises first)
  const T = tonnetz(chroma);
  assert.equal(T.nBins, 6);
  const expectC = [0, 1, 0, 1, 0, 0.5];
  // G: fifths angle 7·7π/6, minor-thirds 7·3π/2, major-thirds 7·2π/3 (x = sin, y = cos).
  const expectG = [
    Math.sin((49 * Math.PI) / 6),
    Math.cos((49 * Math.PI) / 6),
    Math.sin((21 * Math.PI) / 2),
    Math.cos((21 * Math.PI) / 2),
    0.5 * Math.sin((14 * Math.PI) / 3),
    0.5 * Math.cos((14 * Math.PI) / 3),
  ];
  frame(T, 0).forEach((v, p) => assert.ok(Math.abs(v - expectC[p]) < 1e-6, `C row ${p}: ${v}`));
  frame(T, 1).forEach((v, p) => assert.ok(Math.abs(v - expectG[p]) < 1e-6, `G row ${p}: ${v}`));
  assert.deepEqual(frame(T, 2), [0, 0, 0, 0, 0, 0]);
});

test('the chroma functions do not modify their inputs', () => {
  const C = cqtOf(tones([330], 1));
  const copy = C.data.slice();
  const cens = chromaCens(C, { binsPerOctave: 12 });
  chromaCqt(C);
  const censCopy = cens.data.slice();
  tonnetz(cens);
  assert.deepEqual(C.data, copy);
  assert.deepEqual(cens.data, censCopy);
});
