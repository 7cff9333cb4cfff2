import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft } from '../../core/dsp/fft.js';
import { forEachStftFrame, hannWindow, stftFrameCount, stftMagnitude } from '../../core/dsp/stft.js';

function seeded(length: number, seed: number): Float64Array {
  return Float64Array.from({ length }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  });
}

/** The textbook O(n²) DFT of real input, bins 0..n/2. */
function naiveDft(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let i = 0; i < n; i++) {
      re[k] += x[i] * Math.cos((2 * Math.PI * k * i) / n);
      im[k] -= x[i] * Math.sin((2 * Math.PI * k * i) / n);
    }
  }
  return { re, im };
}

test('RealFft matches the naive DFT and leaves its input alone', () => {
  for (const n of [4, 16, 256, 2048]) {
    const x = seeded(n, n);
    const copy = Float64Array.from(x);
    const fft = new RealFft(n);
    const spectrum = new Float64Array(n + 2);
    fft.forward(x, spectrum);
    const magnitude = new Float32Array(n / 2 + 1);
    fft.forwardMagnitude(x, magnitude, 0);
    const expected = naiveDft(x);
    for (let k = 0; k <= n / 2; k++) {
      assert.ok(Math.abs(spectrum[2 * k] - expected.re[k]) < 1e-9, `n ${n} bin ${k} re`);
      assert.ok(Math.abs(spectrum[2 * k + 1] - expected.im[k]) < 1e-9, `n ${n} bin ${k} im`);
      const hypot = Math.hypot(expected.re[k], expected.im[k]);
      assert.ok(Math.abs(magnitude[k] - hypot) <= 1e-6 * Math.max(1, hypot), `n ${n} bin ${k} magnitude`);
    }
    assert.deepEqual(x, copy);
  }
  assert.throws(() => new RealFft(1000));
});

test('STFT frames are centred, zero-padded, Hann-windowed DFTs (librosa.stft defaults)', () => {
  const nFft = 256;
  const hopLength = 64;
  const y = Float32Array.from(seeded(1000, 5));
  const nFrames = stftFrameCount(y.length, nFft, hopLength);
  assert.equal(nFrames, 1 + Math.floor(1000 / 64));
  const S = stftMagnitude(y, { nFft, hopLength });
  assert.equal(S.nFrames, nFrames);
  assert.equal(S.nBins, nFft / 2 + 1);
  const window = hannWindow(nFft);
  for (const t of [0, 7, nFrames - 1]) {
    const frame = Array.from({ length: nFft }, (_, i) => {
      const j = t * hopLength - nFft / 2 + i;
      return j >= 0 && j < y.length ? y[j] * window[i] : 0;
    });
    const { re, im } = naiveDft(frame);
    for (let k = 0; k < S.nBins; k++) {
      const expected = Math.hypot(re[k], im[k]);
      assert.ok(Math.abs(S.data[t * S.nBins + k] - expected) < 1e-5, `frame ${t} bin ${k}`);
    }
  }
  // The interleaved form carries the same spectrum.
  forEachStftFrame(y, { nFft, hopLength, window: 'ones' }, (t, spectrum) => {
    if (t !== 7) return;
    const frame = Array.from({ length: nFft }, (_, i) => y[t * hopLength - nFft / 2 + i]);
    const { re, im } = naiveDft(frame);
    for (let k = 0; k <= nFft / 2; k++) {
      assert.ok(Math.abs(spectrum[2 * k] - re[k]) < 1e-9 && Math.abs(spectrum[2 * k + 1] - im[k]) < 1e-9);
    }
  });
});
