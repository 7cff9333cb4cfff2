import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cqtMagnitude } from '../../core/dsp/cqt.js';
import { downsampleByTwo } from '../../core/dsp/resample.js';
import { meanTempogram } from '../../core/dsp/rhythm.js';
import { rmsFromMagnitude, spectralBandwidth, spectralCentroid, spectralContrast, spectralRolloff } from '../../core/dsp/spectral.js';
import { frameMaxima, stftMagnitudeAndPower, stftMagnitudeAndPowerJs, stftWithStatistics } from '../../core/dsp/stft.js';
import { estimateTuning } from '../../core/dsp/tuning.js';
import type { TimeFrequency } from '../../core/dsp/types.js';
import { bandedMatrix, bandedProductsKernel, fftKernelsAvailable, type BandSegment } from '../../core/dsp/wasm/kernels.js';

const skip = fftKernelsAvailable() ? false : 'this runtime lacks WebAssembly SIMD';

function noise(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  });
}

/** Largest |a − b| in each frame, relative to that frame's largest reference value. */
function worstFrameError(a: TimeFrequency, b: TimeFrequency): number {
  assert.equal(a.nFrames, b.nFrames);
  assert.equal(a.nBins, b.nBins);
  let worst = 0;
  for (let t = 0; t < b.nFrames; t++) {
    let peak = 0;
    for (let f = 0; f < b.nBins; f++) peak = Math.max(peak, b.data[t * b.nBins + f]);
    for (let f = 0; f < b.nBins; f++) {
      const difference = Math.abs(a.data[t * b.nBins + f] - b.data[t * b.nBins + f]);
      worst = Math.max(worst, peak > 0 ? difference / peak : difference);
    }
  }
  return worst;
}

test('the STFT kernels match the float64 JavaScript STFT to float32 precision', { skip }, () => {
  // 1024 and 256 points take radix-4 stages only, 512 and 32 end with a radix-2 stage; the lengths
  // leave a last batch of one to three frames, and the hops make frames overlap or leave gaps.
  for (const [nFft, hopLength, length] of [[2048, 512, 22050 * 2 + 7], [1024, 256, 9000], [512, 512, 5000], [64, 80, 3001]]) {
    const y = noise(length, nFft);
    for (const window of ['hann', 'ones'] as const) {
      const kernel = stftMagnitudeAndPower(y, { nFft, hopLength, window });
      const reference = stftMagnitudeAndPowerJs(y, { nFft, hopLength, window });
      assert.ok(worstFrameError(kernel.magnitude, reference.magnitude) < 2e-6, `magnitude, n_fft ${nFft}, ${window}`);
      assert.ok(worstFrameError(kernel.power, reference.power) < 4e-6, `power, n_fft ${nFft}, ${window}`);
    }
  }
});

test('the STFT kernels keep a silent signal exactly silent', { skip }, () => {
  const { magnitude, power } = stftMagnitudeAndPower(new Float32Array(10000));
  assert.ok(magnitude.data.every((v) => v === 0));
  assert.ok(power.data.every((v) => v === 0));
});

test('the CQT kernels match the float64 JavaScript CQT to float32 precision', { skip }, () => {
  const y = noise(22050 * 3 + 11, 3);
  for (const tuning of [0, -0.17]) {
    const options = { sr: 22050, hopLength: 512, nBins: 84, binsPerOctave: 12, tuning };
    const kernel = cqtMagnitude(y, options);
    const reference = cqtMagnitude(y, { ...options, useKernels: false });
    assert.ok(worstFrameError(kernel, reference) < 2e-6, `tuning ${tuning}`);
  }
  // A hop that stops the octaves' downsampling after two halvings (500 = 4 · 125).
  const options = { sr: 22050, hopLength: 500, nBins: 36, binsPerOctave: 12 };
  assert.ok(worstFrameError(cqtMagnitude(y, options), cqtMagnitude(y, { ...options, useKernels: false })) < 2e-6);
});

test('the mean tempogram from the kernels matches the float64 JavaScript one', { skip }, () => {
  // An onset envelope with a beat every 21 frames, some noise and silent stretches.
  const envelope = noise(2000, 9).map((v, t) => (t % 21 === 0 ? 4 : 0) + Math.abs(v) * (t > 1500 && t < 1700 ? 0 : 1));
  for (const winLength of [384, 100]) {
    const kernel = meanTempogram(envelope, { winLength });
    const reference = meanTempogram(envelope, { winLength, useKernels: false });
    // Normalised autocorrelations: lag 0 is 1, everything else at most 1.
    for (let k = 0; k < winLength; k++) assert.ok(Math.abs(kernel[k] - reference[k]) < 1e-5, `lag ${k}: ${kernel[k]} vs ${reference[k]}`);
  }
});

