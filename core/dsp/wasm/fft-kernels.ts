/**
 * WebAssembly SIMD kernels for the frame-by-frame transforms (STFT and the CQT's octaves), built
 * for one FFT size. Four frames go through together, one per float32 lane: every step of a
 * textbook scalar FFT then works on four frames at once with no shuffles.
 *
 * Layout: a "batch" of n complex values is two planes of n vectors, real parts then imaginary
 * parts (vector j holds value j of frames 0..3); plane = 16·n bytes. A real frame of 2n samples
 * is packed as the complex sequence z_j = x_2j + i·x_2j+1 (half-size transform, then a split).
 *
 * Exports (all addresses are byte offsets into the imported memory):
 * - frames(signal, hopBytes, window, batch): gathers four frames starting hopBytes apart, times
 *   the window (2n floats), packed as above.
 * - fft(batch, scratch, twiddles) → address of the result (batch or scratch): in-order forward DFT
 *   (Stockham radix-4 stages, one radix-2 stage when log2 n is odd).
 * - magnitudes(batch, splitTwiddles, magnitude, power, lanes): |X_k| and |X_k|² of the real frames
 *   for k = 0..n, written as four rows of n+1 floats each, and |X_k| as n+1 vectors at `lanes`.
 * - frameStatistics(lanes, freqs, rollPercent, out): per-frame spectral statistics from `lanes`.
 * - cqtBins(batch, bins, binsEnd, spectrum, filters, filtersEnd, coefficients, out, rowBytes):
 *   forms the DFT bins a sparse filter basis needs, then each filter's |Σ coefficient · bin| into
 *   four rows.
 */
import {
  advance,
  assembleModule,
  doWhile,
  f4,
  get,
  i32,
  f32Type,
  i32Type,
  set,
  v128,
  v128Type,
  type Code,
  type FunctionDefinition,
  type ValueType,
} from './assembler.js';

/** Lanes of a vector: frames per batch. */
export const BATCH_FRAMES = 4;

/** Local variables by name: parameters first, then i32 locals, then v128 locals. */
function scope<P extends string, I extends string, V extends string>(
  params: readonly P[],
  ints: readonly I[],
  vectors: readonly V[],
): { at: Record<P | I | V, number>; locals: ValueType[] } {
  const at = {} as Record<P | I | V, number>;
  [...params, ...ints, ...vectors].forEach((name, index) => (at[name] = index));
  return { at, locals: [...ints.map(() => i32Type), ...vectors.map(() => v128Type)] as ValueType[] };
}

function framesFunction(n: number): FunctionDefinition {
  const { at, locals } = scope(['signal', 'hop', 'window', 'out'], ['end', 'hop2', 'hop3'], ['v']);
  const plane = 16 * n;
  /** Sample `offset` bytes into the four frames, as one vector. */
  const gather = (offset: number): Code => {
    let v = v128.load32Splat(get(at.signal), offset);
    v = v128.load32Lane(i32.add(get(at.signal), get(at.hop)), v, 1, offset);
    v = v128.load32Lane(i32.add(get(at.signal), get(at.hop2)), v, 2, offset);
    return v128.load32Lane(i32.add(get(at.signal), get(at.hop3)), v, 3, offset);
  };
  return {
    name: 'frames',
    params: [i32Type, i32Type, i32Type, i32Type],
    results: [],
    locals,
    body: [
      set(at.hop2, i32.shl(get(at.hop), i32.const(1))),
      set(at.hop3, i32.add(get(at.hop2), get(at.hop))),
      set(at.end, i32.add(get(at.out), i32.const(plane))),
      doWhile(
        [
          v128.store(get(at.out), f4.mul(gather(0), v128.load32Splat(get(at.window), 0))),
          v128.store(get(at.out), f4.mul(gather(4), v128.load32Splat(get(at.window), 4)), plane),
          advance(at.signal, i32.const(8)),
          advance(at.window, i32.const(8)),
          advance(at.out, i32.const(16)),
        ],
        i32.ltU(get(at.out), get(at.end)),
      ),
    ],
  };
}

