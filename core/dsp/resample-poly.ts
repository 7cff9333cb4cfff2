import { firwinKaiser } from './resample.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** One resampling ratio's filter, split into its `up` phases (taps in the order they meet the input). */
interface PolyphaseFilter {
  up: number;
  down: number;
  halfLength: number;
  phases: Float32Array[];
}

const filters = new Map<string, PolyphaseFilter>();

function polyphaseFilter(up: number, down: number): PolyphaseFilter {
  const key = `${up}/${down}`;
  let filter = filters.get(key);
  if (!filter) {
    // scipy.signal.resample_poly's default: firwin(2·10·max + 1, 1/max, ('kaiser', 5.0)) times up.
    const maxRate = Math.max(up, down);
    const halfLength = 10 * maxRate;
    const taps = firwinKaiser(2 * halfLength + 1, 1 / maxRate, 5.0);
    const phases: Float32Array[] = [];
    for (let phase = 0; phase < up; phase++) {
      const count = Math.ceil((taps.length - phase) / up);
      phases.push(Float32Array.from({ length: count }, (_, k) => taps[phase + k * up] * up));
    }
    filter = { up, down, halfLength, phases };
    filters.set(key, filter);
  }
  return filter;
}

/**
 * scipy.signal.resample_poly(y, up, down) with its default Kaiser window (β = 5), zeros beyond the
 * edges, ceil(n·up/down) outputs, for the ratio toRate/fromRate reduced to lowest terms: output m is
 * Σᵢ y[i]·h[m·down + halfLength − i·up]. This is librosa.resample(res_type='polyphase').
 */
export function resamplePoly(y: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new Error(`resamplePoly: rates must be positive integers, got ${fromRate} → ${toRate}`);
  }
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  if (up === 1 && down === 1) return Float32Array.from(y);
  const { phases, halfLength } = polyphaseFilter(up, down);
  const n = y.length;
  const out = new Float32Array(Math.ceil((n * up) / down));
  for (let m = 0; m < out.length; m++) {
    const position = m * down + halfLength;
    const phase = position % up;
    const taps = phases[phase];
    // Tap k of this phase meets input sample newest − k.
    const newest = (position - phase) / up;
    let first = 0;
    if (newest >= n) first = newest - n + 1;
    const last = Math.min(taps.length - 1, newest);
    let sum = 0;
    for (let k = first; k <= last; k++) sum += taps[k] * y[newest - k];
    out[m] = sum;
  }
  return out;
}
