/**
 * `npm run bench -- genres`: the one store of the user's genres at library scale. On a generated
 * 100,000-track library (the ui suite's) with confirmed genres on every tenth track: how long the
 * library listing takes now that each row carries its confirmed genres, and how long the genre edits
 * of a "select all" take (set, undo, redo), without the app's per-track events. CPU time of this
 * process (process.cpuUsage), which is fairer than wall time on a shared machine; median of 3 listings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { GenreService } from '../../core/genres/service.js';
import type { BenchResult } from './run.js';
import { generateLibrary } from './ui.js';

export const name = 'genres';

const TRACKS = 100_000;
const CONFIRMED_EVERY = 10;
const LISTINGS = 3;

function cpuMs<T>(work: () => T): { ms: number; result: T } {
  const start = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, result };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'timbre-bench-genres-'));
  generateLibrary(join(dir, 'library.db'));
  const db = openDatabase(join(dir, 'library.db'));
  try {
    const genres = new GenreService(db);
    const tracks = new TracksRepo(db);
    const allIds = db.prepare('SELECT id FROM tracks ORDER BY id').pluck().all() as number[];
    if (allIds.length !== TRACKS) throw new Error(`expected ${TRACKS} tracks, found ${allIds.length}`);
    const names = ['Shoegaze', 'Jazz', 'Vapor wave'];
    names.forEach((genre, index) => genres.setTrackGenres(allIds.filter((id) => id % (CONFIRMED_EVERY * names.length) === index * CONFIRMED_EVERY), [genre]));

    const listings = Array.from({ length: LISTINGS }, () => cpuMs(() => tracks.summaries()));
    const confirmed = listings[0].result.filter((row) => row.confirmedGenres.length > 0).length;
    const listMs = listings.map((listing) => listing.ms).sort((a, b) => a - b)[Math.floor(LISTINGS / 2)];

    const set = cpuMs(() => genres.setTrackGenres(allIds, ['Post-Rock']));
    if (set.result.tracks.length !== TRACKS) throw new Error('the bulk edit did not reach every track');
    const undo = cpuMs(() => genres.undo());
    const redo = cpuMs(() => genres.redo());

    const detail = `${TRACKS} tracks, ${confirmed} with confirmed genres`;
    return [
      { metric: 'library listing (TracksRepo.summaries), CPU', value: listMs, unit: 'ms', detail },
      { metric: 'set one genre on every track, CPU', value: set.ms, unit: 'ms', detail: `${TRACKS} tracks` },
      { metric: 'undo that edit, CPU', value: undo.ms, unit: 'ms' },
      { metric: 'redo that edit, CPU', value: redo.ms, unit: 'ms' },
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
