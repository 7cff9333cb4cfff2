import { integerOption } from '../command.js';

/** Options shared by the library commands. */
export const libraryOptions = {
  db: { type: 'string' },
  jobs: { type: 'string', short: 'j' },
} as const;

/** Parses --jobs: a positive integer, or undefined for one worker per core; anything else is a UsageError. */
export function parseJobs(value: string | undefined): number | undefined {
  return integerOption(value, '--jobs');
}