/** The radix-4 stage lengths of an n-point transform (n, n/4, …, down to 4 or 8). */
export function radix4Lengths(n: number): number[] {
  const lengths: number[] = [];
  for (let length = n; length >= 4; length >>= 2) lengths.push(length);
  return lengths;
}

function fftFunction(n: number): FunctionDefinition {
  const { at, locals } = scope(
    ['x', 'y', 'twiddles'],
    ['ia', 'io', 'iaEnd', 'stop'],
    ['w1r', 'w1i', 'w2r', 'w2i', 'w3r', 'w3i', 'ar', 'ai', 'br', 'bi', 'cr', 'ci', 'dr', 'di',
      'apcR', 'apcI', 'amcR', 'amcI', 'bpdR', 'bpdI', 'bmdR', 'bmdI', 'ur', 'ui'],
  );
  const plane = 16 * n;
  const quarter = 4 * n; // n/4 vectors of 16 bytes
  const load = (offset: number): Code => v128.load(get(at.ia), offset);
  const store = (offset: number, value: Code): Code => v128.store(get(at.io), value, offset);
  const V = (name: keyof typeof at): Code => get(at[name]);
  /** Stores w·(ur + i·ui) at `offset` (real) and offset + plane (imaginary). */
  const storeRotated = (offset: number, wr: keyof typeof at, wi: keyof typeof at): Code[] => [
    store(offset, f4.sub(f4.mul(V(wr), V('ur')), f4.mul(V(wi), V('ui')))),
    store(offset + plane, f4.add(f4.mul(V(wr), V('ui')), f4.mul(V(wi), V('ur')))),
  ];

  // Stockham autosort (as in OTFFT's fft0): stage with length L and stride s = n/L reads
  // a, b, c, d = x[q + s(p + k·L/4)] and writes y[q + s(4p + k)], k = 0..3, for p < L/4, q < s.
  const body: Code[] = [];
  let [source, target] = [at.x, at.y];
  for (const length of radix4Lengths(n)) {
    const strideBytes = 16 * (n / length);
    const butterfly: Code[] = [
      set(at.ar, load(0)), set(at.ai, load(plane)),
      set(at.br, load(quarter)), set(at.bi, load(quarter + plane)),
      set(at.cr, load(2 * quarter)), set(at.ci, load(2 * quarter + plane)),
      set(at.dr, load(3 * quarter)), set(at.di, load(3 * quarter + plane)),
      set(at.apcR, f4.add(V('ar'), V('cr'))), set(at.apcI, f4.add(V('ai'), V('ci'))),
      set(at.amcR, f4.sub(V('ar'), V('cr'))), set(at.amcI, f4.sub(V('ai'), V('ci'))),
      set(at.bpdR, f4.add(V('br'), V('dr'))), set(at.bpdI, f4.add(V('bi'), V('di'))),
      set(at.bmdR, f4.sub(V('br'), V('dr'))), set(at.bmdI, f4.sub(V('bi'), V('di'))),
      store(0, f4.add(V('apcR'), V('bpdR'))),
      store(plane, f4.add(V('apcI'), V('bpdI'))),
      // y1 = w1·(amc − i·bmd)
      set(at.ur, f4.add(V('amcR'), V('bmdI'))), set(at.ui, f4.sub(V('amcI'), V('bmdR'))),
      ...storeRotated(strideBytes, 'w1r', 'w1i'),
      // y2 = w2·(apc − bpd)
      set(at.ur, f4.sub(V('apcR'), V('bpdR'))), set(at.ui, f4.sub(V('apcI'), V('bpdI'))),
      ...storeRotated(2 * strideBytes, 'w2r', 'w2i'),
      // y3 = w3·(amc + i·bmd)
      set(at.ur, f4.sub(V('amcR'), V('bmdI'))), set(at.ui, f4.add(V('amcI'), V('bmdR'))),
      ...storeRotated(3 * strideBytes, 'w3r', 'w3i'),
      advance(at.ia, i32.const(16)),
      advance(at.io, i32.const(16)),
    ];
    const twiddle = (local: keyof typeof at, offset: number): Code => set(at[local], v128.load32Splat(get(at.twiddles), offset));
    body.push(
      set(at.ia, get(source)),
      set(at.io, get(target)),
      set(at.stop, i32.add(get(source), i32.const(quarter))),
      doWhile(
        [
          twiddle('w1r', 0), twiddle('w1i', 4), twiddle('w2r', 8), twiddle('w2i', 12), twiddle('w3r', 16), twiddle('w3i', 20),
          advance(at.twiddles, i32.const(24)),
          set(at.iaEnd, i32.add(get(at.ia), i32.const(strideBytes))),
          doWhile(butterfly, i32.ltU(get(at.ia), get(at.iaEnd))),
          advance(at.io, i32.const(3 * strideBytes)),
        ],
        i32.ltU(get(at.ia), get(at.stop)),
      ),
    );
    [source, target] = [target, source];
  }
  if ((Math.log2(n) & 1) === 1) {
    // Length 2, stride n/2: y[q] = x[q] + x[q + n/2], y[q + n/2] = x[q] − x[q + n/2].
    const half = 8 * n;
    body.push(
      set(at.ia, get(source)),
      set(at.io, get(target)),
      set(at.stop, i32.add(get(source), i32.const(half))),
      doWhile(
        [
          set(at.ar, load(0)), set(at.ai, load(plane)), set(at.br, load(half)), set(at.bi, load(half + plane)),
          store(0, f4.add(V('ar'), V('br'))), store(plane, f4.add(V('ai'), V('bi'))),
          store(half, f4.sub(V('ar'), V('br'))), store(half + plane, f4.sub(V('ai'), V('bi'))),
          advance(at.ia, i32.const(16)),
          advance(at.io, i32.const(16)),
        ],
        i32.ltU(get(at.ia), get(at.stop)),
      ),
    );
    [source, target] = [target, source];
  }
  body.push(get(source));
  return { name: 'fft', params: [i32Type, i32Type, i32Type], results: [i32Type], locals, body };
}

