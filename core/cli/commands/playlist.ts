import { statSync } from 'node:fs';
import type { Db } from '../../db/open.js';
import { TracksRepo } from '../../db/repos/tracks.js';
import { findTrackByFile, openLibraryDatabase, openLibrarySimilarity } from '../../similarity/library-db.js';
import type { LibrarySimilarity } from '../../similarity/library.js';
import { SimilarityService } from '../../similarity/service.js';
import type { PathStyle } from '../../similarity/types.js';
import { defineCommand, integerOption, positiveNumberOption, UsageError } from '../command.js';
import { libraryPath } from './options.js';

export const summary =
  'playlist FILE... [-n N | --minutes M] [--db FILE] [--m3u OUT] [--save NAME]: a smooth "sounds like this" playlist; --list, --show ID, --import FILE for saved ones';

const USAGE = `usage: timbre playlist FILE... [-n N | --minutes M] [--db FILE] [--m3u OUT [--absolute]] [--save NAME]
                       [--max-per-artist N] [--max-per-album N] [--genre G]... [--exclude-genre G]...
                       [--more FILE]... [--less FILE]... [--json]
       timbre playlist --list [--db FILE] [--json]
       timbre playlist --show ID [--db FILE] [--m3u OUT [--absolute]] [--json]
       timbre playlist --import FILE.m3u8 [--save NAME] [--db FILE] [--json]

Seeds (FILE...) are library tracks; the playlist starts at the first. Length: N tracks (default 20)
or M minutes, seeds included. At most 2 tracks per artist unless --max-per-artist says otherwise.
--more/--less steer towards / away from other library tracks. Ordered for smooth tempo and timbre
transitions. --m3u writes an M3U8 file (paths relative to it, or --absolute). --save NAME keeps the
playlist (and how it was made) in the library; the app can edit and regenerate it.
--list prints the saved playlists, --show ID one of them (or exports it with --m3u), --import reads an
M3U/M3U8 file into a saved playlist (named after the file unless --save) and reports the entries that
are not library tracks.`;

