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
  const h = halfBandTaps;
  const half = HALF_BAND_HALF_LENGTH;
  const gain = Math.SQRT2;
  // Output m is centred on input 2m. The filter is symmetric, so fold the pair y[c-d] + y[c+d];
  // it is half-band (sinc(d/2) = 0 at even d ≠ 0, up to rounding at the 1e-17 level), so only
  // the centre and odd offsets contribute.
  for (let m = 0; m < out.length; m++) {
    const c = 2 * m;
    let acc = h[half] * y[c];
    if (c - half >= 0 && c + half < n) {
      for (let d = 1; d <= half; d += 2) acc += h[half + d] * (y[c - d] + y[c + d]);
    } else {
      for (let d = 1; d <= half; d += 2) {
        const left = c - d >= 0 ? y[c - d] : 0;
        const right = c + d < n ? y[c + d] : 0;
        acc += h[half + d] * (left + right);
      }
    }
    out[m] = acc * gain;
  }
  return out;
}
