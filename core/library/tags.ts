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

/** Genre tags often pack several values into one field ("Rock; Pop"); "/" is left alone, as in "R&B/Soul". */
function splitGenres(values: string[]): string[] {
  const genres = values.flatMap((value) => value.split(/\s*[;|\0]\s*/)).map((genre) => genre.trim());
  return [...new Set(genres.filter(Boolean))];
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.replace(/\0/g, '').trim();
  return trimmed ? trimmed : null;
}

function positive(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
