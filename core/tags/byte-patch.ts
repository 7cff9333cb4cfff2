import { createHash } from 'node:crypto';

/**
 * Exact byte patches between two versions of one file, used to undo and redo tag writes byte for byte
 * without keeping whole copies of audio files.
 *
 * A tag write changes a file in a few places: tag regions at the start (ID3v2, FLAC and Ogg headers,
 * AIFF/WAV chunk sizes) and at the end (MP4 `moov` after the audio, ID3v1, AIFF ID3 chunks), which may
 * grow or shrink and so move the audio between them, plus scattered small rewrites (Ogg page numbers
 * and CRCs, MP4 chunk offsets). So the patch describes the target as: the common prefix; a literal run;
 * a run copied from the source at one fixed shift, with the differing bytes listed ("hunks"); a
 * trailing literal run. The shift is the one (start-aligned, end-aligned, or where a sample of the
 * middle is found in the source) that gives the smallest patch. Applying a patch gives the target
 * exactly, checked by its SHA-256; an unusual change only makes the patch bigger.
 *
 * Layout: "TBP1", varints targetLength, prefixLength, headLiteralLength, head literal bytes, zigzag
 * varint shift, hunkCount, per hunk: gap since the previous hunk's end, length, bytes; tailLiteralLength,
 * tail literal bytes; finally the target's 32-byte SHA-256.
 */

const MAGIC = Buffer.from('TBP1', 'latin1');
/** Bytes compared at once before falling back to a byte scan. */
const CHUNK = 4096;
/** Mismatch runs closer than this are stored as one hunk (a hunk header costs about as much). */
const MERGE_GAP = 8;
/** Length of the target samples looked up in the source to find where moved audio went. */
const PROBE = 64;

interface Alignment {
  /** target[j] = source[j + shift] for j in [copyStart, copyEnd), except at the hunks. */
  shift: number;
  copyStart: number;
  copyEnd: number;
  hunks: Array<[number, number]>;
  cost: number;
}

/** Builds the patch that turns `source` into `target`. */
export function createBytePatch(source: Uint8Array, target: Uint8Array): Buffer {
  const src = asBuffer(source);
  const tgt = asBuffer(target);
  const prefix = commonPrefixLength(src, tgt);
  let best: Alignment | null = null;
  for (const shift of candidateShifts(src, tgt, prefix)) {
    const alignment = align(src, tgt, prefix, shift);
    if (!best || alignment.cost < best.cost) best = alignment;
  }
  const { shift, copyStart, copyEnd, hunks } = best ?? align(src, tgt, prefix, 0);

  const parts: Buffer[] = [MAGIC, varint(tgt.length), varint(prefix), varint(copyStart - prefix), tgt.subarray(prefix, copyStart)];
  parts.push(varint(zigzag(shift)), varint(hunks.length));
  let previousEnd = copyStart;
  for (const [start, end] of hunks) {
    parts.push(varint(start - previousEnd), varint(end - start), tgt.subarray(start, end));
    previousEnd = end;
  }
  parts.push(varint(tgt.length - copyEnd), tgt.subarray(copyEnd), sha256(tgt));
  return Buffer.concat(parts);
}

/** Applies a patch made by createBytePatch to the same source; throws if the result is not the target. */
export function applyBytePatch(source: Uint8Array, patch: Uint8Array): Buffer {
  const src = asBuffer(source);
  const reader = new PatchReader(asBuffer(patch));
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not a Timbre byte patch');
  const targetLength = reader.varint();
  const prefix = reader.varint();
  const headLiteral = reader.bytes(reader.varint());
  const shift = unzigzag(reader.varint());
  const copyStart = prefix + headLiteral.length;
  const hunkCount = reader.varint();
  const target = Buffer.allocUnsafe(targetLength);
  if (prefix > src.length || copyStart > targetLength) throw new Error('byte patch does not fit this file');
  src.copy(target, 0, 0, prefix);
  headLiteral.copy(target, prefix);
  const hunks: Array<[number, Buffer]> = [];
  let position = copyStart;
  for (let count = hunkCount; count > 0; count--) {
    position += reader.varint();
    const bytes = reader.bytes(reader.varint());
    hunks.push([position, bytes]);
    position += bytes.length;
  }
  const tailLiteral = reader.bytes(reader.varint());
  const copyEnd = targetLength - tailLiteral.length;
  if (copyEnd < copyStart || position > copyEnd || copyStart + shift < 0 || copyEnd + shift > src.length) {
    throw new Error('byte patch does not fit this file');
  }
  src.copy(target, copyStart, copyStart + shift, copyEnd + shift);
  for (const [at, bytes] of hunks) bytes.copy(target, at);
  tailLiteral.copy(target, copyEnd);
  const expected = reader.bytes(32);
  if (!reader.atEnd()) throw new Error('byte patch has trailing data');
  if (!sha256(target).equals(expected)) throw new Error('byte patch does not apply to this file (result hash differs)');
  return target;
}