test('the product kernel applies banded and sparse banks like the float64 matrix product', { skip }, () => {
  const nColumns = 37;
  const nRows = 9;
  const input = noise(nRows * nColumns, 4);
  const random = noise(400, 5);
  let r = 0;
  const segments: BandSegment[] = [];
  // Output 0: one segment of 1 value; 1: of 4; 2: two segments (7 and 5 values, the second ending at
  // the last column); 3: none (zero); 4: the whole row.
  const layout: Array<[number, number, number]> = [[0, 3, 1], [1, 10, 4], [2, 0, 7], [2, 32, 5], [4, 0, nColumns]];
  for (const [output, start, length] of layout) segments.push({ output, start, weights: random.subarray(r, (r += length)) });
  const bank = bandedMatrix(5, segments);
  const out = new Float32Array(nRows * 5).fill(NaN);
  assert.ok(bandedProductsKernel(bank, input, nColumns, out));
  for (let t = 0; t < nRows; t++) {
    const expected = new Float64Array(5);
    for (const { output, start, weights } of segments) {
      for (let i = 0; i < weights.length; i++) expected[output] += weights[i] * input[t * nColumns + start + i];
    }
    for (let o = 0; o < 5; o++) assert.ok(Math.abs(out[t * 5 + o] - expected[o]) < 1e-6, `row ${t} output ${o}: ${out[t * 5 + o]} vs ${expected[o]}`);
  }
});

test('the per-frame statistics computed with the STFT kernels match core/dsp/spectral.ts', { skip }, () => {
  const sr = 22050;
  // Noise, then silence, then a 1-kHz tone with a little noise: wide, empty and narrow spectra.
  const y = noise(sr * 3, 8).map((v, i) => (i < sr ? v : i < 2 * sr ? 0 : 0.5 * Math.sin((2 * Math.PI * 1000 * i) / sr) + 0.001 * v));
  const contrast = { nBands: 6, fMin: 200, quantile: 0.02 };
  const kernel = stftWithStatistics(y, { nFft: 2048, hopLength: 512, sr, rollPercent: 0.85, contrast });
  // The statistics of the kernels' own magnitudes (whose accuracy the first test checks).
  const reference = kernel.magnitude;
  const centroid = spectralCentroid(reference, { sr });
  const expected = {
    centroid,
    bandwidth: spectralBandwidth(reference, { sr, centroid }),
    rms: rmsFromMagnitude(reference),
  };
  for (const name of ['centroid', 'bandwidth', 'rms'] as const) {
    for (let t = 0; t < centroid.length; t++) {
      const [ours, theirs] = [kernel[name][t], expected[name][t]];
      assert.ok(Math.abs(ours - theirs) <= 2e-5 * Math.abs(theirs) + 1e-9, `${name} frame ${t}: ${ours} vs ${theirs}`);
    }
  }
  const rolloff = spectralRolloff(reference, { sr, rollPercent: 0.85 });
  const binHz = sr / 2048;
  let equal = 0;
  for (let t = 0; t < rolloff.length; t++) {
    // The running sums round alike; the threshold (0.85 · total) may round an ulp apart and move a crossing by a bin.
    assert.ok(Math.abs(kernel.rolloff[t] - rolloff[t]) <= binHz + 1e-3, `rolloff frame ${t}: ${kernel.rolloff[t]} vs ${rolloff[t]}`);
    if (kernel.rolloff[t] === rolloff[t]) equal++;
  }
  assert.ok(equal >= 0.99 * rolloff.length, `rolloff equal on ${equal} of ${rolloff.length} frames`);
  assert.ok(kernel.centroid.subarray(50, 80).every((v) => v === 0), 'silent frames have a zero centroid');
  assert.deepEqual(kernel.peak, frameMaxima(kernel.magnitude));
  // Given the frames' maxima, estimateTuning skips its own pass for them and finds the same tuning.
  const tuningOptions = { sr, nFft: 2048 };
  assert.equal(estimateTuning(kernel.magnitude, { ...tuningOptions, frameMax: kernel.peak }), estimateTuning(kernel.magnitude, tuningOptions));
  // Contrast in dB: the same extremes, averaged in float32 rather than float64.
  const expectedContrast = spectralContrast(reference, { sr, ...contrast });
  assert.equal(kernel.contrast.nBins, 7);
  for (let i = 0; i < expectedContrast.data.length; i++) {
    assert.ok(Math.abs(kernel.contrast.data[i] - expectedContrast.data[i]) < 1e-4, `contrast ${i}: ${kernel.contrast.data[i]} vs ${expectedContrast.data[i]}`);
  }
});

test('the half-band downsampling kernel matches the float64 JavaScript filter', { skip }, () => {
  for (const length of [1, 2, 7, 40, 41, 1000, 22051]) {
    const y = noise(length, length);
    const kernel = downsampleByTwo(y);
    const reference = downsampleByTwo(y, { useKernels: false });
    assert.equal(kernel.length, reference.length);
    for (let m = 0; m < reference.length; m++) {
      assert.ok(Math.abs(kernel[m] - reference[m]) < 1e-6, `length ${length} output ${m}: ${kernel[m]} vs ${reference[m]}`);
    }
  }
});