/**
 * X_k of the real frames from the packed transform Z, given a = 2·Re E, b = 2·Im E, c = 2·Re O and
 * d = 2·Im O, where E = (Z_k + conj Z_{n−k}) / 2 and O = (Z_k − conj Z_{n−k}) / 2i: X_k = E + w·O
 * with w = e^{−πik/n} (wr, wi). Sets the `re` and `im` locals.
 */
function splitInto(
  at: Record<'a' | 'b' | 'c' | 'd' | 're' | 'im' | 'half', number>,
  wr: Code,
  wi: Code,
): Code[] {
  const V = (name: keyof typeof at): Code => get(at[name]);
  return [
    set(at.re, f4.mul(V('half'), f4.add(V('a'), f4.sub(f4.mul(wr, V('c')), f4.mul(wi, V('d')))))),
    set(at.im, f4.mul(V('half'), f4.add(V('b'), f4.add(f4.mul(wr, V('d')), f4.mul(wi, V('c')))))),
  ];
}

/** Sets a, b, c, d (see splitInto) from Z_k at `zk` and Z_{n−k} at `zm`, planes `plane` bytes apart. */
function evenOddParts(at: Record<'a' | 'b' | 'c' | 'd', number>, zk: Code, zm: Code, plane: number): Code[] {
  return [
    set(at.a, f4.add(v128.load(zk), v128.load(zm))),
    set(at.b, f4.sub(v128.load(zk, plane), v128.load(zm, plane))),
    set(at.c, f4.add(v128.load(zk, plane), v128.load(zm, plane))),
    set(at.d, f4.sub(v128.load(zm), v128.load(zk))),
  ];
}

