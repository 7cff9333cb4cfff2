/**
 * `npm run bench -- genres-app`: a bulk genre edit as the app makes it, at library scale. On the ui
 * suite's generated 100,000-track library, through the API dispatch with every core event the app
 * gets: "select all" (selectTracks), then setGenres on every id, then its undo; each includes the
 * per-track 'track-updated' events and the table index following them. CPU time of this process
 * (fairer than wall time on a shared machine) and wall time; the request body is what web mode posts.
 * The longest event-loop stall during each is how long the server could not answer anyone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResponse, GenreEditResult, TrackPage } from '../../core/api/contract.js';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { createCore } from '../../core/index.js';
import type { BenchResult } from './run.js';
import { generateLibrary } from './ui.js';

export const name = 'genres-app';

const TRACKS = 100_000;

async function timed<T>(dispatcher: Dispatcher, method: string, args: unknown[]): Promise<{ cpuMs: number; wallMs: number; stallMs: number; result: T }> {
  const stalls = watchStalls();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response: ApiResponse = await dispatcher.call(method, args);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const stallMs = await stalls.stop();
  if (!response.ok) throw new Error(`${method}: ${response.error.message}`);
  return { cpuMs: (used.user + used.system) / 1000, wallMs, stallMs, result: response.result as T };
}

/** The longest time the event loop went without running a 5-ms timer, until stop(). */
function watchStalls(): { stop: () => Promise<number> } {
  let last = performance.now();
  let longest = 0;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  };
  const timer = setInterval(tick, 5);
  return {
    stop: async () => {
      // The timer must get its turn after the call, or a call that never yields would show no stall.
      await new Promise((resolveTurn) => setTimeout(resolveTurn, 10));
      clearInterval(timer);
      tick();
      return longest;
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'timbre-bench-genres-app-'));
  const dbPath = join(dir, 'library.db');
  generateLibrary(dbPath);
  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  const dispatcher = createDispatcher(core, { mode: 'web', version: 'bench' });
  try {
    const select = await timed<{ ids: number[] }>(dispatcher, 'selectTracks', [{}]);
    const ids = select.result.ids;
    if (ids.length !== TRACKS) throw new Error(`expected ${TRACKS} tracks, selected ${ids.length}`);
    const body = JSON.stringify({ trackIds: ids, genres: ['Post-Rock'] });
    const set = await timed<GenreEditResult>(dispatcher, 'setGenres', [{ trackIds: ids, genres: ['Post-Rock'] }]);
    if (set.result.trackIds.length !== TRACKS) throw new Error(`the edit changed ${set.result.trackIds.length} tracks`);
    const page = await timed<TrackPage>(dispatcher, 'queryTracks', [{ offset: 0, limit: 100, genre: 'post-rock' }]);
    if (page.result.total !== TRACKS) throw new Error(`the table index shows ${page.result.total} Post-Rock tracks`);
    const undo = await timed<GenreEditResult>(dispatcher, 'undoGenreEdit', []);
    if (undo.result.trackIds.length !== TRACKS) throw new Error(`the undo changed ${undo.result.trackIds.length} tracks`);
    const wall = (ms: number) => `wall ${(ms / 1000).toFixed(1)} s`;
    const stall = (ms: number) => `longest event-loop stall ${(ms / 1000).toFixed(2)} s`;
    return [
      { metric: 'select all (selectTracks), CPU', value: select.cpuMs, unit: 'ms', detail: `${TRACKS} tracks; ${wall(select.wallMs)}` },
      { metric: 'set one genre on all, with events and index, CPU', value: set.cpuMs / 1000, unit: 's', detail: `${wall(set.wallMs)}; ${stall(set.stallMs)}; request ${(body.length / 1024).toFixed(0)} KiB` },
      { metric: 'first table page after it, CPU', value: page.cpuMs, unit: 'ms', detail: 'filtered by the new genre' },
      { metric: 'undo that edit, with events and index, CPU', value: undo.cpuMs / 1000, unit: 's', detail: `${wall(undo.wallMs)}; ${stall(undo.stallMs)}` },
    ];
  } finally {
    dispatcher.close();
    await core.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}
