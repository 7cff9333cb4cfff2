/**
 * A small WebAssembly assembler for the DSP kernels: each instruction is a function returning its
 * bytes, and operands nest like the folded form of the text format, so `f4.add(get(a), get(b))`
 * reads as `(f32x4.add (local.get $a) (local.get $b))`. Only the instructions the kernels use are
 * here. The kernels are built from this at load time, so what runs can be read in TypeScript
 * rather than shipped as an opaque binary.
 */

export type Code = number[];

export const i32Type = 0x7f;
export const f32Type = 0x7d;
export const v128Type = 0x7b;
export type ValueType = typeof i32Type | typeof f32Type | typeof v128Type;

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const flat = (parts: Code[]): Code => parts.flat();

// ---- locals and integers -------------------------------------------------------------------------

export const get = (local: number): Code => [0x20, ...unsignedLeb(local)];
export const set = (local: number, value: Code): Code => [...value, 0x21, ...unsignedLeb(local)];
export const tee = (local: number, value: Code): Code => [...value, 0x22, ...unsignedLeb(local)];

export const i32 = {
  const: (value: number): Code => [0x41, ...signedLeb(value)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  shl: (a: Code, b: Code): Code => [...a, ...b, 0x74],
  shrU: (a: Code, b: Code): Code => [...a, ...b, 0x76],
  eq: (a: Code, b: Code): Code => [...a, ...b, 0x46],
  ne: (a: Code, b: Code): Code => [...a, ...b, 0x47],
  or: (a: Code, b: Code): Code => [...a, ...b, 0x72],
  ltU: (a: Code, b: Code): Code => [...a, ...b, 0x49],
  geU: (a: Code, b: Code): Code => [...a, ...b, 0x4f],
  /** i32.load with a constant byte offset. */
  load: (address: Code, offset = 0): Code => [...address, 0x28, 2, ...unsignedLeb(offset)],
};

/** `local += step` for an i32 local. */
export const advance = (local: number, step: Code): Code => set(local, i32.add(get(local), step));

// ---- control --------------------------------------------------------------------------------------

const EMPTY_BLOCK = 0x40;

/** A loop whose body runs once, then again while `condition` (evaluated at the end) holds. */
export const doWhile = (body: Code[], condition: Code): Code => [
  0x03, EMPTY_BLOCK, ...flat(body), ...condition, 0x0d, 0, 0x0b,
];

/** `while (condition) body`: the condition is checked before every turn. */
export const whileLoop = (condition: Code, body: Code[]): Code => [
  0x02, EMPTY_BLOCK, 0x03, EMPTY_BLOCK,
  ...condition, 0x45 /* i32.eqz */, 0x0d, 1,
  ...flat(body),
  0x0c, 0, 0x0b, 0x0b,
];

export const ifThen = (condition: Code, body: Code[]): Code => [...condition, 0x04, EMPTY_BLOCK, ...flat(body), 0x0b];

// ---- 128-bit vectors of four float32 --------------------------------------------------------------

const simd = (code: number): Code => [0xfd, ...unsignedLeb(code)];
/** memarg: log2 of the alignment, then the constant offset. */
const memarg = (alignLog2: number, offset: number): Code => [alignLog2, ...unsignedLeb(offset)];

export const v128 = {
  load: (address: Code, offset = 0): Code => [...address, ...simd(0x00), ...memarg(4, offset)],
  store: (address: Code, value: Code, offset = 0): Code => [...address, ...value, ...simd(0x0b), ...memarg(4, offset)],
  /** One float32 from memory in all four lanes. */
  load32Splat: (address: Code, offset = 0): Code => [...address, ...simd(0x09), ...memarg(2, offset)],
  /** `vector` with lane `lane` replaced by the float32 at `address`. */
  load32Lane: (address: Code, vector: Code, lane: number, offset = 0): Code => [
    ...address, ...vector, ...simd(0x56), ...memarg(2, offset), lane,
  ],
  /** Writes lane `lane` of `vector` as one float32 at `address`. */
  store32Lane: (address: Code, vector: Code, lane: number, offset = 0): Code => [
    ...address, ...vector, ...simd(0x5a), ...memarg(2, offset), lane,
  ],
  zero: (): Code => [...simd(0x0c), ...new Array<number>(16).fill(0)],
  /** Lanes picked from the 32 bytes of a then b: `floats` are four float32 lane indices (0–3 of a, 4–7 of b). */
  shuffleFloats: (a: Code, b: Code, floats: [number, number, number, number]): Code => [
    ...a, ...b, ...simd(0x0d), ...floats.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]),
  ],
  and: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x4e)],
  /** 1 if any bit is set, else 0 (an i32). */
  anyTrue: (a: Code): Code => [...a, ...simd(0x53)],
  /** a & ~b */
  andNot: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x4f)],
  or: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x50)],
  /** The bits of `whereSet` where `mask` is 1, else those of `whereClear`. */
  bitselect: (whereSet: Code, whereClear: Code, mask: Code): Code => [...whereSet, ...whereClear, ...mask, ...simd(0x52)],
};

export const f32 = {
  add: (a: Code, b: Code): Code => [...a, ...b, 0x92],
  store: (address: Code, value: Code, offset = 0): Code => [...address, ...value, 0x38, 2, ...unsignedLeb(offset)],
};

export const f4 = {
  /** Lane `lane` as a float32 scalar. */
  extractLane: (a: Code, lane: number): Code => [...a, ...simd(0x1f), lane],
  splat: (value: number): Code => {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return [0x43, ...bytes, ...simd(0x13)];
  },
  /** A float32 scalar (e.g. a parameter) in all four lanes. */
  splatScalar: (a: Code): Code => [...a, ...simd(0x13)],
  add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)],
  sub: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)],
  mul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)],
  div: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)],
  min: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe8)],
  max: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe9)],
  /** All-ones lanes where a < b. */
  lt: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x43)],
  gt: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x44)],
  ge: (a: Code, b: Code): Code => [...a, ...b, ...simd(0x46)],
  abs: (a: Code): Code => [...a, ...simd(0xe0)],
  sqrt: (a: Code): Code => [...a, ...simd(0xe3)],
};

// ---- module ---------------------------------------------------------------------------------------

export interface FunctionDefinition {
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Types of the locals after the parameters, in index order. */
  locals: ValueType[];
  body: Code[];
}

function vector(items: Code[]): Code {
  return [...unsignedLeb(items.length), ...flat(items)];
}

function nameBytes(text: string): Code {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, content: Code): Code {
  return [id, ...unsignedLeb(content.length), ...content];
}

/** Run-length groups of local types, as the code section declares them. */
function localGroups(types: ValueType[]): Code[] {
  const groups: Code[] = [];
  for (let i = 0; i < types.length; ) {
    let j = i;
    while (j < types.length && types[j] === types[i]) j++;
    groups.push([...unsignedLeb(j - i), types[i]]);
    i = j;
  }
  return groups;
}

/** A module that imports its memory as env.memory and exports every function under its name. */
export function assembleModule(functions: FunctionDefinition[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const bodies = functions.map((f) => {
    const content = [...vector(localGroups(f.locals)), ...flat(f.body), 0x0b];
    return [...unsignedLeb(content.length), ...content];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...nameBytes('env'), ...nameBytes('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((_, i) => unsignedLeb(i)))),
    ...section(7, vector(functions.map((f, i) => [...nameBytes(f.name), 0x00, ...unsignedLeb(i)]))),
    ...section(10, vector(bodies)),
  ]);
}
