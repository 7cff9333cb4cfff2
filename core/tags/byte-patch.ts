import { createHash } from 'node:crypto';

/**
 * Exact byte patches between two versions of one file, used to undo and redo tag writes byte for byte
 * without keeping whole copies of audio files.
 *
 * A tag write changes a file in a few places: the tag region (at the start for ID3v2, FLAC and Ogg
 * headers, or at the end for MP4 `moov` and ID3v1), which may grow or shrink and so shift what follows,
 * plus scattered small rewrites after it (Ogg page sequence numbers and CRCs, MP4 chunk offsets). So the
 * patch describes the target as: the common prefix, a literal run, then the source shifted by a fixed
 * amount with the differing bytes ("hunks") listed. Whatever the change, applying the patch gives the
 * target exactly (checked by its SHA-256); an unlucky change only makes the patch bigger.
 *
 * Layout: "TBP1", varints targetLength, prefixLength, literalLength, literal bytes, zigzag varint shift,
 * hunkCount, then per hunk: gap since the previous hunk's end, length, bytes; finally the target's
 * 32-byte SHA-256.
 */

const MAGIC = Buffer.from('TBP1', 'latin1');
/** Bytes compared at once before falling back to a byte scan. */
const CHUNK = 4096;
/** Mismatch runs closer than this are stored as one hunk (a hunk header costs about as much). */
const MERGE_GAP = 8;

/** Builds the patch that turns `source` into `target`. */
export function createBytePatch(source: Uint8Array, target: Uint8Array): Buffer {
  const src = asBuffer(source);
  const tgt = asBuffer(target);
  const prefix = commonPrefixLength(src, tgt);
  const shift = src.length - tgt.length;
  const alignedStart = Math.max(prefix, prefix - shift);
  const hunks = differingRuns(tgt, src, alignedStart, shift);

  const parts: Buffer[] = [MAGIC, varint(tgt.length), varint(prefix), varint(alignedStart - prefix)];
  parts.push(tgt.subarray(prefix, alignedStart), varint(zigzag(shift)), varint(hunks.length));
  let previousEnd = alignedStart;
  for (const [start, end] of hunks) {
    parts.push(varint(start - previousEnd), varint(end - start), tgt.subarray(start, end));
    previousEnd = end;
  }
  parts.push(sha256(tgt));
  return Buffer.concat(parts);
}

/** Applies a patch made by createBytePatch to the same source; throws if the result is not the target. */
export function applyBytePatch(source: Uint8Array, patch: Uint8Array): Buffer {
  const src = asBuffer(source);
  const reader = new PatchReader(asBuffer(patch));
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not a Timbre byte patch');
  const targetLength = reader.varint();
  const prefix = reader.varint();
  const literal = reader.bytes(reader.varint());
  const shift = unzigzag(reader.varint());
  const alignedStart = prefix + literal.length;
  // The shift is the length difference, so a patch made for a different source length is refused here.
  if (targetLength + shift !== src.length || prefix > src.length || alignedStart > targetLength || alignedStart + shift < 0) {
    throw new Error('byte patch does not fit this file');
  }
  const target = Buffer.allocUnsafe(targetLength);
  src.copy(target, 0, 0, prefix);
  literal.copy(target, prefix);
  src.copy(target, alignedStart, alignedStart + shift, targetLength + shift);
  let position = alignedStart;
  for (let count = reader.varint(); count > 0; count--) {
    position += reader.varint();
    const bytes = reader.bytes(reader.varint());
    if (position + bytes.length > targetLength) throw new Error('byte patch hunk runs past the end of the file');
    bytes.copy(target, position);
    position += bytes.length;
  }
  const expected = reader.bytes(32);
  if (!reader.atEnd()) throw new Error('byte patch has trailing data');
  if (!sha256(target).equals(expected)) throw new Error('byte patch does not apply to this file (result hash differs)');
  return target;
}

function commonPrefixLength(a: Buffer, b: Buffer): number {
  const limit = Math.min(a.length, b.length);
  let at = 0;
  while (at + CHUNK <= limit && a.subarray(at, at + CHUNK).equals(b.subarray(at, at + CHUNK))) at += CHUNK;
  while (at < limit && a[at] === b[at]) at++;
  return at;
}

/** Half-open [start, end) runs of target positions j ≥ from where target[j] ≠ source[j + shift]. */
function differingRuns(target: Buffer, source: Buffer, from: number, shift: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const add = (start: number, end: number) => {
    const last = runs.at(-1);
    if (last && start - last[1] < MERGE_GAP) last[1] = end;
    else runs.push([start, end]);
  };
  for (let chunkStart = from; chunkStart < target.length; chunkStart += CHUNK) {
    const chunkEnd = Math.min(chunkStart + CHUNK, target.length);
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
