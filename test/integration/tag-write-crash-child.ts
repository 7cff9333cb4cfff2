/**
 * Child process for the SIGKILL test: rewrites one file's genre tag (and undoes every third edit) in
 * an endless loop until the parent kills it. Usage: node tag-write-crash-child.js DB FILE
 */
import { openDatabase } from '../../core/db/open.js';
import { GenreService, NothingToUndoError } from '../../core/genres/service.js';

/** Genre lists of different lengths, so tags grow and shrink (and MP3/MP4 data shifts). */
export const CRASH_GENRE_LISTS: readonly string[][] = [
  ['Rock'],
  ['Jazz', 'Blues', 'Soul'],
  ['Experimental', 'Post-Rock', 'Ambient', 'Drone Of An Unusually Long And Descriptive Kind'],
];

if (process.argv[1]?.endsWith('tag-write-crash-child.js')) {
  const [dbPath, path] = process.argv.slice(2);
  const service = new GenreService(openDatabase(dbPath));
  process.stdout.write('ready\n');
  for (let step = 0; ; step++) {
    if (step % 3 === 2) {
      try {
        service.undo();
      } catch (error) {
        if (!(error instanceof NothingToUndoError)) throw error;
      }
    } else {
      service.setGenres({ targets: [{ path, trackId: null }], genres: CRASH_GENRE_LISTS[step % CRASH_GENRE_LISTS.length], writeTags: true });
    }
  }
}
