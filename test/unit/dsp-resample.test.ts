import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleByTwo, firwinKaiser, kaiserWindow } from '../../core/dsp/resample.js';

function sine(frequency: number, sr: number, n: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sr));
}

test('kaiserWindow and firwinKaiser match scipy.signal reference values', () => {
  // scipy.signal.windows.kaiser(5, 5.0)
  const expectedWindow = [0.036710892271286676, 0.5528517696991324, 1.0, 0.5528517696991324, 0.036710892271286676];
  kaiserWindow(5, 5).forEach((w, i) => assert.ok(Math.abs(w - expectedWindow[i]) < 1e-14, `w[${i}] = ${w}`));
  // scipy.signal.firwin(41, 0.5, window=('kaiser', 5.0)) at taps 20, 21, 23, 39
  const h = firwinKaiser(41, 0.5, 5);
  const expected: Array<[number, number]> = [
    [20, 0.5002587352980301],
    [21, 0.31670034568030075],
    [23, -0.10093019739773386],
    [39, -0.0010514587726751215],
  ];
  for (const [i, value] of expected) assert.ok(Math.abs(h[i] - value) < 1e-14, `h[${i}] = ${h[i]}`);
  assert.ok(Math.abs(h.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('downsampleByTwo equals a direct 41-tap convolution with zero edges, times sqrt(2)', () => {
  const h = firwinKaiser(41, 0.5, 5);
  for (const n of [1, 2, 7, 40, 41, 42, 101, 1000]) {
    const y = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7) + 0.01 * i);
    const out = downsampleByTwo(y);
    assert.equal(out.length, Math.ceil(n / 2));
    for (let m = 0; m < out.length; m++) {
      let expected = 0;
      for (let i = 0; i < 41; i++) {
        const j = 2 * m + i - 20;
        if (j >= 0 && j < n) expected += h[i] * y[j];
      }
      expected *= Math.SQRT2;
      assert.ok(Math.abs(out[m] - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `n=${n} m=${m}`);
    }
  }
});

test('a low sine keeps its shape with amplitude scaled by sqrt(2); a sine above the new Nyquist is removed', () => {
  const sr = 22050;
  const n = 8000;
  const low = sine(441, sr, n);
  const out = downsampleByTwo(low);
  const expected = sine(441, sr / 2, out.length, 0.5 * Math.SQRT2);
  for (let m = 50; m < out.length - 50; m++) assert.ok(Math.abs(out[m] - expected[m]) < 2e-3, `m=${m}`);

  const high = downsampleByTwo(sine(9000, sr, n));
  let peak = 0;
  for (let m = 50; m < high.length - 50; m++) peak = Math.max(peak, Math.abs(high[m]));
  assert.ok(peak < 0.01 * 0.5 * Math.SQRT2, `alias peak ${peak}`);
});

test('downsampleByTwo leaves its input untouched', () => {
  const y = sine(1000, 22050, 999);
  const copy = y.slice();
  downsampleByTwo(y);
  assert.deepEqual(y, copy);
});
