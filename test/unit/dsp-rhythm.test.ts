import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onsetStrength } from '../../core/dsp/onset.js';
import { beatTrackTempo, meanTempogram, tempo, tempoFrequencies } from '../../core/dsp/rhythm.js';
import { hannWindow } from '../../core/dsp/stft.js';
import { timeFrequency } from '../../core/dsp/types.js';

const sr = 22050;
const hopLength = 512;

/** librosa.feature.tempogram followed by a mean over frames, written the slow, literal way. */
function literalMeanTempogram(envelope: Float32Array, winLength: number): Float64Array {
  const n = envelope.length;
  const half = winLength >> 1;
  const padded = new Float64Array(n + 2 * half);
  for (let i = 0; i < half; i++) {
    padded[i] = (envelope[0] * i) / half;
    padded[n + half + i] = (envelope[n - 1] * (half - 1 - i)) / half;
  }
  padded.set(envelope, half);
  const window = hannWindow(winLength);
  const mean = new Float64Array(winLength);
  for (let t = 0; t < n; t++) {
    const x = Array.from({ length: winLength }, (_, i) => padded[t + i] * window[i]);
    const ac = Array.from({ length: winLength }, (_, lag) => {
      let sum = 0;
      for (let i = 0; i + lag < winLength; i++) sum += x[i] * x[i + lag];
      return sum;
    });
    const max = Math.max(...ac.map(Math.abs));
    for (let lag = 0; lag < winLength; lag++) mean[lag] += (max > 0 ? ac[lag] / max : 0) / n;
  }
  return mean;
}

test('meanTempogram equals the literal windowed, normalised autocorrelation averaged over frames', () => {
  let seed = 9;
  const envelope = Float32Array.from({ length: 301 }, (_, i) => {
    seed = (seed * 16807) % 2147483647;
    // Silence at the start (a frame of zeros must stay zero) and a ragged end.
    return i < 80 ? 0 : seed / 2147483647;
  });
  for (const winLength of [64, 65]) {
    const literal = literalMeanTempogram(envelope, winLength);
    // The float64 JavaScript path to rounding; the float32 WebAssembly kernels (the default) to float32 precision.
    for (const [useKernels, tolerance] of [[false, 1e-12], [true, 1e-6]] as const) {
      const fast = meanTempogram(envelope, { winLength, useKernels });
      assert.equal(fast.length, winLength);
      for (let lag = 0; lag < winLength; lag++) {
        assert.ok(Math.abs(fast[lag] - literal[lag]) < tolerance, `win ${winLength} lag ${lag}: ${fast[lag]} vs ${literal[lag]}`);
      }
    }
  }
});

test('tempo: a pulse train every 23 frames is 60·sr/(hop·23) BPM; silence is 0', () => {
  const envelope = Float32Array.from({ length: 1300 }, (_, i) => (i % 23 === 5 ? 1 : 0));
  const bpms = tempoFrequencies(400, { sr, hopLength });
  assert.equal(bpms[0], Infinity);
  assert.equal(tempo(envelope, { sr, hopLength }), bpms[23]);
  assert.equal(beatTrackTempo(envelope, { sr, hopLength }), bpms[23]);
  assert.equal(beatTrackTempo(new Float32Array(500), { sr, hopLength }), 0);
  // A strong prior far away wins over the periodicity's own lag only at the octave: 2 × 23 frames.
  const slow = tempo(envelope, { sr, hopLength, startBpm: 60 });
  assert.equal(slow, bpms[46]);
});

test('onsetStrength: positive dB increases, averaged (or median) over bands, delayed by lag + n_fft/(2·hop)', () => {
  const logMel = timeFrequency(8, 4);
  // Frame 4 rises by 10 dB in bands 0–2 and falls in band 3; frame 5 falls back.
  for (let t = 0; t < 8; t++) logMel.data.set(t === 4 ? [10, 10, 10, -20] : [0, 0, 0, 0], t * 4);
  const mean = onsetStrength(logMel, { aggregate: 'mean' });
  const median = onsetStrength(logMel, { aggregate: 'median' });
  assert.equal(mean.length, 8);
  // The rise between frames 3 and 4 is reported at frame 4 + 2 (center: 2048 / (2·512) frames).
  assert.deepEqual(Array.from(mean), [0, 0, 0, 0, 0, 0, 7.5, 5]);
  assert.deepEqual(Array.from(median), [0, 0, 0, 0, 0, 0, 10, 0]);
});