const spec = {
  name: 'playlist',
  usage: USAGE,
  options: {
    db: { type: 'string' },
    n: { type: 'string', short: 'n' },
    minutes: { type: 'string' },
    m3u: { type: 'string' },
    absolute: { type: 'boolean', default: false },
    save: { type: 'string' },
    list: { type: 'boolean', default: false },
    show: { type: 'string' },
    import: { type: 'string' },
    'max-per-artist': { type: 'string', default: '2' },
    'max-per-album': { type: 'string' },
    genre: { type: 'string', multiple: true },
    'exclude-genre': { type: 'string', multiple: true },
    more: { type: 'string', multiple: true },
    less: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
  positionals: { name: 'FILE' },
} as const;

export const run = defineCommand(spec, async ({ values, positionals }) => {
  const savedModes = [values.list, values.show !== undefined, values.import !== undefined].filter(Boolean).length;
  if (savedModes > 1) throw new UsageError('give one of --list, --show and --import');
  if (savedModes === 1 && positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (savedModes === 0 && positionals.length === 0) throw new UsageError('missing FILE (a seed track)');
  const style: PathStyle = values.absolute ? 'absolute' : 'relative';
  const library = () => libraryPath(values.db, { mustExist: true });
  if (values.list) return withService(openLibraryDatabase(library()), (service) => listSaved(service, values.json));
  if (values.m3u !== undefined) notAFolder(values.m3u);
  if (values.show !== undefined) {
    const id = integerOption(values.show, '--show');
    return withService(openLibraryDatabase(library()), (service, db) => showSaved(service, new TracksRepo(db), id, { m3u: values.m3u, style, json: values.json }));
  }
  if (values.import !== undefined) {
    const file = values.import;
    return withService(openLibraryDatabase(library()), (service) => importFile(service, file, values.save, values.json));
  }

  const count = integerOption(values.n, '-n');
  const minutes = positiveNumberOption(values.minutes, '--minutes');
  const maxPerArtist = integerOption(values['max-per-artist'], '--max-per-artist');
  const maxPerAlbum = integerOption(values['max-per-album'], '--max-per-album');
  if (count !== undefined && minutes !== undefined) throw new UsageError('give -n or --minutes, not both');

  const { similarity, db, close } = openLibrarySimilarity(library());
  const service = new SimilarityService({ db });
  try {
    const ids = (files: string[]) => files.map((file) => trackId(similarity, file));
    const generated = similarity.generate({
      seeds: ids(positionals),
      count,
      durationSec: minutes === undefined ? undefined : minutes * 60,
      maxPerArtist,
      maxPerAlbum,
      includeGenres: values.genre ?? [],
      excludeGenres: values['exclude-genre'] ?? [],
      moreLike: ids(values.more ?? []),
      lessLike: ids(values.less ?? []),
    });
    const made = generated.trackIds.length;
    if (count !== undefined && made < count) console.error(`playlist: ${made} of the ${count} tracks asked: no more analysed library tracks fit the filters`);
    else if (made <= positionals.length) console.error('playlist: only the seeds: no other analysed library track fits the filters');
    const byId = new Map(similarity.tracks.map((track) => [track.id, track]));
    const tracks = generated.trackIds.map((id) => byId.get(id)!);
    if (values.save !== undefined) {
      const saved = service.savePlaylist({ name: values.save, trackIds: generated.trackIds, request: generated.request });
      console.error(`playlist: saved '${saved.name}' as #${saved.id} (${saved.trackCount} tracks)`);
    }
    if (values.m3u) {
      const written = await service.exportTracks(generated.trackIds, { path: values.m3u, style });
      console.error(`playlist: wrote ${written.tracks} tracks to ${written.path}`);
    }
    if (values.json) {
      const rows = tracks.map((track, i) => ({ file: track.path, score: round(generated.entries[i].score), tempoBpm: track.tempoBpm ?? null }));
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
    await service.close();
    close();
  }
});

/**
 * Runs `action` with a SimilarityService over the library database, then closes both. Saved
 * playlists and M3U8 files need no similarity index: no worker starts for them.
 */
async function withService(db: Db, action: (service: SimilarityService, db: Db) => Promise<number> | number): Promise<number> {
  const service = new SimilarityService({ db });
  try {
    return await action(service, db);
  } finally {
    await service.close();
    db.close();
  }
}

function listSaved(service: SimilarityService, json: boolean): number {
  const playlists = service.listPlaylists();
  if (json) {
    process.stdout.write(`${JSON.stringify(playlists, null, 2)}\n`);
  } else if (playlists.length === 0) {
    console.error('playlist: no saved playlists (make one with --save NAME)');
  } else {
    for (const playlist of playlists) {
      const kind = playlist.generated ? 'generated' : 'imported';
      console.log(`${String(playlist.id).padStart(4)}  ${playlist.name}  (${playlist.trackCount} tracks, ${minutesOf(playlist.durationSec)}, ${kind})`);
    }
  }
  return 0;
}

async function showSaved(service: SimilarityService, tracks: TracksRepo, id: number, options: { m3u?: string; style: PathStyle; json: boolean }): Promise<number> {
  const playlist = service.getPlaylist(id);
  if (!playlist) throw new Error(`no saved playlist ${id} (see timbre playlist --list)`);
  if (options.m3u) {
    const written = await service.exportPlaylist(id, { path: options.m3u, style: options.style });
    console.error(`playlist: wrote '${playlist.name}' (${written.tracks} tracks) to ${written.path}`);
  }
  const rows = playlist.trackIds.map((trackId) => tracks.summary(trackId)!);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...playlist, files: rows.map((row) => row.path) }, null, 2)}\n`);
  } else if (!options.m3u) {
    console.log(`${playlist.name}  (${playlist.trackCount} tracks, ${minutesOf(playlist.durationSec)})`);
    rows.forEach((row, i) => console.log(`${String(i + 1).padStart(3)}. ${[row.artist, row.title].filter(Boolean).join(' – ') || row.path}`));
  }
  return 0;
}

async function importFile(service: SimilarityService, file: string, name: string | undefined, json: boolean): Promise<number> {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`no such playlist file: ${file}`);
  const { playlist, missing } = await service.importPlaylist(file, { name });
  if (json) {
    process.stdout.write(`${JSON.stringify({ playlist, missing }, null, 2)}\n`);
  } else {
    console.log(`imported '${playlist.name}' as #${playlist.id}: ${playlist.trackCount} tracks, ${missing.length} not in the library`);
    for (const entry of missing) console.log(`  missing: ${entry}`);
  }
  return 0;
}

/** --m3u names the playlist file to write; a folder there is a mistake to report before any work. */
function notAFolder(file: string): void {
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--m3u ${file} is a folder: give the playlist file's path (e.g. ${file}/mix.m3u8)`);
}

function trackId(similarity: LibrarySimilarity, file: string): number {
  const track = findTrackByFile(similarity.tracks, file);
  if (!track) throw new Error(`${file} is not an analysed track of the library (scan its folder first)`);
  return track.id;
}

function minutesOf(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
