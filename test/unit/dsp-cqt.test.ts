import { test } from 'node:test';
import assert from 'node:assert/strict';
import { C1_HZ, cqtFrequencies, cqtMagnitude, relativeBandwidth } from '../../core/dsp/cqt.js';

const sr = 22050;
const cqtOptions = { sr, hopLength: 512, nBins: 84, binsPerOctave: 12 };

function sine(frequency: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(seconds * sr);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sr));
}

function peakBin(row: Float32Array): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

test('cqtFrequencies starts at C1 and puts A4 = 440 Hz at bin 45', () => {
  const freqs = cqtFrequencies(84, C1_HZ, 12);
  assert.ok(Math.abs(freqs[0] - 32.70319566257483) < 1e-9);
  assert.ok(Math.abs(freqs[45] - 440) < 1e-9);
  const alpha = relativeBandwidth(freqs);
  const r = 2 ** (2 / 12);
  for (const a of alpha) assert.ok(Math.abs(a - (r - 1) / (r + 1)) < 1e-12);
});

test('a pure tone lands in its CQT bin in every octave, with magnitude A/2 * sqrt(filter length)', () => {
  const freqs = cqtFrequencies(84, C1_HZ, 12);
  const alpha = relativeBandwidth(freqs);
  for (const bin of [9, 21, 40, 45, 57, 70, 82]) {
    const amplitude = 0.4;
    const y = sine(freqs[bin], 4, amplitude);
    const C = cqtMagnitude(y, cqtOptions);
    assert.equal(C.nFrames, 1 + Math.floor(y.length / 512));
    assert.equal(C.nBins, 84);
    // librosa's scale=True response to a sinusoid at a bin centre (L1-normalised Hann filters).
    const filterLength = sr / (alpha[bin] * freqs[bin]);
    const expected = (amplitude / 2) * Math.sqrt(filterLength);
    for (const t of [60, 90, 120]) {
      const row = C.data.subarray(t * 84, (t + 1) * 84);
      assert.equal(peakBin(row), bin, `tone ${freqs[bin].toFixed(1)} Hz frame ${t}`);
      assert.ok(Math.abs(row[bin] / expected - 1) < 0.02, `bin ${bin}: ${row[bin]} vs ${expected}`);
    }
  }
});

test('a hop with few factors of two stops the octave halving (500 = 4 · 125) yet keeps tones centred', () => {
  const freqs = cqtFrequencies(84, C1_HZ, 12);
  const alpha = relativeBandwidth(freqs);
  for (const bin of [5, 30, 60]) {
    const y = sine(freqs[bin], 3, 0.4);
    const C = cqtMagnitude(y, { ...cqtOptions, hopLength: 500 });
    assert.equal(C.nFrames, 1 + Math.floor(y.length / 500));
    const row = C.data.subarray(60 * 84, 61 * 84);
    assert.equal(peakBin(row), bin);
    const expected = 0.2 * Math.sqrt(sr / (alpha[bin] * freqs[bin]));
    assert.ok(Math.abs(row[bin] / expected - 1) < 0.02, `bin ${bin}: ${row[bin]} vs ${expected}`);
  }
});

test('tuning shifts the grid: a tone 30 cents sharp is centred only when tuning = 0.3', () => {
  const sharpA = 440 * 2 ** (0.3 / 12);
  const amplitude = 0.5;
  const y = sine(sharpA, 3, amplitude);
  const tunedFreqs = cqtFrequencies(84, C1_HZ * 2 ** (0.3 / 12), 12);
  const centred = (amplitude / 2) * Math.sqrt(sr / (relativeBandwidth(tunedFreqs)[45] * tunedFreqs[45]));
  const t = 60;
  const tuned = cqtMagnitude(y, { ...cqtOptions, tuning: 0.3 }).data[t * 84 + 45];
  const plain = cqtMagnitude(y, cqtOptions).data[t * 84 + 45];
  assert.ok(Math.abs(tuned / centred - 1) < 0.02, `tuned ${tuned} vs ${centred}`);
  assert.ok(plain < 0.97 * tuned, `untuned ${plain} vs tuned ${tuned}`);
});

test('short inputs, odd bin counts, silence, and no mutation of the input', () => {
  const short = sine(220, 0.1);
  const copy = short.slice();
  const C = cqtMagnitude(short, { ...cqtOptions, nBins: 30 });
  assert.deepEqual(short, copy);
  assert.equal(C.nBins, 30);
  assert.equal(C.nFrames, 1 + Math.floor(short.length / 512));
  const silent = cqtMagnitude(new Float32Array(sr), cqtOptions);
  assert.ok(silent.data.every((v) => v === 0));
});

test('a grid that reaches past Nyquist is rejected', () => {
  assert.throws(() => cqtMagnitude(sine(440, 0.5), { ...cqtOptions, nBins: 120 }), RangeError);
});
