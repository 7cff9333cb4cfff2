import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import { SESSION_COOKIE, startWebServer } from '../../core/api/server.js';
import { openDatabase } from '../../core/db/open.js';
import { createCore } from '../../core/index.js';
import { haveChromium, launchChromium } from '../e2e/helpers.js';
import { addClusteredTracks } from '../unit/similarity-fixtures.js';
import type { BenchResult } from './run.js';

/**
 * The Map section at scale, in headless Chromium (software canvas) against a generated library of
 * clustered tracks: the size and time of the libraryMap answer, the first map on screen (click on
 * "Map" → the frame after the canvas is drawn), a full redraw (one wheel-zoom step: every point),
 * and a hover (the overlay ring and the tooltip; the points are not redrawn). The layout itself is
 * computed before, and reported only as a detail: the `map` suite measures it.
 * TIMBRE_BENCH_MAP_UI_TRACKS sets the library size (default 20,000).
 */
export const name = 'map-ui';

const TRACKS = Number(process.env.TIMBRE_BENCH_MAP_UI_TRACKS ?? 20_000);
const GENRES = ['Ambient', 'Metal', 'Jazz', 'Rock', 'Classical', 'Hip-Hop', 'Folk', 'Electronic', 'Soul', 'Latin', 'Blues'];
const STEPS = 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(): Promise<BenchResult[]> {
  if (!haveChromium()) return [{ metric: 'map-ui bench skipped: no Chromium', value: 0, unit: '' }];
  const work = mkdtempSync(join(tmpdir(), 'timbre-bench-map-ui-'));
  const dbPath = join(work, 'library.db');
  const results: BenchResult[] = [];
  const db = openDatabase(dbPath);
  db.transaction(() => addClusteredTracks(db, { root: '/bench/music', count: TRACKS, genres: GENRES, artists: 500 }))();
  db.close();

  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  const dispatcher = createDispatcher(core, { mode: 'web', version: 'bench' });
  const server = await startWebServer({ dispatcher });
  const browser = await launchChromium();
  try {
    let started = performance.now();
    await core.similarity.libraryMap();
    const layoutSec = (performance.now() - started) / 1000;

    started = performance.now();
    const response = await fetch(`http://127.0.0.1:${server.port}/api/libraryMap`, { method: 'POST', headers: { 'X-Timbre-Token': server.token } });
    const body = await response.text();
    const answerMs = performance.now() - started;
    results.push({ metric: `libraryMap answer, ${TRACKS.toLocaleString('en')} tracks (layout cached)`, value: answerMs, unit: 'ms', detail: `${(body.length / 1e6).toFixed(1)} MB of JSON over HTTP; the layout took ${layoutSec.toFixed(1)} s before` });

    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });

    // Signed in as a launch address would: the session cookie (core/api/server.ts).

    await page.context().addCookies([{ name: SESSION_COOKIE, value: server.token, url: `http://127.0.0.1:${server.port}`, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.getByTestId('track-count').waitFor({ timeout: 60_000 });
    started = performance.now();
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    const canvas = page.getByRole('img', { name: /^Map of/ });
    await canvas.waitFor({ timeout: 60_000 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    results.push({ metric: 'first map on screen (click → drawn)', value: performance.now() - started, unit: 'ms' });

    const box = (await canvas.boundingBox())!;
    const frames = await page.evaluate(
      async ({ x, y, steps }) => {
        const element = document.querySelector('canvas.map__canvas')!;
        const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
        const timed = async (action: (step: number) => void) => {
          const times: number[] = [];
          for (let step = 0; step < steps; step++) {
            const start = performance.now();
            action(step);
            await nextFrame();
            times.push(performance.now() - start);
          }
          return times;
        };
        await nextFrame();
        const zoom = await timed(() => element.dispatchEvent(new WheelEvent('wheel', { deltaY: -60, clientX: x, clientY: y, bubbles: true })));
        const hover = await timed((step) => element.dispatchEvent(new MouseEvent('mousemove', { clientX: x + step * 9, clientY: y + step * 5, bubbles: true })));
        return { zoom, hover };
      },
      { x: box.x + box.width / 2, y: box.y + box.height / 2, steps: STEPS },
    );
    results.push({ metric: 'redraw every point (one zoom step), median', value: median(frames.zoom), unit: 'ms', detail: 'event → next frame' });
    results.push({ metric: 'hover (ring + tooltip), median', value: median(frames.hover), unit: 'ms', detail: 'event → next frame' });
  } finally {
    await browser.close();
    await server.close();
    dispatcher.close();
    await core.shutdown();
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
