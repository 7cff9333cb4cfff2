/**
 * An audio fingerprint of a track, computed from the mel preview every analysed track already stores
 * (64 mel bands, about 14 frames a second, over the 30-s analysis excerpt): no extra decoding. Each
 * frame gives one 32-bit code, a bit per pair of neighbouring band groups: whether their energy
 * difference grew since the previous frame (Haitsma & Kalker's scheme). Two encodings of one recording
 * give nearly the same codes; different recordings disagree on about half the bits.
 */

/** What the fingerprint reads: the stored mel preview (quantised dB, frames × bands, time-major). */
export interface PreviewLike {
  data: Uint8Array;
  bands: number;
  frames: number;
}

const CODE_BITS = 32;

/** One 32-bit code per frame after the first. */
export function melFingerprint({ data, bands, frames }: PreviewLike): Uint32Array {
  const groups = CODE_BITS + 1;
  const energy = new Float32Array(frames * groups);
  for (let frame = 0; frame < frames; frame++) {
    for (let group = 0; group < groups; group++) {
      const first = Math.floor((group * bands) / groups);
      const last = Math.max(first + 1, Math.floor(((group + 1) * bands) / groups));
      let sum = 0;
      for (let band = first; band < last; band++) sum += data[frame * bands + band];
      energy[frame * groups + group] = sum / (last - first);
    }
  }
  const codes = new Uint32Array(Math.max(0, frames - 1));
  for (let frame = 1; frame < frames; frame++) {
    let code = 0;
    for (let bit = 0; bit < CODE_BITS; bit++) {
      const now = energy[frame * groups + bit] - energy[frame * groups + bit + 1];
      const before = energy[(frame - 1) * groups + bit] - energy[(frame - 1) * groups + bit + 1];
      if (now - before > 0) code |= 1 << bit;
    }
    codes[frame - 1] = code >>> 0;
  }
  return codes;
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The share of bits on which two fingerprints disagree, at the best alignment within `maxShift` frames
 * either way (encoders add a little delay). 0 for identical audio, about 0.5 for unrelated; 1 when they
 * overlap too little to compare.
 */
export function fingerprintDistance(a: Uint32Array, b: Uint32Array, maxShift = 3): number {
  let best = 1;
  for (let shift = -maxShift; shift <= maxShift; shift++) {
    const start = Math.max(0, -shift);
    const end = Math.min(a.length, b.length - shift);
    const overlap = end - start;
    if (overlap < Math.min(a.length, b.length) * 0.8 || overlap <= 0) continue;
    let differing = 0;
    for (let i = start; i < end; i++) differing += popcount(a[i] ^ b[i + shift]);
    best = Math.min(best, differing / (overlap * CODE_BITS));
  }
  return best;
}

/** Whether a fingerprint carries enough change to tell recordings apart (a steady tone or silence does not). */
export function informativeShare(codes: Uint32Array): number {
  if (codes.length === 0) return 0;
  let set = 0;
  for (const code of codes) set += popcount(code);
  return set / (codes.length * CODE_BITS);
}
