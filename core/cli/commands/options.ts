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
