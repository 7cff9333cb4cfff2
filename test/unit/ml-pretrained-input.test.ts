import { test } from 'node:test';
import assert from 'node:assert/strict';
import { melFrequencies } from '../../core/dsp/mel.js';
import { resamplePoly } from '../../core/dsp/resample-poly.js';
import {
  MUSICNN_INPUT_SPEC,
  compressLog10,
  cutPatches,
  musicnnLogMel,
  musicnnLogMel16k,
  musicnnMelBank,
  musicnnPatchCount,
  musicnnPatchInput,
  spreadPatches,
  symmetricHannWindow,
} from '../../core/ml/pretrained/musicnn-input.js';

const close = (actual: number, expected: number, tolerance: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} vs ${expected}`);

test('MusiCNN input spec: 16 kHz, frames 512 hop 256, 96 Slaney bands 0–8000 Hz, log10(1+10000x), 187-frame patches', () => {
  assert.deepEqual(
    { ...MUSICNN_INPUT_SPEC },
    {
      sampleRate: 16000,
      frameSize: 512,
      hopSize: 256,
      window: 'hann-symmetric',
      melBands: 96,
      melScale: 'slaney',
      melNorm: 'slaney',
      fMin: 0,
      fMax: 8000,
      compression: 'log10(1+10000x)',
      patchFrames: 187,
    },
  );
});

test('symmetric Hann: zero at both ends, mirror-symmetric, peak 1 between the two middle samples', () => {
  const w = symmetricHannWindow(512);
  assert.equal(w[0], 0);
  close(w[511], 0, 1e-7);
  for (let i = 0; i < 256; i++) close(w[i], w[511 - i], 1e-6, `w[${i}]`);
  close(w[255], 0.5 - 0.5 * Math.cos((2 * Math.PI * 255) / 511), 1e-7);
  assert.ok(w[255] < 1 && w[255] > 0.99999);
  // The periodic window (np.hanning(513)[:-1]) would have w[256] = 1 exactly; the symmetric one does not.
  assert.notEqual(w[256], 1);
});

test('mel bank: 96 triangles over 257 bins, peaks at Slaney centres, unit area in Hz above the linear region', () => {
  const bank = musicnnMelBank();
  assert.equal(bank.nFilters, 96);
  assert.equal(bank.nBins, 257);
  const centres = melFrequencies(98, 0, 8000);
  const binHz = 16000 / 512;
  for (let m = 0; m < 96; m++) {
    const row = bank.weights.subarray(m * 257, (m + 1) * 257);
    let peak = 0;
    for (let f = 1; f < 257; f++) if (row[f] > row[peak]) peak = f;
    assert.ok(Math.abs(peak * binHz - centres[m + 1]) <= binHz, `band ${m} peaks at ${peak * binHz} Hz, centre ${centres[m + 1]} Hz`);
    // Slaney norm: height 2 / (upper edge − lower edge).
    assert.ok(row[peak] <= 2 / (centres[m + 2] - centres[m]) + 1e-7, `band ${m} peak height`);
    // Σ w · bin width is the triangle's area, 1: exactly where the vertices fall on bins (the linear
    // region), closely where wide triangles are sampled by many bins.
    const area = row.reduce((sum, value) => sum + value, 0) * binHz;
    if (m < 30) close(area, 1, 1e-3, `band ${m} area`);
    if (m >= 60) close(area, 1, 0.03, `band ${m} area`);
  }
  // The top band ends at 8 kHz: the Nyquist bin gets no weight.
  assert.equal(bank.weights[95 * 257 + 256], 0);
  close(centres[97], 8000, 1e-6);
});

test('log compression is log10(1 + 10000·x)', () => {
  const values = compressLog10(Float32Array.from([0, 1e-4, 0.0999, 1]));
  close(values[0], 0, 0);
  close(values[1], Math.log10(2), 1e-6);
  close(values[2], 3, 1e-6);
  close(values[3], Math.log10(10001), 1e-5);
});

test('frames: 1 + ⌊n/256⌋ of them, the first centred on sample 0 (an impulse there lights frame 0 only)', () => {
  const n = 48000;
  const impulse = new Float32Array(n);
  impulse[0] = 0.5;
  const mel = musicnnLogMel16k(impulse);
  assert.equal(mel.nFrames, 1 + Math.floor(n / 256));
  assert.equal(mel.nBins, 96);
  // Frame 0 holds 256 zeros then the signal: the impulse meets window sample 256, so every bin has power (0.5·w[256])².
  const w = symmetricHannWindow(512);
  const power = (0.5 * w[256]) ** 2;
  const bank = musicnnMelBank();
  for (const m of [0, 10, 50, 95]) {
    const weightSum = bank.weights.subarray(m * 257, (m + 1) * 257).reduce((sum, value) => sum + value, 0);
    close(mel.data[m], Math.log10(1 + 10000 * power * weightSum), 1e-4, `band ${m}`);
  }
  // Frame 1 is centred on sample 256: sample 0 meets the window's zero end.
  for (let m = 0; m < 96; m++) close(mel.data[96 + m], 0, 1e-6, `frame 1 band ${m}`);
});

test('a 1 kHz sine gives its energy in the band whose triangle holds 1 kHz', () => {
  const y = Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const mel = musicnnLogMel16k(y);
  const frame = mel.data.subarray(30 * 96, 31 * 96);
  let top = 0;
  for (let m = 1; m < 96; m++) if (frame[m] > frame[top]) top = m;
  const centres = melFrequencies(98, 0, 8000);
  assert.ok(centres[top] < 1000 && centres[top + 2] > 1000, `top band ${top}: ${centres[top + 1]} Hz`);
});

test('resampling 22,050 → 16,000 Hz (scipy resample_poly 320/441) keeps a 1 kHz tone and its level', () => {
  const sr = 22050;
  const y = Float32Array.from({ length: sr * 2 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 1000 * i) / sr));
  const out = resamplePoly(y, sr, 16000);
  assert.equal(out.length, Math.ceil((y.length * 320) / 441));
  // Away from the edges, the output is the same tone sampled at 16 kHz.
  let maxError = 0;
  for (let i = 2000; i < out.length - 2000; i++) maxError = Math.max(maxError, Math.abs(out[i] - 0.8 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
  assert.ok(maxError < 2e-3, `max error ${maxError}`);
  // A tone well above the new Nyquist (10 kHz) is filtered out, not aliased to 6 kHz (the Kaiser
  // filter's transition band spans about 6.8–9.2 kHz).
  const high = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 10000 * i) / sr));
  const filtered = resamplePoly(high, sr, 16000);
  let rms = 0;
  for (let i = 2000; i < filtered.length - 2000; i++) rms += filtered[i] ** 2;
  assert.ok(Math.sqrt(rms / (filtered.length - 4000)) < 0.01);
  // The same sample rate passes through.
  assert.deepEqual(resamplePoly(Float32Array.from([1, 2, 3]), 16000, 16000), Float32Array.from([1, 2, 3]));
});

test('musicnnLogMel at 22,050 Hz resamples first; patches are non-overlapping 187-frame cuts', () => {
  const y = new Float32Array(22050 * 7).map((_, i) => Math.sin(i / 5));
  const mel = musicnnLogMel(y, 22050);
  assert.equal(mel.nFrames, 1 + Math.floor(Math.ceil((y.length * 320) / 441) / 256));
  const patches = cutPatches(mel, 187);
  assert.equal(patches.count, Math.floor(mel.nFrames / 187));
  assert.equal(patches.data.length, patches.count * 187 * 96);
  assert.deepEqual(patches.data.subarray(187 * 96, 188 * 96), mel.data.subarray(187 * 96, 188 * 96));
  // Shorter than a patch: one patch, zero-filled (silence) after the audio.
  const short = cutPatches({ data: new Float32Array(10 * 96).fill(1), nFrames: 10, nBins: 96 }, 187);
  assert.equal(short.count, 1);
  assert.equal(short.data[10 * 96 - 1], 1);
  assert.equal(short.data[10 * 96], 0);
});

test('patches computed from only their own audio equal the whole-signal computation; spread patch choice', () => {
  for (const [sr, seconds] of [[22050, 30], [22050, 7.3], [16000, 10], [44100, 4]] as const) {
    const n = Math.round(sr * seconds);
    const y = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i / 7) + 0.1 * Math.sin(i / 3.1) * Math.sin(i / 5000));
    const whole = cutPatches(musicnnLogMel(y, sr), 187);
    const count = musicnnPatchCount(n, sr);
    assert.equal(count, whole.count, `${sr} Hz, ${seconds} s`);
    const middle = spreadPatches(count, 1)[0];
    const one = musicnnPatchInput(y, sr, [middle]);
    const size = 187 * 96;
    let maxError = 0;
    for (let i = 0; i < size; i++) maxError = Math.max(maxError, Math.abs(one[i] - whole.data[middle * size + i]));
    assert.ok(maxError < 1e-5, `${sr} Hz, ${seconds} s: patch ${middle} differs by ${maxError}`);
    const all = musicnnPatchInput(y, sr, Array.from({ length: count }, (_, i) => i));
    let allError = 0;
    for (let i = 0; i < all.length; i++) allError = Math.max(allError, Math.abs(all[i] - whole.data[i]));
    assert.ok(allError < 1e-5, `${sr} Hz, ${seconds} s: all patches differ by ${allError}`);
  }
  assert.deepEqual(spreadPatches(10, 1), [5]);
  assert.deepEqual(spreadPatches(10, 2), [2, 7]);
  assert.deepEqual(spreadPatches(10, 3), [1, 5, 8]);
  assert.deepEqual(spreadPatches(2, 5), [0, 1]);
});
