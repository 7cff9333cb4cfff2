import path from 'node:path';
import { parseArgs } from 'node:util';
import { findTrackByFile, openLibrarySimilarity } from '../../similarity/library-db.js';
import type { LibrarySimilarity } from '../../similarity/library.js';
import { writeM3u8File } from '../../similarity/m3u.js';

export const summary = 'playlist FILE... [-n N | --minutes M] [--db FILE] [--m3u OUT]: a smooth "sounds like this" playlist';

const USAGE = `usage: timbre playlist FILE... [-n N | --minutes M] [--db FILE] [--m3u OUT [--absolute]]
                       [--max-per-artist N] [--max-per-album N] [--genre G]... [--exclude-genre G]...
                       [--more FILE]... [--less FILE]... [--json]

Seeds (FILE...) are library tracks; the playlist starts at the first. Length: N tracks (default 20)
or M minutes, seeds included. At most 2 tracks per artist unless --max-per-artist says otherwise.
--more/--less steer towards / away from other library tracks. Ordered for smooth tempo and timbre
transitions. --m3u writes an M3U8 file (paths relative to it, or --absolute).`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      n: { type: 'string', short: 'n' },
      minutes: { type: 'string' },
      m3u: { type: 'string' },
      absolute: { type: 'boolean', default: false },
      'max-per-artist': { type: 'string', default: '2' },
      'max-per-album': { type: 'string' },
      genre: { type: 'string', multiple: true, default: [] },
      'exclude-genre': { type: 'string', multiple: true, default: [] },
      more: { type: 'string', multiple: true, default: [] },
      less: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const count = optionalPositiveNumber('-n', values.n, true);
  const minutes = optionalPositiveNumber('--minutes', values.minutes, false);
  const maxPerArtist = optionalPositiveNumber('--max-per-artist', values['max-per-artist'], true);
  const maxPerAlbum = optionalPositiveNumber('--max-per-album', values['max-per-album'], true);
  if (count !== undefined && minutes !== undefined) throw new Error('give -n or --minutes, not both');

  const { similarity, close } = openLibrarySimilarity(values.db);
  try {
    const ids = (files: string[]) => files.map((file) => trackId(similarity, file));
    const { tracks, playlist } = similarity.playlist({
      seeds: ids(positionals),
      count,
      durationSec: minutes === undefined ? undefined : minutes * 60,
      maxPerArtist,
      maxPerAlbum,
      includeGenres: values.genre,
      excludeGenres: values['exclude-genre'],
      moreLike: ids(values.more),
      lessLike: ids(values.less),
    });
    if (values.m3u) {
      await writeM3u8File(
        values.m3u,
        tracks.map((track) => ({ path: track.path, durationSec: track.durationSec, artist: track.artist, title: track.title })),
        values.absolute ? 'absolute' : 'relative',
      );
      console.error(`playlist: wrote ${tracks.length} tracks to ${path.resolve(values.m3u)}`);
    }
    if (values.json) {
      const rows = tracks.map((track, i) => ({ file: track.path, score: Math.round(playlist.scores[i] * 1e4) / 1e4, tempoBpm: track.tempoBpm ?? null }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else if (!values.m3u) {
      tracks.forEach((track, i) => {
        const name = [track.artist, track.title].filter(Boolean).join(' – ') || track.path;
        const tempo = track.tempoBpm ? `${Math.round(track.tempoBpm)} BPM` : '';
        console.log(`${String(i + 1).padStart(3)}. ${tempo.padStart(7)}  ${name}`);
      });
    }
    return 0;
  } finally {
    close();
  }
}

function trackId(similarity: LibrarySimilarity, file: string): number {
  const track = findTrackByFile(similarity.tracks, file);
  if (!track) throw new Error(`${file} is not an analysed track of the library (scan its folder first)`);
  return track.id;
}

function optionalPositiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0) || (integer && !Number.isInteger(number))) throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  return number;
}
