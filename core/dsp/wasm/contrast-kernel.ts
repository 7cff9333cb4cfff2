/**
 * A WebAssembly SIMD kernel for spectral contrast's extremes, built for one band layout: for four
 * frames at once (one per lane, from the |X_k| vectors the FFT kernels' `magnitudes` leaves), the
 * mean of the `take` smallest and of the `take` largest magnitudes of each band. Each band keeps
 * its running extremes in registers as sorted insertion networks (min/max pairs), so a value costs
 * 2·take vector operations; in wide bands a value that enters neither extreme in any of the four
 * frames (most of them) skips the networks after one comparison each.
 *
 * contrast(lanes, out): band b's valley (mean of the smallest) as a vector at out + 32b, its peak
 * at out + 32b + 16.
 */
import type { ContrastBand } from '../spectral.js';
import { advance, assembleModule, doWhile, f4, get, i32, i32Type, ifThen, set, v128, v128Type, type Code } from './assembler.js';

export function contrastKernelModuleBytes(bands: readonly ContrastBand[]): Uint8Array<ArrayBuffer> {
  const maxTake = Math.max(...bands.map((band) => band.take));
  const [lanes, out, cursor, end, value, other, spare] = [0, 1, 2, 3, 4, 5, 6];
  const smallest = Array.from({ length: maxTake }, (_, i) => 7 + i);
  const largest = Array.from({ length: maxTake }, (_, i) => 7 + maxTake + i);
  /** The network, behind a test that any lane enters it where the network is long enough to be worth skipping. */
  const whenEntering = (enters: Code, take: number, network: Code[]): Code[] =>
    take >= 3 ? [ifThen(v128.anyTrue(enters), network)] : network;
  const sum = (locals: number[]): Code => locals.slice(1).reduce((acc, local) => f4.add(acc, get(local)), get(locals[0]));

  const body: Code[] = [];
  bands.forEach(({ first, count, take }, b) => {
    const small = smallest.slice(0, take);
    const large = largest.slice(0, take);
    body.push(
      ...small.map((local) => set(local, f4.splat(Infinity))),
      ...large.map((local) => set(local, f4.splat(-Infinity))),
      set(cursor, i32.add(get(lanes), i32.const(16 * first))),
      set(end, i32.add(get(cursor), i32.const(16 * count))),
      doWhile(
        [
          set(value, v128.load(get(cursor))),
          set(other, get(value)),
          // Insert into the ascending smallest: each level keeps the lower value, passes the higher on.
          ...whenEntering(f4.lt(get(value), get(small[take - 1])), take, small.flatMap((local) => [
            set(spare, f4.min(get(local), get(value))),
            set(value, f4.max(get(local), get(value))),
            set(local, get(spare)),
          ])),
          ...whenEntering(f4.gt(get(other), get(large[take - 1])), take, large.flatMap((local) => [
            set(spare, f4.max(get(local), get(other))),
            set(other, f4.min(get(local), get(other))),
            set(local, get(spare)),
          ])),
          advance(cursor, i32.const(16)),
        ],
        i32.ltU(get(cursor), get(end)),
      ),
      v128.store(get(out), f4.div(sum(small), f4.splat(take)), 32 * b),
      v128.store(get(out), f4.div(sum(large), f4.splat(take)), 32 * b + 16),
    );
  });
  return assembleModule([
    {
      name: 'contrast',
      params: [i32Type, i32Type],
      results: [],
      locals: [i32Type, i32Type, v128Type, v128Type, v128Type, ...new Array<typeof v128Type>(2 * maxTake).fill(v128Type)],
      body,
    },
  ]);
}
