import { createCore } from '../../index.js';
import { defineCommand } from '../command.js';
import { libraryPath } from './options.js';
import { formatDuration } from './progress-bar.js';

export const summary = 'tracks [--db FILE] [--json]: list the library with tags and analysis status';

const USAGE = `usage: timbre tracks [--db FILE] [--json]

Lists the library under a header: id, length, analysis status, genre (confirmed, else from the tags,
else the model's) and artist – title (else the path) of every track.
--json prints every track's path, tags, duration, status, error, predicted and effective genre.`;

/** The genre column is at most this wide; longer genres end in '…'. */
const GENRE_WIDTH = 20;

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export const run = defineCommand({ name: 'tracks', usage: USAGE, options: { db: { type: 'string' }, json: { type: 'boolean' } } }, async ({ values }) => {
  const core = await createCore({ dbPath: libraryPath(values.db, { mustExist: true }), jobs: 1, autoStart: false });
  try {
    const tracks = core.library.listTracks();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(tracks, null, 2)}\n`);
      return 0;
    }
    if (tracks.length === 0) {
      console.error("no tracks yet: 'timbre scan DIR' adds a folder");
      return 0;
    }
    // Named as the app names it: "hip hop" tags read Hip-Hop, renames and merges followed.
    const genreOf = (genre: string | null) => (genre === null ? '' : core.genres.canonicalName(genre));
    const genreWidth = Math.min(GENRE_WIDTH, Math.max('GENRE'.length, ...tracks.map((track) => genreOf(track.genre).length)));
    console.log(`${'ID'.padStart(6)}  ${'LENGTH'.padStart(8)}  ${'STATUS'.padEnd(10)}  ${'GENRE'.padEnd(genreWidth)}  TRACK`);
    for (const track of tracks) {
      const name = [track.artist, track.title].filter(Boolean).join(' – ') || track.path;
      // The error follows the name, so the columns stay aligned and a failed file is named by its path.
      const what = track.status === 'error' || track.error ? `${track.path}: ${track.error}` : name;
      const genre = clip(genreOf(track.genre), genreWidth).padEnd(genreWidth);
      console.log(`${String(track.id).padStart(6)}  ${formatDuration(track.durationSec).padStart(8)}  ${track.status.padEnd(10)}  ${genre}  ${what}`);
    }
    return 0;
  } finally {
    await core.shutdown();
  }
});
