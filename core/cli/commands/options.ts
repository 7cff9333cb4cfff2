import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
 * The library database for commands that read or edit a library (see resolveDbPath). A missing one is
 * an error: opening it would create an empty library, so a mistyped --db would answer "no tracks".
 */
export function existingLibraryPath(db: string | undefined): string {
  const path = resolveDbPath(db);
  if (!existsSync(path)) throw new Error(`no library database at ${path}: run 'timbre scan FOLDER' first`);
  return path;
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
