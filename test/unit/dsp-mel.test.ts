import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyFilterBank,
  fftFrequencies,
  hzToMel,
  melFilterBank,
  melFrequencies,
  melToHz,
  powerToDb,
} from '../../core/dsp/mel.js';
import { timeFrequency } from '../../core/dsp/types.js';

const close = (actual: number, expected: number, tolerance: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} vs ${expected}`);

test('Slaney mel scale: linear to 1 kHz (3 mels per 200 Hz), logarithmic above, invertible', () => {
  close(hzToMel(200), 3, 1e-12);
  close(hzToMel(1000), 15, 1e-12);
  // 6.4× in frequency is 27 mels in the log region.
  close(hzToMel(6400), 42, 1e-9);
  for (const hz of [0, 55, 440, 999, 1000, 4186, 11025]) close(melToHz(hzToMel(hz)), hz, 1e-9, `${hz} Hz`);
  const centres = melFrequencies(130, 0, 11025);
  assert.equal(centres[0], 0);
  close(centres[129], 11025, 1e-9);
});

test('mel filter bank: 128 Slaney-normalised triangles peaking at their centre frequencies', () => {
  const sr = 22050;
  const nFft = 2048;
  const bank = melFilterBank({ sr, nFft });
  assert.equal(bank.nFilters, 128);
  assert.equal(bank.nBins, 1025);
  const centres = melFrequencies(130, 0, sr / 2);
  const freqs = fftFrequencies(sr, nFft);
  const binHz = sr / nFft;
  for (let m = 0; m < 128; m++) {
    let area = 0;
    let peakBin = 0;
    for (let f = 0; f < bank.nBins; f++) {
      const w = bank.weights[m * bank.nBins + f];
      assert.ok(w >= 0);
      if (w > 0) assert.ok(f >= bank.start[m] && f < bank.end[m], 'nonzero weights lie in [start, end)');
      if (w > bank.weights[m * bank.nBins + peakBin]) peakBin = f;
      area += w * binHz;
    }
    // The peak is the bin nearest the centre frequency (within one bin), and a triangle wide enough
    // to be sampled well has unit area in Hz: the Slaney normalisation.
    assert.ok(Math.abs(freqs[peakBin] - centres[m + 1]) <= binHz, `filter ${m} peaks at ${freqs[peakBin]} Hz`);
    if (centres[m + 2] - centres[m] > 20 * binHz) close(area, 1, 0.01, `filter ${m} area`);
  }
});

test('applyFilterBank of a flat spectrum gives the filters’ row sums', () => {
  const bank = melFilterBank({ sr: 22050, nFft: 512, nMels: 40 });
  const S = timeFrequency(2, bank.nBins);
  S.data.fill(1);
  const mel = applyFilterBank(S, bank);
  assert.equal(mel.nBins, 40);
  for (let m = 0; m < 40; m++) {
    let sum = 0;
    for (let f = 0; f < bank.nBins; f++) sum += bank.weights[m * bank.nBins + f];
    close(mel.data[m], sum, 1e-6);
    close(mel.data[40 + m], sum, 1e-6);
  }
});

test('powerToDb: 10·log10(S / ref) with the amin floor and the top_db floor below the maximum', () => {
  const S = Float32Array.from([1, 0.1, 0, 1e-12, 100]);
  assert.deepEqual(Array.from(powerToDb(S, { topDb: null })), [0, -10, -100, -100, 20]);
  assert.deepEqual(Array.from(powerToDb(S)), [0, -10, -60, -60, 20]);
  assert.deepEqual(Array.from(powerToDb(S, { ref: 10, topDb: 25 })), [-10, -15, -15, -15, 10]);
  assert.deepEqual(Array.from(S), [1, 0.1, 0, 1e-12, 100].map(Math.fround), 'input untouched');
  assert.throws(() => powerToDb(S, { amin: 0 }));
});
