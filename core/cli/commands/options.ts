import { integerOption, UsageError } from '../command.js';

/** Options shared by the library commands. */
export const libraryOptions = {
  db: { type: 'string' },
  jobs: { type: 'string', short: 'j' },
} as const;

/** Parses --jobs: a positive integer, or undefined for one worker per core; anything else is a UsageError. */
export function parseJobs(value: string | undefined): number | undefined {
  return integerOption(value, '--jobs');
}

/**
 * Parses an integer flag of at least `min` (absent: `fallback`). On a bad value it says so on stderr,
 * prefixed with the command, and returns null so the command can exit with a usage error (2).
 * For commands not yet built with defineCommand (core/cli/command.ts), whose integerOption throws instead.
 */
export function integerFlag(text: string | undefined, fallback: number, flag: string, command: string, min = 1): number | null {
  try {
    return integerOption(text, flag, { fallback, min });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`timbre ${command}: ${error.message}`);
    return null;
  }
}
