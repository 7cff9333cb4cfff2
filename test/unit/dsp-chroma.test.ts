import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromaFilterBank, chromaStft } from '../../core/dsp/chroma.js';
import { stftMagnitude } from '../../core/dsp/stft.js';
import type { TimeFrequency } from '../../core/dsp/types.js';

const sr = 22050;

function powerOf(hz: number): TimeFrequency {
  const y = Float32Array.from({ length: sr }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sr));
  const S = stftMagnitude(y);
  return { ...S, data: S.data.map((v) => v * v) };
}

test('chroma filter bank: 12 × 1025, non-negative, columns peaking at their pitch class (C first)', () => {
  const bank = chromaFilterBank({ sr, nFft: 2048 });
  assert.equal(bank.length, 12 * 1025);
  assert.ok(bank.every((w) => w >= 0));
  const nBins = 1025;
  const binOf = (hz: number): number => Math.round((hz * 2048) / sr);
  const strongest = (bin: number): number => {
    let best = 0;
    for (let c = 1; c < 12; c++) if (bank[c * nBins + bin] > bank[best * nBins + bin]) best = c;
    return best;
  };
  assert.equal(strongest(binOf(440)), 9, 'A4');
  assert.equal(strongest(binOf(1046.5)), 0, 'C6');
  assert.equal(strongest(binOf(1318.5)), 4, 'E6');
});

test('chroma_stft: a tone lights its pitch class, frames scaled to a maximum of 1', () => {
  for (const [hz, pitchClass] of [
    [440, 9],
    [523.25, 0],
    [739.99, 6],
  ] as const) {
    const chroma = chromaStft(powerOf(hz), { sr, tuning: 0 });
    assert.equal(chroma.nBins, 12);
    for (let t = 3; t < chroma.nFrames - 3; t++) {
      const frame = Array.from(chroma.data.subarray(t * 12, t * 12 + 12));
      assert.equal(Math.max(...frame), 1);
      assert.equal(frame.indexOf(1), pitchClass, `${hz} Hz frame ${t}`);
    }
  }
});

test('chroma_stft: tuning moves the bank with the tones', () => {
  // A quarter-tone sharp A sits between A and A#; telling the bank so puts it back on A.
  const share = (power: TimeFrequency, tuning: number): number => {
    const frame = chromaStft(power, { sr, tuning }).data.subarray(10 * 12, 11 * 12);
    return frame[9] / (frame[9] + frame[10]);
  };
  const sharp = powerOf(440 * 2 ** (0.45 / 12));
  const inTune = share(powerOf(440), 0);
  assert.ok(share(sharp, 0) < 0.7 * inTune, `untuned share of A ${share(sharp, 0)}`);
  assert.ok(Math.abs(share(sharp, 0.45) - inTune) < 0.05, `tuned share of A ${share(sharp, 0.45)} vs ${inTune}`);
  const silent = chromaStft({ data: new Float32Array(5 * 1025), nFrames: 5, nBins: 1025 }, { sr, tuning: 0 });
  assert.ok(silent.data.every((v) => v === 0), 'silence stays zero');
});