const modulus = (re: Code, im: Code): Code => f4.sqrt(f4.add(f4.mul(re, re), f4.mul(im, im)));

function magnitudesFunction(n: number): FunctionDefinition {
  const { at, locals } = scope(
    ['z', 'twiddles', 'magnitude', 'power', 'lanes'],
    ['zk', 'zm', 'end'],
    ['a', 'b', 'c', 'd', 're', 'im', 'm', 'half'],
  );
  const plane = 16 * n;
  const rowBytes = 4 * (n + 1);
  const m = get(at.m);
  /**
   * m (|X|) as one vector at the lanes cursor, and its lanes and those of m² into the four rows at
   * the magnitude and power cursors.
   */
  const storeRows = (column: number): Code[] => [
    v128.store(get(at.lanes), m, 4 * column),
    ...[0, 1, 2, 3].map((lane) => v128.store32Lane(get(at.magnitude), m, lane, column + lane * rowBytes)),
    set(at.m, f4.mul(m, m)),
    ...[0, 1, 2, 3].map((lane) => v128.store32Lane(get(at.power), m, lane, column + lane * rowBytes)),
  ];
  return {
    name: 'magnitudes',
    params: [i32Type, i32Type, i32Type, i32Type, i32Type],
    results: [],
    locals,
    body: [
      set(at.half, f4.splat(0.5)),
      // X_0 = Re Z_0 + Im Z_0 and X_n = Re Z_0 − Im Z_0.
      set(at.a, v128.load(get(at.z), 0)),
      set(at.b, v128.load(get(at.z), plane)),
      set(at.m, f4.abs(f4.add(get(at.a), get(at.b)))),
      ...storeRows(0),
      set(at.m, f4.abs(f4.sub(get(at.a), get(at.b)))),
      ...storeRows(4 * n),
      set(at.zk, i32.add(get(at.z), i32.const(16))),
      set(at.zm, i32.add(get(at.z), i32.const(16 * (n - 1)))),
      set(at.end, i32.add(get(at.magnitude), i32.const(4 * n))),
      advance(at.twiddles, i32.const(8)),
      advance(at.magnitude, i32.const(4)),
      advance(at.power, i32.const(4)),
      advance(at.lanes, i32.const(16)),
      doWhile(
        [
          ...evenOddParts(at, get(at.zk), get(at.zm), plane),
          ...splitInto(at, v128.load32Splat(get(at.twiddles), 0), v128.load32Splat(get(at.twiddles), 4)),
          set(at.m, modulus(get(at.re), get(at.im))),
          ...storeRows(0),
          advance(at.zk, i32.const(16)),
          advance(at.zm, i32.const(-16)),
          advance(at.twiddles, i32.const(8)),
          advance(at.power, i32.const(4)),
          advance(at.lanes, i32.const(16)),
          advance(at.magnitude, i32.const(4)),
        ],
        i32.ltU(get(at.magnitude), get(at.end)),
      ),
    ],
  };
}

/**
 * bins: 16-byte records [byte offset of Z_k, of Z_{n−k} (indices mod n), w_r, w_i] for the DFT bins
 * the basis uses, formed into `spectrum` as (re, im) vector pairs (32 bytes per bin).
 * filters: 16-byte records [byte offset of the filter's first bin in `spectrum`, byte offsets in
 * `coefficients` of its first coefficient and past its last, byte offset of its column in a row of
 * `out`]; coefficients are (re, im) float32 pairs, already scaled.
 */
