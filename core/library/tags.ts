import { open } from 'node:fs/promises';
import { parseFile, type IAudioMetadata, type IPicture } from 'music-metadata';
import type { TrackTags } from '../db/repos/tracks.js';

/**
 * Reads a file's tags and stream properties with music-metadata. The fast pass skips the frame-by-frame
 * duration scan, because the analysis windows need only a duration: Ogg files take it from their last
 * page, and only files whose headers do not state it (e.g. MP3 without a Xing header) get the slower
 * full second pass.
 */
export async function readTags(path: string): Promise<TrackTags> {
  return (await readTagsAndPicture(path, { pictures: false })).tags;
}

/** readTags, and the file's front cover (else its first embedded picture) when `pictures` is set. */
export async function readTagsAndPicture(path: string, { pictures = true } = {}): Promise<{ tags: TrackTags; picture: IPicture | null }> {
  const problem = await id3v2Problem(path);
  if (problem) throw new TagLimitError(`${path}: ${problem}; its tags are not read`);
  const skipCovers = !pictures;
  const metadata = await parseFile(path, { duration: false, skipCovers });
  const picture = coverOf(metadata.common.picture);
  if (metadata.format.duration) return { tags: tagsFromMetadata(metadata), picture };
  if (metadata.format.container === 'Ogg') {
    const duration = await oggDurationSeconds(path, metadata.format.codec === 'Opus' ? 48000 : metadata.format.sampleRate);
    if (duration) return { tags: { ...tagsFromMetadata(metadata), durationSec: duration }, picture };
  }
  return { tags: tagsFromMetadata(await parseFile(path, { duration: true, skipCovers: true })), picture };
}

function coverOf(pictures: IPicture[] | undefined): IPicture | null {
  if (!pictures?.length) return null;
  return pictures.find((picture) => /front|cover/i.test(picture.type ?? '')) ?? pictures[0];
}

/**
 * Bounds on the ID3v2 tag read from one file. music-metadata's time grows faster than the frame count
 * (20,000 frames take seconds; 250,000 took minutes), and a real tag has a few dozen frames, plus
 * pictures of a few MB; a tag past either bound is not parsed, so one file cannot stall its batch.
 */
export const MAX_TAG_FRAMES = 4096;
export const MAX_TAG_BYTES = 64 << 20;

export class TagLimitError extends Error {
  override readonly name = 'TagLimitError';
}

/** Why a file's ID3v2 tag is beyond MAX_TAG_FRAMES or MAX_TAG_BYTES; null when it is not (or there is none). */
export async function id3v2Problem(path: string): Promise<string | null> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(10);
    const { bytesRead } = await file.read(header, 0, 10, 0);
    if (bytesRead < 10 || header.toString('latin1', 0, 3) !== 'ID3') return null;
    const version = header[3];
    const size = synchsafe(header, 6);
    if (size > MAX_TAG_BYTES) return `its ID3v2 tag is ${(size / (1 << 20)).toFixed(0)} MiB, over the ${MAX_TAG_BYTES >> 20} MiB Timbre reads`;
    if (version !== 3 && version !== 4) return null;
    const tag = Buffer.alloc(size);
    const read = (await file.read(tag, 0, size, 10)).bytesRead;
    const frameSize = (at: number) => (version === 4 ? synchsafe(tag, at) : tag.readUInt32BE(at));
    // An extended header comes first: its size is stored the same way as a frame's.
    let at = header[5] & 0x40 && read >= 4 ? (version === 4 ? synchsafe(tag, 0) : tag.readUInt32BE(0) + 4) : 0;
    let frames = 0;
    while (at + 10 <= read && tag[at] !== 0) {
      if (++frames > MAX_TAG_FRAMES) return `its ID3v2 tag has over ${MAX_TAG_FRAMES} frames`;
      at += 10 + frameSize(at + 4);
    }
    return null;
  } finally {
    await file.close();
  }
}

function synchsafe(bytes: Buffer, at: number): number {
  return ((bytes[at] & 0x7f) << 21) | ((bytes[at + 1] & 0x7f) << 14) | ((bytes[at + 2] & 0x7f) << 7) | (bytes[at + 3] & 0x7f);
}

const OGG_TAIL_BYTES = 64 * 1024;

/**
 * An Ogg stream's duration from the granule position of its last page (read from the file's tail):
 * samples at the codec's granule rate, which is 48 kHz for Opus (its pre-skip of a few ms is ignored).
 * null when no page with a position is found (chained or damaged streams take the full pass).
 */
export async function oggDurationSeconds(path: string, granuleRate: number | undefined): Promise<number | null> {
  if (!granuleRate) return null;
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const length = Math.min(OGG_TAIL_BYTES, size);
    const tail = Buffer.alloc(length);
    await file.read(tail, 0, length, size - length);
    for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
      if (at + 14 > tail.length || tail[at + 4] !== 0) continue; // Not a page header (version 0).
      const granule = tail.readBigInt64LE(at + 6);
      if (granule > 0n) return Number(granule) / granuleRate;
    }
    return null;
  } finally {
    await file.close();
  }
}

export function tagsFromMetadata({ common, format }: IAudioMetadata): TrackTags {
  return {
    title: clean(common.title),
    artist: clean(common.artist) ?? clean(common.albumartist),
    album: clean(common.album),
    year: common.year && Number.isFinite(common.year) ? common.year : null,
    albumArtist: clean(common.albumartist),
    trackNo: common.track?.no ?? null,
    discNo: common.disk?.no ?? null,
    genres: splitGenres(common.genre ?? []),
    durationSec: positive(format.duration),
    bitrate: positive(format.bitrate),
    sampleRate: positive(format.sampleRate),
  };
}

/**
 * The most genres kept from one file's tags: a real track names a handful, and a tag stuffed with
 * 100,000 would otherwise become as many rows of the library.
 */
export const MAX_GENRES_PER_TRACK = 64;
/** The longest genre name kept from a tag; longer values are cut. */
const MAX_TAG_GENRE_LENGTH = 200;

/** Genre tags often pack several values into one field ("Rock; Pop"); "/" is left alone, as in "R&B/Soul". */
function splitGenres(values: string[]): string[] {
  const genres = new Set<string>();
  for (const value of values) {
    for (const part of value.split(/\s*[;|\0]\s*/)) {
      const genre = part.trim().slice(0, MAX_TAG_GENRE_LENGTH);
      if (genre) genres.add(genre);
      if (genres.size >= MAX_GENRES_PER_TRACK) return [...genres];
    }
  }
  return [...genres];
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.replace(/\0/g, '').trim();
  return trimmed ? trimmed : null;
}

function positive(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
