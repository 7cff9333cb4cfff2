import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import { SESSION_COOKIE, startWebServer } from '../../core/api/server.js';
import { createCore } from '../../core/index.js';
import { haveChromium, launchChromium } from '../e2e/helpers.js';
import type { BenchResult } from './run.js';

/**
 * The gap between tracks, in headless Chromium through the app: two short synthesized tracks are
 * queued ("Play 2 tracks" from the library's context menu) and play in sequence; the gap is the time
 * from the first one's 'ended' event to the second one's 'playing' event (the events' own
 * timestamps). The player preloads the next track in a second audio element, so this is the swap,
 * not a new request; a baseline turns preloading off from the page (preload="none") and measures
 * again. TIMBRE_BENCH_GAP_RUNS sets the runs per format (default 7).
 */
export const name = 'gap';

const RUNS = Number(process.env.TIMBRE_BENCH_GAP_RUNS ?? 7);
const SECONDS = 2;
const FORMATS = ['ogg', 'mp3', 'flac'] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(): Promise<BenchResult[]> {
  if (!haveChromium()) return [{ metric: 'gap bench skipped: no Chromium', value: 0, unit: '' }];
  const work = mkdtempSync(join(tmpdir(), 'timbre-bench-gap-'));
  const music = join(work, 'Music');
  mkdirSync(music);
  for (const format of FORMATS) {
    for (const [part, frequency] of [
      ['A', 440],
      ['B', 660],
    ] as const) {
      execFileSync('ffmpeg', [
        '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${SECONDS}`,
        '-metadata', `title=gap-${format}-${part}`, '-metadata', `artist=Gap ${format}`,
        join(music, `gap-${format}-${part}.${format}`),
      ]);
    }
  }

  const core = await createCore({ dbPath: join(work, 'library.db'), jobs: 1, autoStart: false });
  const folder = await core.library.addFolder(music);
  await core.library.scanFolder(folder.id);
  core.library.cancel(); // playback needs the tracks listed, not analysed
  const dispatcher = createDispatcher(core, { mode: 'web', version: 'bench' });
  const server = await startWebServer({ dispatcher });
  const browser = await launchChromium();
  const results: BenchResult[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Signed in as a launch address would: the session cookie (core/api/server.ts).
    await page.context().addCookies([{ name: SESSION_COOKIE, value: server.token, url: `http://127.0.0.1:${server.port}`, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.getByTestId('track-count').waitFor({ timeout: 60_000 });
    const row = (title: string) => page.locator('.table__row', { hasText: title });
    /** The gaps of RUNS plays of the format's pair; `cold`: with preloading turned off from the page. */
    const measure = async (format: string, cold: boolean) => {
      const gaps: number[] = [];
      for (const part of ['A', 'B']) await row(`gap-${format}-${part}`).getByRole('checkbox').click();
      for (let attempt = 0; attempt < RUNS; attempt++) {
        // The baseline: preload="none" on the player's elements (made at its first track), so the next
        // track's file is only asked for when it is played, as with one element and no preloading.
        if (cold) await page.evaluate(() => document.querySelectorAll('audio').forEach((audio) => (audio.preload = 'none')));
        // Media events do not bubble, but a capturing listener on the document sees every one.
        const measured = page.evaluate(
          () =>
            new Promise<number>((resolve, reject) => {
              let endedAt: number | null = null;
              let ended: EventTarget | null = null;
              const timer = setTimeout(() => reject(new Error('the second track never played')), 20_000);
              const onEnded = (event: Event) => {
                endedAt ??= event.timeStamp;
                ended ??= event.target;
              };
              const onPlaying = (event: Event) => {
                if (endedAt === null || event.target === ended) return;
                clearTimeout(timer);
                document.removeEventListener('ended', onEnded, true);
                document.removeEventListener('playing', onPlaying, true);
                resolve(event.timeStamp - endedAt);
              };
              document.addEventListener('ended', onEnded, true);
              document.addEventListener('playing', onPlaying, true);
            }),
        );
        await row(`gap-${format}-A`).click({ button: 'right' });
        await page.getByRole('menu', { name: 'Track actions' }).getByRole('menuitem', { name: 'Play 2 tracks', exact: true }).click();
        gaps.push(await measured);
        const bar = page.getByRole('region', { name: 'Now playing' });
        await bar.getByTestId('now-playing-title').filter({ hasText: `gap-${format}-B` }).waitFor();
        await bar.getByRole('button', { name: 'Pause', exact: true }).click();
      }
      await page.getByRole('button', { name: 'Clear selection' }).click();
      return gaps;
    };
    const summary = (gaps: number[]) => `'ended' → next 'playing'; min ${Math.min(...gaps).toFixed(1)}, max ${Math.max(...gaps).toFixed(1)}`;

    const all: number[] = [];
    for (const format of FORMATS) {
      const gaps = await measure(format, false);
      all.push(...gaps);
      results.push({ metric: `gap between tracks, ${format}, median of ${RUNS}`, value: median(gaps), unit: 'ms', detail: summary(gaps) });
    }
    results.push({ metric: `gap between tracks, all formats, median of ${all.length}`, value: median(all), unit: 'ms' });
    for (const format of FORMATS) {
      const gaps = await measure(format, true);
      results.push({ metric: `baseline without preloading, ${format}, median of ${RUNS}`, value: median(gaps), unit: 'ms', detail: summary(gaps) });
    }
  } finally {
    await browser.close();
    await server.close();
    dispatcher.close();
    await core.shutdown();
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