/** Start-aligned, end-aligned, and the shifts at which samples of the target's middle occur in the source. */
function candidateShifts(src: Buffer, tgt: Buffer, prefix: number): number[] {
  const shifts = new Set([0, src.length - tgt.length]);
  for (const fraction of [0.25, 0.5, 0.75]) {
    const at = prefix + Math.floor((tgt.length - prefix - PROBE) * fraction);
    if (at < prefix || at + PROBE > tgt.length) continue;
    const found = src.indexOf(tgt.subarray(at, at + PROBE));
    if (found >= 0) shifts.add(found - at);
  }
  return [...shifts];
}

function align(src: Buffer, tgt: Buffer, prefix: number, shift: number): Alignment {
  const copyStart = Math.min(tgt.length, Math.max(prefix, -shift));
  const copyEnd = Math.max(copyStart, Math.min(tgt.length, src.length - shift));
  const hunks = differingRuns(tgt, src, copyStart, copyEnd, shift);
  const hunkBytes = hunks.reduce((sum, [start, end]) => sum + end - start + 4, 0);
  return { shift, copyStart, copyEnd, hunks, cost: copyStart - prefix + (tgt.length - copyEnd) + hunkBytes };
}

function commonPrefixLength(a: Buffer, b: Buffer): number {
  const limit = Math.min(a.length, b.length);
  let at = 0;
  while (at + CHUNK <= limit && a.subarray(at, at + CHUNK).equals(b.subarray(at, at + CHUNK))) at += CHUNK;
  while (at < limit && a[at] === b[at]) at++;
  return at;
}

/** Half-open [start, end) runs of target positions j in [from, to) where target[j] ≠ source[j + shift]. */
function differingRuns(target: Buffer, source: Buffer, from: number, to: number, shift: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const add = (start: number, end: number) => {
    const last = runs.at(-1);
    if (last && start - last[1] < MERGE_GAP) last[1] = end;
    else runs.push([start, end]);
  };
  for (let chunkStart = from; chunkStart < to; chunkStart += CHUNK) {
    const chunkEnd = Math.min(chunkStart + CHUNK, to);
    if (target.subarray(chunkStart, chunkEnd).equals(source.subarray(chunkStart + shift, chunkEnd + shift))) continue;
    let runStart = -1;
    for (let j = chunkStart; j < chunkEnd; j++) {
      const differs = target[j] !== source[j + shift];
      if (differs && runStart < 0) runStart = j;
      else if (!differs && runStart >= 0) {
        add(runStart, j);
        runStart = -1;
      }
    }
    if (runStart >= 0) add(runStart, chunkEnd);
  }
  return runs;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function zigzag(value: number): number {
  return value < 0 ? -2 * value - 1 : 2 * value;
}

function unzigzag(value: number): number {
  return value % 2 === 1 ? -(value + 1) / 2 : value / 2;
}

/** LEB128 for non-negative integers up to 2^53 (file offsets). */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

class PatchReader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.data.length) throw new Error('byte patch is truncated');
      const byte = this.data[this.offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('byte patch has an oversized number');
    }
  }

  bytes(length: number): Buffer {
    if (this.offset + length > this.data.length) throw new Error('byte patch is truncated');
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  atEnd(): boolean {
    return this.offset === this.data.length;
  }
}
