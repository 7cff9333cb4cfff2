/** Modified Bessel function of the first kind, order 0 (power series; converges fast for |x| < 50). */
function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

/** scipy.signal.windows.kaiser(n, beta, sym=True). */
export function kaiserWindow(n: number, beta: number): Float64Array {
  const w = new Float64Array(n);
  const denominator = besselI0(beta);
  for (let i = 0; i < n; i++) {
    const r = (2 * i) / (n - 1) - 1;
    w[i] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / denominator;
  }
  return w;
}

/**
 * scipy.signal.firwin(numTaps, cutoff, window=('kaiser', beta)): a windowed-sinc low-pass with
 * `cutoff` relative to Nyquist, scaled to unit gain at DC.
 */
export function firwinKaiser(numTaps: number, cutoff: number, beta: number): Float64Array {
  const window = kaiserWindow(numTaps, beta);
  const h = new Float64Array(numTaps);
  const middle = (numTaps - 1) / 2;
  let sum = 0;
  for (let i = 0; i < numTaps; i++) {
    const m = i - middle;
    const x = cutoff * m;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    h[i] = cutoff * sinc * window[i];
    sum += h[i];
  }
  for (let i = 0; i < numTaps; i++) h[i] /= sum;
  return h;
}

/** resample_poly's default anti-aliasing filter for down-sampling by 2: firwin(41, 0.5, ('kaiser', 5.0)). */
const HALF_BAND_HALF_LENGTH = 20;
const halfBandTaps = firwinKaiser(2 * HALF_BAND_HALF_LENGTH + 1, 0.5, 5.0);

/**
 * librosa.resample(y, orig_sr=2, target_sr=1, res_type='polyphase', scale=True): that is
 * scipy.signal.resample_poly(y, 1, 2) (41-tap Kaiser low-pass, zeros beyond the edges, ceil(n/2)
 * outputs) times sqrt(2), returned as float32 like librosa.
 */
export function downsampleByTwo(y: Float32Array): Float32Array {
  const n = y.length;
  const out = new Float32Array(Math.ceil(n / 2));
  // Output m is centred on input 2m. The filter is symmetric, so fold the pair y[c-d] + y[c+d];
  // it is half-band (sinc(d/2) = 0 at even d ≠ 0, up to rounding at the 1e-17 level), so only
  // the centre and the ten odd offsets contribute. The sqrt(2) gain is folded into the taps.
  const g = Array.from({ length: HALF_BAND_HALF_LENGTH + 1 }, (_, d) => halfBandTaps[HALF_BAND_HALF_LENGTH + d] * Math.SQRT2);
  const [g0, g1, g3, g5, g7, g9, g11, g13, g15, g17, g19] = [g[0], g[1], g[3], g[5], g[7], g[9], g[11], g[13], g[15], g[17], g[19]];
  const sample = (i: number): number => (i >= 0 && i < n ? y[i] : 0);
  const edge = (c: number): number => {
    let acc = g[0] * y[c];
    for (let d = 1; d <= HALF_BAND_HALF_LENGTH; d += 2) acc += g[d] * (sample(c - d) + sample(c + d));
    return acc;
  };
  const firstInterior = Math.min(out.length, Math.ceil(HALF_BAND_HALF_LENGTH / 2));
  const lastInterior = Math.floor((n - 1 - HALF_BAND_HALF_LENGTH) / 2);
  for (let m = 0; m < firstInterior; m++) out[m] = edge(2 * m);
  for (let m = firstInterior; m <= lastInterior; m++) {
    const c = 2 * m;
    out[m] =
      g0 * y[c] +
      g1 * (y[c - 1] + y[c + 1]) +
      g3 * (y[c - 3] + y[c + 3]) +
      g5 * (y[c - 5] + y[c + 5]) +
      g7 * (y[c - 7] + y[c + 7]) +
      g9 * (y[c - 9] + y[c + 9]) +
      g11 * (y[c - 11] + y[c + 11]) +
      g13 * (y[c - 13] + y[c + 13]) +
      g15 * (y[c - 15] + y[c + 15]) +
      g17 * (y[c - 17] + y[c + 17]) +
      g19 * (y[c - 19] + y[c + 19]);
  }
  for (let m = Math.max(firstInterior, lastInterior + 1); m < out.length; m++) out[m] = edge(2 * m);
  return out;
}
