import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TrackPage } from '../../core/api/contract.js';
import { makeImage, synthesizeWithCover } from '../helpers/art.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium, type ServeProcess } from './helpers.js';

/**
 * Browsing a library by album and artist, in Chromium against `timbre serve` scanning a real folder:
 * album art from an embedded picture and from cover.jpg, a placeholder for a track with neither;
 * untagged files named from their path (shown as inferred) and found by folder name; the album grid,
 * an album page (played through the queue), the artist list and an artist page. Screenshots of each
 * view, light and dark, at two window sizes, land in test-output/screenshots/.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

function makeLibrary(music: string): void {
  const daybreak = join(music, 'Aurora Lane', 'Daybreak');
  const machines = join(music, 'Kick Theory', 'Machines');
  const drascula = join(music, 'Drascula', 'Soundtrack');
  for (const dir of [daybreak, machines, drascula]) mkdirSync(dir, { recursive: true });
  const red = join(music, '..', 'red.jpg');
  makeImage(red, { color: 'red', width: 400, height: 400 });
  const tags = (title: string, track: number, album: string, artist: string, genre: string) => ({ title, track: String(track), album, artist, genre });
  synthesizeWithCover(join(daybreak, '02 Evening.mp3'), red, { frequency: 550, tags: tags('Evening', 2, 'Daybreak', 'Aurora Lane', 'Ambient') });
  synthesizeWithCover(join(daybreak, '01 Morning.mp3'), red, { frequency: 330, tags: tags('Morning', 1, 'Daybreak', 'Aurora Lane', 'Ambient') });
  makeImage(join(machines, 'cover.jpg'), { color: 'blue', width: 300, height: 300 });
  const plain = (path: string, frequency: number, metadata: Record<string, string>) =>
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=2`,
      ...Object.entries(metadata).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]),
      path,
    ]);
  plain(join(machines, '01 Pulse.mp3'), 220, tags('Pulse', 1, 'Machines', 'Kick Theory', 'Techno'));
  // No tags at all: everything comes from the path, and there is no art.
  plain(join(drascula, '01 Castle Theme.wav'), 440, {});
  plain(join(drascula, '02 Crypt.wav'), 660, {});
}

async function call<T>(server: ServeProcess, method: string, ...args: unknown[]): Promise<T> {
  const response = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'X-Timbre-Token': server.token, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const reply = (await response.json()) as { ok: boolean; result: T; error?: { message: string } };
  assert.ok(reply.ok, `${method}: ${reply.error?.message}`);
  return reply.result;
}

/** The centre pixel of a loaded <img>, drawn on a canvas. */
async function centrePixel(page: Page, selector: string): Promise<number[]> {
  const image = page.locator(selector).first();
  await image.waitFor();
  await page.waitForFunction((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0, await image.elementHandle());
  return image.evaluate((element: HTMLImageElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = element.naturalWidth;
    canvas.height = element.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(element, 0, 0);
    return [...context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data.slice(0, 3)];
  });
}

const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const rowOf = (page: Page, title: string) => page.locator('.table__row', { has: page.locator('.table__cell--title', { hasText: title }) });

test('album art, albums, artists and untagged files in a real browser', { skip, timeout: 240_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-browse-');
  const music = join(work, 'Music');
  makeLibrary(music);
  const server = await serve(join(work, 'library.db'), ['--jobs', '2']);
  await call(server, 'addFolder', { path: music });
  // Art and tags are read as each track is analysed.
  const deadline = Date.now() + 150_000;
  for (;;) {
    const page = await call<TrackPage>(server, 'queryTracks', { offset: 0, limit: 50 });
    if (page.total === 5 && page.rows.every((row) => row.status === 'done' || row.status === 'error')) break;
    assert.ok(Date.now() < deadline, `analysis did not finish: ${JSON.stringify(page.rows.map((row) => [row.fileName, row.status]))}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const { page, pageErrors } = await openPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await rowOf(page, 'Morning').waitFor();

  await t.test('art from an embedded picture, from cover.jpg, and a placeholder', async () => {
    const [r, g, b] = await centrePixel(page, '.table__row:has-text("Morning") img.album-art');
    assert.ok(r > 200 && g < 60 && b < 60, `the embedded picture is red, got ${[r, g, b]}`);
    const [r2, g2, b2] = await centrePixel(page, '.table__row:has-text("Pulse") img.album-art');
    assert.ok(b2 > 200 && r2 < 60 && g2 < 60, `cover.jpg is blue, got ${[r2, g2, b2]}`);
    const placeholder = rowOf(page, 'Castle Theme').locator('.album-art--placeholder');
    assert.equal(await placeholder.textContent(), 'S');
    assert.equal(await placeholder.getAttribute('aria-hidden'), 'true', 'beside the album column, the table’s art is decorative');
    assert.equal(await rowOf(page, 'Castle Theme').locator('img').count(), 0, 'no broken image');
    // An art URL serves only a library track's art.
    const art = await page.locator('.table__row:has-text("Morning") img.album-art').getAttribute('src');
    assert.equal((await page.request.get(new URL(art!, server.origin).href)).headers()['content-type'], 'image/webp');
    assert.equal((await page.request.get(`${server.origin}/media/art/999?token=${server.token}`)).status(), 404);
  });

  await t.test('untagged files are named from their path, marked inferred, and found by folder name', async () => {
    const castle = rowOf(page, 'Castle Theme');
    assert.equal(await castle.locator('.table__cell--artist').textContent(), 'Drascula');
    assert.equal(await castle.locator('.table__cell--album').textContent(), 'Soundtrack');
    const inferred = castle.locator('.table__cell--title .inferred');
    assert.equal(await inferred.evaluate((element) => getComputedStyle(element).fontStyle), 'italic');
    assert.match((await inferred.getAttribute('title')) ?? '', /No title tag: read from the file's path \(Drascula\/Soundtrack\/01 Castle Theme\.wav\)/);
    assert.equal(await rowOf(page, 'Morning').locator('.inferred').count(), 0, 'tagged values are not marked');
    await page.getByRole('searchbox', { name: /search/i }).first().fill('drascula');
    await page.waitForFunction(() => document.querySelectorAll('.table__row').length === 2);
    assert.deepEqual((await page.locator('.table__row .table__cell--title .cell-strong').allTextContents()).sort(), ['Castle Theme', 'Crypt']);
    await page.getByRole('searchbox', { name: /search/i }).first().fill('');
  });

  await t.test('the album grid, with a genre-family filter', async () => {
    await page.getByRole('button', { name: 'Albums' }).click();
    await page.getByTestId('album-count').filter({ hasText: '3 albums' }).waitFor();
    const titles = await page.locator('.album-card__title').allTextContents();
    assert.deepEqual(titles, ['Daybreak', 'Soundtrack', 'Machines'], 'sorted by artist: Aurora Lane, Drascula, Kick Theory');
    assert.equal(await page.locator('.album-card__title.inferred').textContent(), 'Soundtrack');
    await page.getByRole('combobox', { name: 'Genre family' }).selectOption('electronic');
    // Untagged Soundtrack's family comes from its predicted genre, whatever the model hears in a sine.
    await page.getByTestId('album-count').filter({ hasText: 'of 3 albums' }).waitFor();
    const electronic = await page.locator('.album-card__title').allTextContents();
    assert.ok(electronic.includes('Machines') && !electronic.includes('Daybreak'), electronic.join(', '));
    await page.getByRole('combobox', { name: 'Genre family' }).selectOption('');
    await page.getByTestId('album-count').filter({ hasText: '3 albums' }).waitFor();
  });

  await t.test('an album page in track order, playable', async () => {
    await page.getByRole('button', { name: 'Daybreak by Aurora Lane' }).click();
    await page.getByRole('heading', { name: 'Daybreak' }).waitFor();
    assert.deepEqual(await page.locator('.album-track__title').allTextContents(), ['Morning', 'Evening']);
    assert.match((await page.locator('.browse-hero__facts').textContent()) ?? '', /2 tracks/);
    const [r] = await centrePixel(page, '.browse-hero img.album-art');
    assert.ok(r > 200, 'the album page shows the art');
    await page.getByRole('group', { name: 'Play Daybreak' }).getByRole('button', { name: 'Play', exact: true }).click();
    await page.getByTestId('now-playing-title').filter({ hasText: 'Morning' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('audio')].some((audio) => !audio.paused && audio.currentTime > 0));
  });

  await t.test('the artist page from the album, and the artist list', async () => {
    await page.locator('.browse-hero__artist', { hasText: 'Aurora Lane' }).click();
    await page.getByRole('heading', { name: 'Aurora Lane' }).waitFor();
    assert.deepEqual(await page.getByRole('region', { name: 'Albums' }).locator('.album-card__title').allTextContents(), ['Daybreak']);
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Daybreak' }).waitFor();
    await page.getByRole('button', { name: 'Artists' }).click();
    await page.getByTestId('artist-count').filter({ hasText: '3 artists' }).waitFor();
    assert.deepEqual(await page.locator('.artist-row__name').allTextContents(), ['Aurora Lane', 'Drascula', 'Kick Theory']);
    await page.locator('.artist-row__open', { hasText: 'Drascula' }).click();
    await page.getByRole('heading', { name: 'Drascula' }).waitFor();
    assert.equal(await page.locator('.album-shelf .album-art--placeholder').getAttribute('aria-label'), 'No album art: Soundtrack');
  });

  await t.test('screenshots of each view, light and dark, at two sizes, without sideways overflow', async () => {
    const dir = ensureScreenshotDir();
    const views: Array<[string, () => Promise<void>]> = [
      ['album-grid', async () => {
        await page.getByRole('button', { name: 'Albums' }).click();
        await page.locator('.album-card').first().waitFor();
      }],
      ['album-page', async () => {
        await page.getByRole('button', { name: 'Daybreak by Aurora Lane' }).click();
        await page.getByRole('heading', { name: 'Daybreak' }).waitFor();
      }],
      ['artist-list', async () => {
        await page.getByRole('button', { name: 'Artists' }).click();
        await page.locator('.artist-row').first().waitFor();
      }],
      ['artist-page', async () => {
        await page.locator('.artist-row__open', { hasText: 'Aurora Lane' }).click();
        await page.getByRole('heading', { name: 'Aurora Lane' }).waitFor();
      }],
    ];
    for (const [width, height] of [[1280, 800], [900, 700]]) {
      await page.setViewportSize({ width, height });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        for (const [name, show] of views) {
          await show();
          await page.waitForFunction(() => [...document.querySelectorAll('img.album-art')].every((image) => (image as HTMLImageElement).complete));
          assert.equal(await horizontalOverflow(page), 0, `${name} at ${width}×${height} (${colorScheme}) overflows sideways`);
          await page.screenshot({ path: join(dir, `browse-${name}-${colorScheme}-${width}x${height}.png`) });
        }
      }
    }
  });

  assert.deepEqual(pageErrors, []);
});
