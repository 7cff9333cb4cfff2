/** Options shared by the library commands. */
export const libraryOptions = {
  db: { type: 'string' },
  jobs: { type: 'string', short: 'j' },
} as const;

/** Parses --jobs: a positive integer, or undefined for one worker per core. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer, got '${value}'`);
  return jobs;
}

/**
 * Parses an integer flag of at least `min` (absent: `fallback`). On a bad value it says so on stderr,
 * prefixed with the command, and returns null so the command can exit with a usage error (2).
 */
export function integerFlag(text: string | undefined, fallback: number, flag: string, command: string, min = 1): number | null {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isInteger(value) && value >= min) return value;
  console.error(`timbre ${command}: ${flag} must be an integer ≥ ${min}, not '${text}'`);
  return null;
}
