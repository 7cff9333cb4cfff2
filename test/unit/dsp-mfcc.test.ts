import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dctOrthoMatrix, mfccFromMelDb } from '../../core/dsp/mfcc.js';
import { timeFrequency } from '../../core/dsp/types.js';

test('the ortho DCT-II matrix is orthonormal', () => {
  const n = 16;
  const D = dctOrthoMatrix(n, n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += D[a * n + i] * D[b * n + i];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `rows ${a}, ${b}: ${dot}`);
    }
  }
  assert.throws(() => dctOrthoMatrix(20, 10));
});

test('mfcc: a flat log-mel frame has only the 0th coefficient, √N times the level', () => {
  const melDb = timeFrequency(2, 128);
  melDb.data.fill(-30);
  // A cosine across the mel bands at DCT frequency 3 lands in coefficient 3 only.
  for (let m = 0; m < 128; m++) melDb.data[128 + m] = Math.cos((Math.PI * 3 * (2 * m + 1)) / 256);
  const mfcc = mfccFromMelDb(melDb, { nMfcc: 20 });
  assert.equal(mfcc.nBins, 20);
  assert.ok(Math.abs(mfcc.data[0] - -30 * Math.sqrt(128)) < 1e-3);
  for (let k = 1; k < 20; k++) assert.ok(Math.abs(mfcc.data[k]) < 1e-4, `flat frame, coefficient ${k}`);
  for (let k = 0; k < 20; k++) {
    const expected = k === 3 ? Math.sqrt(128 / 2) : 0;
    assert.ok(Math.abs(mfcc.data[20 + k] - expected) < 1e-4, `cosine frame, coefficient ${k}: ${mfcc.data[20 + k]}`);
  }
});
