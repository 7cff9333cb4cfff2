import { halfBandDownsampleKernel } from './wasm/kernels.js';

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
  if (n === 1) return w.fill(1);
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
/** The taps downsampleByTwo uses, times the sqrt(2) gain: the centre, then those at odd distances 1, 3, …, 19. */
const kernelTaps = Float32Array.from([0, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19], (d) => halfBandTaps[HALF_BAND_HALF_LENGTH + d] * Math.SQRT2);

/**
 * librosa.resample(y, orig_sr=2, target_sr=1, res_type='polyphase', scale=True): that is
 * scipy.signal.resample_poly(y, 1, 2) (41-tap Kaiser low-pass, zeros beyond the edges, ceil(n/2)
 * outputs) times sqrt(2), returned as float32 like librosa.
 */
export function downsampleByTwo(y: Float32Array, options: { useKernels?: boolean } = {}): Float32Array {
  // Float32 sums four outputs at a time in WebAssembly SIMD where it runs.
  const viaKernel = options.useKernels === false ? null : halfBandDownsampleKernel(y, kernelTaps);
  if (viaKernel) return viaKernel;
  const n = y.length;
  const out = new Float32Array(Math.ceil(n / 2));
  // Output m is centred on input 2m. The filter is half-band (sinc(d/2) = 0 at even d ≠ 0, up to
  // rounding at the 1e-17 level) and symmetric, so output m is g0·y[2m] plus, for d = 1, 3, …, 19,
  // g_d·(y[2m−d] + y[2m+d]): the odd samples o_i = y[2i+1] from o_{m−10} to o_{m+9}. Those twenty
  // ride along in locals (a0…a9 = o_{m−10…m−1}, b0…b9 = o_{m…m+9}) so each output reads two new
  // samples instead of twenty-one. The sqrt(2) gain is folded into the taps.
  const g = (d: number): number => halfBandTaps[HALF_BAND_HALF_LENGTH + d] * Math.SQRT2;
  const g0 = g(0), g1 = g(1), g3 = g(3), g5 = g(5), g7 = g(7), g9 = g(9);
  const g11 = g(11), g13 = g(13), g15 = g(15), g17 = g(17), g19 = g(19);
  const odd = (i: number): number => (i >= 0 && 2 * i + 1 < n ? y[2 * i + 1] : 0);
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0;
  let b0 = odd(0), b1 = odd(1), b2 = odd(2), b3 = odd(3), b4 = odd(4);
  let b5 = odd(5), b6 = odd(6), b7 = odd(7), b8 = odd(8), b9 = odd(9);
  for (let m = 0; m < out.length; m++) {
    out[m] =
      g0 * y[2 * m] +
      g1 * (a9 + b0) +
      g3 * (a8 + b1) +
      g5 * (a7 + b2) +
      g7 * (a6 + b3) +
      g9 * (a5 + b4) +
      g11 * (a4 + b5) +
      g13 * (a3 + b6) +
      g15 * (a2 + b7) +
      g17 * (a1 + b8) +
      g19 * (a0 + b9);
    a0 = a1; a1 = a2; a2 = a3; a3 = a4; a4 = a5; a5 = a6; a6 = a7; a7 = a8; a8 = a9; a9 = b0;
    b0 = b1; b1 = b2; b2 = b3; b3 = b4; b4 = b5; b5 = b6; b6 = b7; b7 = b8; b8 = b9;
    const next = 2 * (m + 10) + 1;
    b9 = next < n ? y[next] : 0;
  }
  return out;
}
