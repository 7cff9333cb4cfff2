import { open } from 'node:fs/promises';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import type { TrackTags } from '../db/repos/tracks.js';

/**
 * Reads a file's tags and stream properties with music-metadata. The fast pass skips the frame-by-frame
 * duration scan, because the analysis windows need only a duration: Ogg files take it from their last
 * page, and only files whose headers do not state it (e.g. MP3 without a Xing header) get the slower
 * full second pass.
 */
export async function readTags(path: string): Promise<TrackTags> {
  const metadata = await parseFile(path, { duration: false, skipCovers: true });
  if (metadata.format.duration) return tagsFromMetadata(metadata);
  if (metadata.format.container === 'Ogg') {
    const duration = await oggDurationSeconds(path, metadata.format.codec === 'Opus' ? 48000 : metadata.format.sampleRate);
    if (duration) return { ...tagsFromMetadata(metadata), durationSec: duration };
  }
  return tagsFromMetadata(await parseFile(path, { duration: true, skipCovers: true }));
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
