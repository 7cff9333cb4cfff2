import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  rmsFromMagnitude,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralRolloff,
  zeroCrossingRate,
} from '../../core/dsp/spectral.js';
import { hannWindow, stftMagnitude } from '../../core/dsp/stft.js';
import { timeFrequency } from '../../core/dsp/types.js';

const sr = 22050;
const nFft = 2048;
const binHz = sr / nFft;

const close = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

function sine(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sr) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sr));
}

test('rms from the magnitude spectrogram equals the RMS of the windowed frame (Parseval, DC/Nyquist halved)', () => {
  let seed = 3;
  const y = Float32Array.from({ length: sr }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  });
  const rms = rmsFromMagnitude(stftMagnitude(y, { nFft, hopLength: 512 }));
  const window = hannWindow(nFft);
  for (const t of [4, 20, 40]) {
    const start = t * 512 - nFft / 2;
    let energy = 0;
    for (let i = 0; i < nFft; i++) energy += (y[start + i] * window[i]) ** 2;
    const expected = Math.sqrt(energy / nFft);
    assert.ok(Math.abs(rms[t] - expected) < 1e-5 * expected, `frame ${t}: ${rms[t]} vs ${expected}`);
  }
});

test('zero-crossing rate of a square wave, and near-zero samples count as positive', () => {
  // Period 100 samples: a sign change every 50 samples, so 40 or 41 changes among a frame's 2047 pairs.
  const square = Float32Array.from({ length: sr }, (_, i) => (Math.floor(i / 50) % 2 === 0 ? 0.5 : -0.5));
  const zcr = zeroCrossingRate(square, { frameLength: 2048, hopLength: 512 });
  assert.equal(zcr.length, 1 + Math.floor(square.length / 512));
  for (let t = 2; t < zcr.length - 2; t++) {
    assert.ok(zcr[t] === 40 / 2048 || zcr[t] === 41 / 2048, `frame ${t}: ${zcr[t] * 2048} crossings`);
  }
  // Edge padding repeats the end samples, which adds no crossings.
  assert.ok(zcr[0] <= 21 / 2048);

  // |y| <= 1e-10 is zero, and zero is positive: dithering around zero is no crossing.
  const dither = Float32Array.from({ length: 4096 }, (_, i) => (i % 2 ? 1e-12 : -1e-12));
  assert.ok(zeroCrossingRate(dither).every((rate) => rate === 0));
  const alternating = Float32Array.from({ length: 4096 }, (_, i) => (i % 2 ? 0.1 : -0.1));
  assert.equal(zeroCrossingRate(alternating)[2], 2047 / 2048);
});

test('centroid, bandwidth and rolloff of a Hann main lobe (1/4, 1/2, 1/4 around one bin)', () => {
  const bin = 100;
  const S = timeFrequency(1, nFft / 2 + 1);
  S.data.set([0.25, 0.5, 0.25], bin - 1);
  const centroid = spectralCentroid(S, { sr });
  close(centroid[0], bin * binHz, 1e-3, 'centroid');
  // Weights 1/4, 1/2, 1/4 at −1, 0, +1 bins: variance Δf²/2.
  close(spectralBandwidth(S, { sr, centroid })[0], binHz / Math.SQRT2, 1e-3, 'bandwidth');
  close(spectralBandwidth(S, { sr })[0], binHz / Math.SQRT2, 1e-3, 'bandwidth with its own centroid');
  // 1/4 + 1/2 = 0.75 < 0.85, so the running sum crosses at the upper neighbour; 0.7 crosses at the centre.
  assert.equal(spectralRolloff(S, { sr, rollPercent: 0.85 })[0], Math.fround((bin + 1) * binHz));
  assert.equal(spectralRolloff(S, { sr, rollPercent: 0.7 })[0], Math.fround(bin * binHz));
});

test('the centroid of a real tone sits on its frequency', () => {
  const hz = 100 * binHz;
  const centroid = spectralCentroid(stftMagnitude(sine(hz, 1), { nFft, hopLength: 512 }), { sr });
  for (let t = 4; t < centroid.length - 4; t++) close(centroid[t], hz, 0.5, `frame ${t}`);
});

test('silent frames give zeros, not NaN', () => {
  const S = stftMagnitude(new Float32Array(4096), { nFft, hopLength: 512 });
  for (const values of [
    spectralCentroid(S, { sr }),
    spectralBandwidth(S, { sr }),
    spectralRolloff(S, { sr }),
    rmsFromMagnitude(S),
  ]) {
    assert.ok(values.every((v) => v === 0));
  }
});

test('spectral contrast: 7 octave bands, the band holding a tone stands out', () => {
  let seed = 11;
  const noise = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  // A 1-kHz tone (band 3: 800–1600 Hz) over quiet noise.
  const y = Float32Array.from(sine(1000, 1), (v) => v + 0.001 * noise());
  const S = stftMagnitude(y, { nFft, hopLength: 512 });
  const contrast = spectralContrast(S, { sr, nBands: 6, fMin: 200, quantile: 0.02 });
  assert.equal(contrast.nBins, 7);
  assert.equal(contrast.nFrames, S.nFrames);
  const t = 10;
  const row = Array.from(contrast.data.subarray(t * 7, t * 7 + 7));
  assert.equal(row.indexOf(Math.max(...row)), 3, `contrast per band ${row.map((v) => v.toFixed(1))}`);
  assert.ok(row[3] > 40, `tone band contrast ${row[3]} dB`);
  const linear = spectralContrast(S, { sr, linear: true });
  assert.ok(linear.data.every((v) => v >= 0), 'peaks never below valleys');
  assert.throws(() => spectralContrast(S, { sr, fMin: 2000 }), /Nyquist/);
});