function cqtBinsFunction(n: number): FunctionDefinition {
  const { at, locals } = scope(
    ['z', 'bins', 'binsEnd', 'spectrum', 'filters', 'filtersEnd', 'coefficients', 'out', 'rowBytes'],
    ['cursor', 'coefficient', 'coefficientsEnd', 'row'],
    ['a', 'b', 'c', 'd', 're', 'im', 'half', 'xr', 'xi', 'wr', 'wi', 'sumRe', 'crossRe', 'sumIm', 'crossIm'],
  );
  const plane = 16 * n;
  const V = (name: keyof typeof at): Code => get(at[name]);
  const accumulate = (sum: keyof typeof at, w: keyof typeof at, x: keyof typeof at): Code =>
    set(at[sum], f4.add(V(sum), f4.mul(V(w), V(x))));
  return {
    name: 'cqtBins',
    params: [i32Type, i32Type, i32Type, i32Type, i32Type, i32Type, i32Type, i32Type, i32Type],
    results: [],
    locals,
    body: [
      set(at.half, f4.splat(0.5)),
      set(at.cursor, get(at.spectrum)),
      doWhile(
        [
          ...evenOddParts(
            at,
            i32.add(get(at.z), i32.load(get(at.bins), 0)),
            i32.add(get(at.z), i32.load(get(at.bins), 4)),
            plane,
          ),
          ...splitInto(at, v128.load32Splat(get(at.bins), 8), v128.load32Splat(get(at.bins), 12)),
          v128.store(get(at.cursor), V('re')),
          v128.store(get(at.cursor), V('im'), 16),
          advance(at.cursor, i32.const(32)),
          advance(at.bins, i32.const(16)),
        ],
        i32.ltU(get(at.bins), get(at.binsEnd)),
      ),
      doWhile(
        [
          set(at.cursor, i32.add(get(at.spectrum), i32.load(get(at.filters), 0))),
          set(at.coefficient, i32.add(get(at.coefficients), i32.load(get(at.filters), 4))),
          set(at.coefficientsEnd, i32.add(get(at.coefficients), i32.load(get(at.filters), 8))),
          set(at.sumRe, v128.zero()),
          set(at.crossRe, v128.zero()),
          set(at.sumIm, v128.zero()),
          set(at.crossIm, v128.zero()),
          // Real and imaginary sums each split in two, so the additions do not wait on each other.
          doWhile(
            [
              set(at.wr, v128.load32Splat(get(at.coefficient), 0)),
              set(at.wi, v128.load32Splat(get(at.coefficient), 4)),
              set(at.xr, v128.load(get(at.cursor), 0)),
              set(at.xi, v128.load(get(at.cursor), 16)),
              accumulate('sumRe', 'wr', 'xr'),
              accumulate('crossRe', 'wi', 'xi'),
              accumulate('sumIm', 'wr', 'xi'),
              accumulate('crossIm', 'wi', 'xr'),
              advance(at.coefficient, i32.const(8)),
              advance(at.cursor, i32.const(32)),
            ],
            i32.ltU(get(at.coefficient), get(at.coefficientsEnd)),
          ),
          set(at.re, modulus(f4.sub(V('sumRe'), V('crossRe')), f4.add(V('sumIm'), V('crossIm')))),
          set(at.row, i32.add(get(at.out), i32.load(get(at.filters), 12))),
          ...[0, 1, 2, 3].flatMap((lane) => [
            v128.store32Lane(get(at.row), V('re'), lane),
            advance(at.row, get(at.rowBytes)),
          ]),
          advance(at.filters, i32.const(16)),
        ],
        i32.ltU(get(at.filters), get(at.filtersEnd)),
      ),
    ],
  };
}

/** Smallest normal float32: librosa leaves frames whose total is below it unnormalised. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * Per frame of the four whose |X_k| (k = 0..n) `magnitudes` left as vectors at `lanes`: spectral
 * centroid, bandwidth (p = 2), rolloff and RMS, as librosa computes them from a magnitude
 * spectrogram (see core/dsp/spectral.ts), with float32 sums in bin order, so the rolloff's running
 * sum rounds exactly as numpy's float32 cumsum; and the largest |X_k|. `freqs` holds the n+1 bin
 * frequencies; the five results are stored as vectors at out, out+16, …, out+64.
 */
