import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { resolveDbPath } from '../../paths.js';
import { integerOption } from '../command.js';

/** Options shared by the library commands. */
export const libraryOptions = {
  db: { type: 'string' },
  jobs: { type: 'string', short: 'j' },
} as const;

/**
 * Parses --jobs: a positive integer, or undefined for one worker per core; anything else is a UsageError.
 * More workers than cores are allowed (with a warning): they add no speed, but each holds its own model.
 */
export function parseJobs(value: string | undefined): number | undefined {
  const jobs = integerOption(value, '--jobs');
  const cores = availableParallelism();
  if (jobs !== undefined && jobs > cores) {
    console.error(`timbre: warning: --jobs ${jobs} is more than this machine's ${cores} cores; each worker takes ~100 MB of memory`);
  }
  return jobs;
}

/**
 * The library database a command opens (see resolveDbPath). With `mustExist` (commands that read or
 * edit a library) a missing one is an error: opening it would create an empty library, so a mistyped
 * --db would answer "no tracks". Either way a folder, or a file that is not SQLite, is refused with its
 * path instead of SQLite's "unable to open database file" / "file is not a database".
 */
export function libraryPath(db: string | undefined, { mustExist }: { mustExist: boolean }): string {
  const path = resolveDbPath(db);
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) {
    if (mustExist) throw new Error(`no library database at ${path}: run 'timbre scan FOLDER' first`);
    return path;
  }
  if (stats.isDirectory()) throw new Error(`${path} is a folder: --db names the library's database file (e.g. ${join(path, 'library.db')})`);
  // An empty file is a valid new SQLite database.
  if (stats.size > 0 && !startsWithSqliteHeader(path)) throw new Error(`${path} is not a Timbre library (not an SQLite database)`);
  return path;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function startsWithSqliteHeader(path: string): boolean {
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/** A folder argument (a dataset, a music folder): missing or not a folder is an error naming it. */
export function existingFolder(dir: string): string {
  const stats = statSync(dir, { throwIfNoEntry: false });
  if (!stats) throw new Error(`folder not found: ${dir}`);
  if (!stats.isDirectory()) throw new Error(`not a folder: ${dir}`);
  return dir;
}

/**
 * Checks every DIR argument of `timbre COMMAND` before any work starts, naming each one that is not a
 * folder on stderr: a mistyped folder fails the command at once instead of after (or instead of) the rest.
 */
export function allFolders(command: string, dirs: readonly string[]): boolean {
  let ok = true;
  for (const dir of dirs) {
    try {
      existingFolder(dir);
    } catch (error) {
      console.error(`timbre ${command}: ${(error as Error).message}`);
      ok = false;
    }
  }
  return ok;
}
