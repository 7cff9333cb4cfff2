/**
 * A WebAssembly SIMD kernel for the per-frame linear maps of the DSP (mel and chroma filter banks,
 * the MFCC's DCT): out[t][o] = Σ over the segments of output o of Σ_i weight_i · row_t[start + i],
 * four products per instruction. A filter is one or more segments of consecutive bins, so banded
 * and sparse banks cost only their nonzero weights.
 *
 * products(matrix, rowBytes, nRows, records, recordsEnd, weights, out, outRowBytes), byte addresses:
 * - records: 16-byte records [byte offset of the output in an out row, byte offset of the
 *   segment's first value in a matrix row, byte offsets in `weights` of its first weight and past
 *   its last]. Records of one output are consecutive; their sums add up.
 * - weights: float32, each segment's padded with zeros to a multiple of four, so a segment may read
 *   up to three values past its end (the memory after the matrix must hold finite numbers).
 */
import {
  advance,
  assembleModule,
  doWhile,
  f32,
  f4,
  get,
  i32,
  i32Type,
  ifThen,
  set,
  v128,
  v128Type,
  type Code,
} from './assembler.js';

export function productKernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const [matrix, rowBytes, nRows, records, recordsEnd, weights, out, outRowBytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [record, next, cursor, weight, weightEnd] = [8, 9, 10, 11, 12];
  const sum = 13;
  const horizontalSum = (v: Code): Code =>
    f32.add(f32.add(f4.extractLane(v, 0), f4.extractLane(v, 1)), f32.add(f4.extractLane(v, 2), f4.extractLane(v, 3)));
  const body: Code[] = [
    doWhile(
      [
        set(record, get(records)),
        set(sum, v128.zero()),
        doWhile(
          [
            set(cursor, i32.add(get(matrix), i32.load(get(record), 4))),
            set(weight, i32.add(get(weights), i32.load(get(record), 8))),
            set(weightEnd, i32.add(get(weights), i32.load(get(record), 12))),
            doWhile(
              [
                set(sum, f4.add(get(sum), f4.mul(v128.load(get(cursor)), v128.load(get(weight))))),
                advance(cursor, i32.const(16)),
                advance(weight, i32.const(16)),
              ],
              i32.ltU(get(weight), get(weightEnd)),
            ),
            set(next, i32.add(get(record), i32.const(16))),
            // The output is complete when the next record (if any) belongs to another one.
            ifThen(i32.or(i32.geU(get(next), get(recordsEnd)), i32.ne(i32.load(get(next), 0), i32.load(get(record), 0))), [
              f32.store(i32.add(get(out), i32.load(get(record), 0)), horizontalSum(get(sum))),
              set(sum, v128.zero()),
            ]),
            set(record, get(next)),
          ],
          i32.ltU(get(record), get(recordsEnd)),
        ),
        advance(matrix, get(rowBytes)),
        advance(out, get(outRowBytes)),
        set(nRows, i32.sub(get(nRows), i32.const(1))),
      ],
      get(nRows),
    ),
  ];
  return assembleModule([
    {
      name: 'products',
      params: [i32Type, i32Type, i32Type, i32Type, i32Type, i32Type, i32Type, i32Type],
      results: [],
      locals: [i32Type, i32Type, i32Type, i32Type, i32Type, v128Type],
      body,
    },
  ]);
}
