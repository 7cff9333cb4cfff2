import { parseFile, type IAudioMetadata } from 'music-metadata';
import type { TrackTags } from '../db/repos/tracks.js';

/**
 * Reads a file's tags and stream properties with music-metadata. The fast pass skips the frame-by-frame
 * duration scan; only files whose header does not state a duration (e.g. MP3 without a Xing header)
 * get the slower second pass, because the analysis windows depend on the duration.
 */
export async function readTags(path: string): Promise<TrackTags> {
  let metadata = await parseFile(path, { duration: false, skipCovers: true });
  if (!metadata.format.duration) metadata = await parseFile(path, { duration: true, skipCovers: true });
  return tagsFromMetadata(metadata);
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