function frameStatisticsFunction(n: number): FunctionDefinition {
  const { at, locals } = scope(
    ['lanes', 'freqs', 'rollPercent', 'out'],
    ['cursor', 'freq', 'end'],
    ['s', 'fk', 'total', 'weighted', 'squares', 'peak', 'silent', 'centroid', 'threshold', 'moment', 'cumulative',
      'found', 'rolloff', 'crossed', 'd'],
  );
  const V = (name: keyof typeof at): Code => get(at[name]);
  const add = (local: keyof typeof at, value: Code): Code => set(at[local], f4.add(V(local), value));
  const overBins = (body: Code[]): Code[] => [
    set(at.cursor, get(at.lanes)),
    set(at.freq, get(at.freqs)),
    doWhile(
      [
        set(at.s, v128.load(get(at.cursor))),
        set(at.fk, v128.load32Splat(get(at.freq))),
        ...body,
        advance(at.cursor, i32.const(16)),
        advance(at.freq, i32.const(4)),
      ],
      i32.ltU(get(at.cursor), get(at.end)),
    ),
  ];
  /** x / total, or x itself where the frame is silent (librosa's normalisation skips tiny totals). */
  const normalised = (x: Code): Code => v128.bitselect(x, f4.div(x, V('total')), V('silent'));
  const halfSquare = (offset: number): Code => {
    const edge = v128.load(get(at.lanes), offset);
    return f4.mul(f4.splat(0.5), f4.mul(edge, edge));
  };
  return {
    name: 'frameStatistics',
    params: [i32Type, i32Type, f32Type, i32Type],
    results: [],
    locals,
    body: [
      set(at.end, i32.add(get(at.lanes), i32.const(16 * (n + 1)))),
      ...overBins([
        add('total', V('s')),
        add('weighted', f4.mul(V('s'), V('fk'))),
        add('squares', f4.mul(V('s'), V('s'))),
        set(at.peak, f4.max(V('peak'), V('s'))),
      ]),
      set(at.silent, f4.lt(V('total'), f4.splat(FLOAT32_TINY))),
      set(at.centroid, normalised(V('weighted'))),
      set(at.threshold, f4.mul(f4.splatScalar(get(at.rollPercent)), V('total'))),
      set(at.rolloff, v128.load32Splat(get(at.freqs), 4 * n)),
      ...overBins([
        set(at.d, f4.sub(V('fk'), V('centroid'))),
        add('moment', f4.mul(V('s'), f4.mul(V('d'), V('d')))),
        add('cumulative', V('s')),
        // The rolloff is the first bin whose running sum reaches the threshold (else the last bin).
        set(at.crossed, f4.ge(V('cumulative'), V('threshold'))),
        set(at.rolloff, v128.bitselect(V('fk'), V('rolloff'), v128.andNot(V('crossed'), V('found')))),
        set(at.found, v128.or(V('found'), V('crossed'))),
      ]),
      v128.store(get(at.out), V('centroid'), 0),
      v128.store(get(at.out), f4.sqrt(normalised(V('moment'))), 16),
      v128.store(get(at.out), V('rolloff'), 32),
      // RMS over the two-sided spectrum of 2n samples: the DC and Nyquist bins count half.
      v128.store(
        get(at.out),
        f4.sqrt(f4.mul(f4.sub(f4.sub(V('squares'), halfSquare(0)), halfSquare(16 * n)), f4.splat(2 / (4 * n * n)))),
        48,
      ),
      v128.store(get(at.out), V('peak'), 64),
    ],
  };
}

/** The kernels' module for n-point complex transforms (real frames of 2n samples). */
export function fftKernelModuleBytes(n: number): Uint8Array<ArrayBuffer> {
  if (n < 4 || (n & (n - 1)) !== 0) throw new Error(`fft kernels: n must be a power of two >= 4, got ${n}`);
  return assembleModule([framesFunction(n), fftFunction(n), magnitudesFunction(n), cqtBinsFunction(n), frameStatisticsFunction(n)]);
}
