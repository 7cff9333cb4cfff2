import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBytePatch, createBytePatch } from '../../core/tags/byte-patch.js';

/** A deterministic pseudo-random byte source (xorshift32), so failures reproduce. */
function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function roundTrip(source: Buffer, target: Buffer): Buffer {
  const patch = createBytePatch(source, target);
  assert.ok(applyBytePatch(source, patch).equals(target), 'patch rebuilds the target');
  const back = createBytePatch(target, source);
  assert.ok(applyBytePatch(target, back).equals(source), 'reverse patch rebuilds the source');
  return patch;
}

describe('byte patches (exact undo data for tag writes)', () => {
  const audio = randomBytes(200_000, 7);

  it('a grown or shrunk head tag (ID3v2, FLAC, Vorbis header) costs about the tag, not the file', () => {
    const before = Buffer.concat([Buffer.from('ID3 small tag'), audio]);
    const after = Buffer.concat([Buffer.from('ID3 a much larger tag with padding'), Buffer.alloc(1024), audio]);
    assert.ok(roundTrip(before, after).length < 1200);
    assert.ok(createBytePatch(after, before).length < 100);
  });

  it('a rewritten tail (MP4 moov at the end, ID3v1) costs about the tail', () => {
    const before = Buffer.concat([audio, Buffer.from('moov: genre Hip Hop')]);
    const after = Buffer.concat([audio, Buffer.from('moov: genre Electronic; Drum & Bass')]);
    assert.ok(roundTrip(before, after).length < 120);
  });

  it('a head change plus scattered rewrites after it (Ogg page numbers and CRCs, MP4 chunk offsets)', () => {
    const after = Buffer.concat([Buffer.from('new header, 24 bytes....'), audio]);
    const shiftedRegion = after.subarray(24);
    for (let page = 0; page < shiftedRegion.length; page += 4096) shiftedRegion.writeUInt32LE(page * 31 + 5, page + 18);
    const before = Buffer.concat([Buffer.from('old header'), audio]);
    const patch = roundTrip(before, after);
    assert.ok(patch.length < 49 * 12 + 200, `${patch.length} bytes for 49 small rewrites`);
  });

  it('a changed head size field plus a grown tail chunk (AIFF/WAV with a trailing ID3 chunk)', () => {
    const before = Buffer.concat([Buffer.from('FORM\x00\x01\x00\x00AIFF'), audio, Buffer.from('ID3 chunk: Hip Hop')]);
    const after = Buffer.concat([Buffer.from('FORM\x00\x01\x04\x00AIFF'), audio, Buffer.from('ID3 chunk: Electronic, Drum & Bass, padding')]);
    assert.ok(roundTrip(before, after).length < 200);
  });

  it('head and tail growing together (the audio moves; its new place is found)', () => {
    const before = Buffer.concat([Buffer.from('ID3v2 old'), audio, Buffer.from('APETAGEX old')]);
    const after = Buffer.concat([Buffer.from('ID3v2 new, longer'), audio, Buffer.from('APETAGEX new and much longer')]);
    assert.ok(roundTrip(before, after).length < 200);
  });

  it('head and tail changes together', () => {
    const before = Buffer.concat([Buffer.from('ID3v2 old'), audio, Buffer.from('TAG old genre'.padEnd(128))]);
    const after = Buffer.concat([Buffer.from('ID3v2 new and longer'), audio, Buffer.from('TAG new genre'.padEnd(128))]);
    assert.ok(roundTrip(before, after).length < 300);
  });

  it('is exact for arbitrary edits, including empty files', () => {
    roundTrip(Buffer.alloc(0), Buffer.alloc(0));
    roundTrip(Buffer.alloc(0), Buffer.from('x'));
    roundTrip(Buffer.from('abc'), Buffer.from('abc'));
    for (let seed = 1; seed <= 60; seed++) {
      const base = randomBytes(1000 + seed * 37, seed);
      const noise = randomBytes(64, seed + 1000);
      const cut = noise[0] * 3;
      const edited = Buffer.concat([base.subarray(0, cut), noise.subarray(0, noise[1] % 50), base.subarray(cut + (noise[2] % 40))]);
      for (let k = 0; k < noise[3] % 6; k++) edited[(noise[4 + k] * 7) % edited.length] ^= 0xff;
      roundTrip(base, edited);
    }
  });

  it('refuses a source it was not made for, and a damaged patch', () => {
    const before = Buffer.concat([Buffer.from('tag A'), audio]);
    const after = Buffer.concat([Buffer.from('tag BB'), audio]);
    const patch = createBytePatch(after, before);
    const otherSameLength = Buffer.from(after);
    otherSameLength[otherSameLength.length - 1] ^= 1;
    assert.throws(() => applyBytePatch(otherSameLength, patch), /result hash differs/);
    assert.throws(() => applyBytePatch(after.subarray(0, after.length - 10), patch), /does not fit|differs/);
    assert.throws(() => applyBytePatch(after, patch.subarray(0, patch.length - 5)), /truncated|trailing|differs/);
    assert.throws(() => applyBytePatch(after, Buffer.from('nope')), /not a Timbre byte patch/);
  });
});
