/**
 * A WebAssembly SIMD kernel for downsampling by two with a symmetric half-band FIR filter of 41
 * taps (resample_poly's, see core/dsp/resample.ts): output m is g0·y[2m] + Σ_j g_{2j+1}·(y[2m−2j−1] +
 * y[2m+2j+1]), j = 0..9. The signal is first split into its even and odd samples, so that four
 * consecutive outputs read contiguous vectors of each.
 *
 * - split(signal, even, odd, blocks): for 8·blocks samples, even[m] = signal[2m], odd[m] = signal[2m+1].
 * - halfBand(even, odd, taps, out, count): `odd` must hold 10 zeros before odd sample 0 and the
 *   samples (then zeros) up to index count + 13; `taps` is [g0, g1, g3, …, g19]; count is rounded
 *   up to a multiple of four.
 */
import {
  advance,
  assembleModule,
  doWhile,
  f4,
  get,
  i32,
  i32Type,
  set,
  v128,
  v128Type,
  type Code,
  type FunctionDefinition,
} from './assembler.js';

/** Odd taps on each side of the centre. */
export const HALF_BAND_ODD_TAPS = 10;

export function resampleKernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const split = ((): FunctionDefinition => {
    const [signal, even, odd, blocks, end, a, b] = [0, 1, 2, 3, 4, 5, 6];
    const body: Code[] = [
      set(end, i32.add(get(even), i32.shl(get(blocks), i32.const(4)))),
      doWhile(
        [
          set(a, v128.load(get(signal), 0)),
          set(b, v128.load(get(signal), 16)),
          v128.store(get(even), v128.shuffleFloats(get(a), get(b), [0, 2, 4, 6])),
          v128.store(get(odd), v128.shuffleFloats(get(a), get(b), [1, 3, 5, 7])),
          advance(signal, i32.const(32)),
          advance(odd, i32.const(16)),
          advance(even, i32.const(16)),
        ],
        i32.ltU(get(even), get(end)),
      ),
    ];
    return { name: 'split', params: [i32Type, i32Type, i32Type, i32Type], results: [], locals: [i32Type, v128Type, v128Type], body };
  })();

  const halfBand = ((): FunctionDefinition => {
    const [even, odd, taps, out, count, end, acc] = [0, 1, 2, 3, 4, 5, 6];
    const gain = Array.from({ length: HALF_BAND_ODD_TAPS + 1 }, (_, i) => 7 + i);
    const body: Code[] = [
      ...gain.map((local, i) => set(local, v128.load32Splat(get(taps), 4 * i))),
      set(end, i32.add(get(out), i32.shl(get(count), i32.const(2)))),
      doWhile(
        [
          set(acc, f4.mul(get(gain[0]), v128.load(get(even)))),
          // odd[m − 1 − j] and odd[m + j] sit (9 − j) and (10 + j) floats past the cursor (10 zeros lead).
          ...Array.from({ length: HALF_BAND_ODD_TAPS }, (_, j) =>
            set(acc, f4.add(get(acc), f4.mul(get(gain[1 + j]), f4.add(v128.load(get(odd), 4 * (9 - j)), v128.load(get(odd), 4 * (10 + j)))))),
          ),
          v128.store(get(out), get(acc)),
          advance(even, i32.const(16)),
          advance(odd, i32.const(16)),
          advance(out, i32.const(16)),
        ],
        i32.ltU(get(out), get(end)),
      ),
    ];
    return {
      name: 'halfBand',
      params: [i32Type, i32Type, i32Type, i32Type, i32Type],
      results: [],
      locals: [i32Type, v128Type, ...new Array<typeof v128Type>(HALF_BAND_ODD_TAPS + 1).fill(v128Type)],
      body,
    };
  })();
  return assembleModule([split, halfBand]);
}
