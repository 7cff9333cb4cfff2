import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ScanProgress } from '../../core/api/contract.js';
import { SYNTH_TRACKS, e2eWorkspace, ensureScreenshotDir, haveChromium, synthesizeLibrary, type ServeProcess } from './helpers.js';
import { modelsWithDefault } from '../helpers/models.js';

/**
 * The app end to end, in Debian's Chromium against `timbre serve` on a temp database: add a folder
 * of synthesized tracks, watch the analysis reach 100%, search, sort, filter, open a track, see its
 * spectrogram and genre bars, and play it.
 * Screenshots land in test-output/screenshots/.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

test('the app in a real browser, in web mode', { skip, timeout: 300_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-');
  const musicDir = join(work, 'Music');
  const corruptFile = synthesizeLibrary(musicDir);
  // Untagged, it is titled from its file name.
  const corruptTitle = corruptFile.replace(/\.[^.]+$/, '');
  const shots = ensureScreenshotDir();
  const totalFiles = SYNTH_TRACKS.length + 1;

  // The filters and bars are checked on named predictions: the four-genre model names synthesized tones,
  // which the default family model calls unsure (test/e2e/honesty.test.ts covers that).
  const server = await serve(join(work, 'library.db'), ['--jobs', '2'], { TIMBRE_MODELS_DIR: modelsWithDefault(work, 'genre-cnn-lstm-emotify') });
  const { page, pageErrors } = await openPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' });
  const mediaStatuses: number[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/media/')) mediaStatuses.push(response.status());
  });

  await page.goto(server.url);

  await t.test('a new user sees what to do first', async () => {
    await page.getByRole('heading', { name: 'Add your music to get started' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
    await page.screenshot({ path: join(shots, '01-empty-library.png'), animations: 'disabled' });
    await page.locator('#folder-path-main').fill(join(work, 'no-such-folder'));
    await page.locator('#folder-path-main').press('Enter');
    assert.match((await page.getByRole('alert').textContent()) ?? '', /not found/, 'a bad path says why');
    // Another page's empty state leads back to the folder form rather than ending there.
    await page.locator('.nav').getByRole('button', { name: 'Map' }).click();
    await page.getByRole('heading', { name: 'Nothing to map yet' }).waitFor();
    await page.getByRole('button', { name: 'Go to the library' }).click();
    await page.getByRole('heading', { name: 'Add your music to get started' }).waitFor();
    // Problems before there is any file: no "every file was analysed", no search over nothing.
    await page.locator('.nav').getByRole('button', { name: /^Problems/ }).click();
    await page.getByRole('heading', { name: 'Nothing to check yet' }).waitFor();
    assert.equal(await page.getByRole('searchbox').count(), 0);
    await page.getByRole('button', { name: 'Back to the library' }).click();
    await page.getByRole('heading', { name: 'Add your music to get started' }).waitFor();
  });

  await t.test('adding a folder scans and analyses it to 100%', async () => {
    await page.locator('#folder-path-main').fill(musicDir);
    await page.locator('#folder-path-main').press('Enter');
    await page.locator('.folder__path', { hasText: 'Music' }).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Analysis progress' });
    await bar.waitFor();
    // Pause as soon as the scan shows; six short files can finish before the click lands.
    const pause = page.getByRole('button', { name: 'Pause' });
    if (await pause.click({ timeout: 2000 }).then(() => true, () => false)) {
      const atPause = await scanProgress(server);
      assert.equal(atPause.paused, true);
      await page.screenshot({ path: join(shots, '02a-scan-paused.png'), animations: 'disabled' });
      await page.waitForTimeout(1500);
      // Analyses already running finish; no new one starts while paused.
      const later = await scanProgress(server);
      assert.ok(
        later.done + later.failed <= atPause.done + atPause.failed + atPause.active,
        `paused at ${JSON.stringify(atPause)}, then ${JSON.stringify(later)}`,
      );
      if (atPause.done + atPause.failed + atPause.active < atPause.total) await page.getByText('Analysis paused').waitFor();
      await page.getByRole('button', { name: 'Resume' }).or(page.getByText('Analysis complete')).first().click();
    } else {
      t.diagnostic('the scan finished before it could be paused; pause/resume not exercised this run');
    }
    await page.locator('.scan[data-complete="true"]').waitFor({ timeout: 180_000 });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    assert.equal((await page.getByTestId('scan-count').textContent())?.trim(), `${totalFiles} / ${totalFiles}`);
    await page.getByTestId('track-count').filter({ hasText: `${totalFiles} tracks` }).waitFor();
    await expectTitles(page, [...SYNTH_TRACKS.map((track) => track.title), corruptTitle], { sorted: false });
    await page.screenshot({ path: join(shots, '02-library-scanned.png'), animations: 'disabled' });
  });

  await t.test('per-file errors are visible', async () => {
    // The sidebar's link to the errors works from any page, not only from the library.
    await page.locator('.nav').getByRole('button', { name: 'Genres' }).click();
    await page.getByRole('heading', { name: 'Genres', level: 1 }).waitFor();
    await page.getByRole('button', { name: /could not be analysed/ }).click();
    await page.getByRole('heading', { name: 'Problems' }).waitFor();
    const row = page.locator('.table__row', { hasText: corruptFile });
    await row.waitFor();
    assert.match((await row.locator('.cell-error').textContent()) ?? '', /\w+/, 'the error says why');
    await page.screenshot({ path: join(shots, '03-problems.png'), animations: 'disabled' });

    // Its panel: the reason, a player that says in plain words why it cannot play, and no promise of
    // similar tracks "once analysed"; the file name is not repeated as a subtitle.
    await row.click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: corruptTitle }).waitFor();
    await panel.getByRole('button', { name: 'Play' }).click();
    assert.match((await panel.locator('.player__error').textContent()) ?? '', /^This file cannot be played\./);
    assert.equal(await panel.getByRole('region', { name: 'Sounds like' }).count(), 0);
    assert.equal(await panel.locator('.track-panel__subtitle').count(), 0);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Library/ }).click();
    await page.getByTestId('track-count').filter({ hasText: `${totalFiles} tracks` }).waitFor();
  });

  await t.test('search matches title, artist and album', async () => {
    const search = page.getByRole('searchbox', { name: 'Search tracks' });
    await page.keyboard.press('/');
    assert.equal(await search.evaluate((element) => element === document.activeElement), true, '/ focuses the search');
    await search.fill('kick theory');
    await expectTitles(page, ['Pulse Drive', 'Chord Memory'], { sorted: false });
    await search.fill('daybreak');
    await expectTitles(page, ['Morning Sine', 'Pink Haze'], { sorted: false });
    await search.fill('brown');
    await expectTitles(page, ['Brown Study'], { sorted: false });
    await search.press('ArrowDown');
    assert.equal(await page.locator('.table__body').evaluate((element) => element === document.activeElement), true, '↓ moves from search to the results');
    assert.equal(await page.locator('.table__row[aria-selected=true] .cell-strong').textContent(), 'Brown Study');
    await search.focus();
    await page.screenshot({ path: join(shots, '04-search.png'), animations: 'disabled' });
    await search.fill('no such words');
    await page.getByRole('heading', { name: 'No tracks match' }).waitFor();
    await search.fill('');
    await page.getByTestId('track-count').filter({ hasText: `${totalFiles} tracks` }).waitFor();
  });

  await t.test('columns sort ascending, then descending', async () => {
    const titleHeader = page.getByRole('columnheader', { name: 'Title' });
    await titleHeader.getByRole('button').click();
    await page.locator('[role=columnheader][aria-sort=ascending]', { hasText: 'Title' }).waitFor();
    const expected = [...SYNTH_TRACKS.map((track) => track.title), corruptTitle].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    await expectTitles(page, expected, { sorted: true });
    await titleHeader.getByRole('button').click();
    await page.locator('[role=columnheader][aria-sort=descending]', { hasText: 'Title' }).waitFor();
    await expectTitles(page, [...expected].reverse(), { sorted: true });

    await page.getByRole('columnheader', { name: 'Artist' }).getByRole('button').click();
    const artists = await visibleColumn(page, 'artist');
    const named = artists.filter(Boolean);
    assert.deepEqual(named, [...named].sort((a, b) => a.localeCompare(b)), 'artists ascending');
    assert.equal(artists.at(-1), '', 'a file without an artist sorts last');
  });

  await t.test('filters: tag genre, unconfirmed, predicted genre and confidence', async () => {
    await page.getByRole('combobox', { name: 'Tag genre filter' }).selectOption('Ambient');
    await expectTitles(page, ['Morning Sine', 'Pink Haze'], { sorted: false });
    await page.getByRole('checkbox', { name: 'Unconfirmed' }).check();
    // Nobody has confirmed a genre yet, so "unconfirmed" keeps both.
    await expectTitles(page, ['Morning Sine', 'Pink Haze'], { sorted: false });
    await page.screenshot({ path: join(shots, '05-filtered.png'), animations: 'disabled' });
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByTestId('track-count').filter({ hasText: `${totalFiles} tracks` }).waitFor();

    const predicted = page.getByRole('combobox', { name: 'Predicted genre filter' });
    // Every scanned track is classified, so the filter offers the genres the model predicted.
    const options = (await predicted.locator('option').allTextContents()).filter((text) => text !== 'Any prediction');
    assert.ok(options.length > 0, 'the scan stored genre predictions');
    await predicted.selectOption(options[0]);
    const shown = await visibleColumn(page, 'predicted');
    assert.ok(shown.length > 0 && shown.every((text) => text.startsWith(options[0])), `only ${options[0]} predictions: ${shown}`);
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    // A confidence floor of 100% keeps only certain predictions.
    await page.getByRole('spinbutton', { name: 'Minimum confidence (%)' }).fill('100');
    const confident = await visibleColumn(page, 'predicted');
    assert.ok(confident.every((text) => text.endsWith('100%')), `confidence filter: ${confident}`);
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByTestId('track-count').filter({ hasText: `${totalFiles} tracks` }).waitFor();
  });

  await t.test('in a narrow window the table drops the album column instead of scrolling sideways', async () => {
    await page.setViewportSize({ width: 900, height: 700 });
    const overflow = await page.locator('.table__header').evaluate((header) => header.scrollWidth - header.clientWidth);
    assert.ok(overflow <= 0, `the header overflows by ${overflow}px`);
    assert.equal(await page.getByRole('columnheader', { name: 'Album' }).isVisible(), false);
    assert.equal(await page.getByRole('columnheader', { name: 'Predicted' }).isVisible(), true);
    await page.screenshot({ path: join(shots, '05b-narrow.png'), animations: 'disabled' });
    await page.setViewportSize({ width: 1360, height: 860 });
    assert.equal(await page.getByRole('columnheader', { name: 'Album' }).isVisible(), true);
  });

  await t.test('a track shows its spectrogram, genre and sound summary, and plays', async () => {
    await page.locator('.table__row', { hasText: 'Pulse Drive' }).click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: 'Pulse Drive' }).waitFor();
    const canvas = panel.locator('canvas.spectrogram__canvas');
    await canvas.waitFor();
    const distinctColours = await canvas.evaluate((element) => {
      const canvasElement = element as HTMLCanvasElement;
      const data = canvasElement.getContext('2d')!.getImageData(0, 0, canvasElement.width, canvasElement.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return colours.size;
    });
    assert.ok(distinctColours > 8, `the spectrogram is an image, not a blank (${distinctColours} colours)`);
    assert.match((await panel.locator('.stat', { hasText: 'Brightness' }).textContent()) ?? '', /\d+ Hz/);

    const bars = panel.locator('.genre-bar');
    await panel.locator('.genre-bars').waitFor();
    assert.ok((await bars.count()) >= 2, 'one bar per genre');
    assert.match((await bars.first().textContent()) ?? '', /\d+(\.\d)?%/);
    // A tiny probability reads "<0.1%", never "0.0%".
    const values = await panel.locator('.genre-bar__value').allTextContents();
    assert.ok(values.every((value) => /^(<0\.1|\d+(\.\d)?)%$/.test(value) && value !== '0.0%'), `probabilities: ${values}`);
    // The genre timeline: one segment per ~3 s of the analysed audio.
    assert.ok((await panel.getByRole('list', { name: 'Genre over time' }).locator('.timeline__segment').count()) >= 1, 'a genre timeline');
    // An 8-s track is analysed whole: neither the timeline nor the spectrogram speaks of an excerpt.
    assert.equal(await panel.getByText('not analysed').count(), 0);
    assert.equal(await panel.locator('.spectrogram .axis > span').first().textContent(), '0:00');

    await panel.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => {
      const audio = document.querySelector('audio');
      return audio !== null && !audio.paused && audio.currentTime > 0.2;
    }, undefined, { timeout: 20_000 });
    await panel.getByRole('button', { name: 'Pause' }).waitFor();
    assert.ok(mediaStatuses.includes(206), `the player streams with range requests (statuses: ${mediaStatuses})`);
    await page.screenshot({ path: join(shots, '06-track.png'), animations: 'disabled' });
    await page.keyboard.press('Space');
    await panel.getByRole('button', { name: 'Play' }).waitFor();
  });

  await t.test('keyboard: arrows move through tracks, Escape closes the panel', async () => {
    const selected = page.locator('.table__row[aria-selected=true]');
    const before = await selected.locator('.table__cell--title').textContent();
    await page.locator('.table__body').focus();
    await page.keyboard.press('ArrowDown');
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await page.waitForFunction((title) => document.querySelector('.table__row[aria-selected=true] .table__cell--title')?.textContent !== title, before);
    const after = (await selected.locator('.table__cell--title .cell-strong').textContent()) ?? '';
    await panel.getByRole('heading', { name: after }).waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // The grid is one Tab stop: Tab leaves it rather than walking through each row's box and buttons.
    await page.locator('.table__body').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.table__body') === null), true, 'Tab leaves the table');
  });

  await t.test('dark theme follows the OS', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('.table__row', { hasText: 'Chord Memory' }).click();
    await page.getByRole('complementary', { name: 'Track details' }).getByRole('heading', { name: 'Chord Memory' }).waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(21, 22, 26)');
    await page.screenshot({ path: join(shots, '07-dark.png'), animations: 'disabled' });
  });

  await t.test('a folder shows its watch status and can be removed', async () => {
    const folder = page.locator('.folder', { hasText: 'Music' });
    assert.match((await folder.locator('.folder__status').textContent()) ?? '', /^6 tracks · Watching$/);
    page.once('dialog', (dialog) => void dialog.accept());
    await folder.getByRole('button', { name: /Remove folder/ }).click();
    await page.getByRole('heading', { name: 'Add your music to get started' }).waitFor();
    assert.equal(await page.locator('.folder').count(), 0);
  });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

/** The scan's progress, asked of the API directly (as the page does, with the token). */
async function scanProgress(server: ServeProcess): Promise<ScanProgress> {
  const response = await fetch(`${server.origin}/api/scanProgress`, { method: 'POST', headers: { 'X-Timbre-Token': server.token } });
  const reply = (await response.json()) as { ok: true; result: ScanProgress };
  return reply.result;
}

/** Waits until the table shows exactly these titles (in order when sorted). */
async function expectTitles(page: Page, titles: string[], { sorted }: { sorted: boolean }): Promise<void> {
  const expected = sorted ? titles : [...titles].sort();
  let shown: string[] = [];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    shown = await visibleColumn(page, 'title', '.cell-strong');
    if (JSON.stringify(sorted ? shown : [...shown].sort()) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(sorted ? shown : [...shown].sort(), expected);
}

async function visibleColumn(page: Page, column: string, inner = ''): Promise<string[]> {
  await page.waitForTimeout(50);
  return page.locator(`.table__row .table__cell--${column} ${inner}`.trim()).evaluateAll((cells) =>
    cells
      .map((cell) => ({ top: (cell.closest('.table__row') as HTMLElement).getBoundingClientRect().top, text: cell.textContent?.trim() ?? '' }))
      .sort((a, b) => a.top - b.top)
      .map((cell) => cell.text),
  );
}
