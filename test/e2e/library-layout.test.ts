import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { fileStamp } from '../../core/library/files.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium } from './helpers.js';

/**
 * The library's genre column and the collapsible sidebar, in Chromium against `timbre serve`: tag
 * genres show by their vocabulary names and sort by them, a rename on the Genres page shows at once,
 * and the sidebar folds to an icon rail (remembered across reloads; by itself in a narrow window,
 * where it opens over the content). Screenshots land in test-output/screenshots/.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

/** Tag genres as files spell them: three spellings of Electronic, and two genres in one field. */
const TRACKS = [
  { title: 'Arc Light', genres: ['electronica'] },
  { title: 'Bright Wire', genres: ['Electronic'] },
  { title: 'Cold Start', genres: ['Rock'] },
  { title: 'Deep Field', genres: ['electronic', 'Jazz'] },
  { title: 'Empty Room', genres: [] },
  { title: 'Far Shore', genres: ['Ambient'] },
];

function seedLibrary(dbPath: string, musicDir: string): void {
  const db = openDatabase(dbPath);
  try {
    const folder = new FoldersRepo(db).add(musicDir);
    const tracks = new TracksRepo(db);
    const samples = toneSamples(0.25);
    TRACKS.forEach(({ title, genres }, index) => {
      const path = join(musicDir, `track-${index + 1}.wav`);
      writeWav(path, samples);
      const id = tracks.insert({ folderId: folder.id, path, ...fileStamp(statSync(path)), fingerprint: null, status: 'done', error: null });
      tracks.setTags(id, { title, artist: 'Test Artist', album: 'Test Album', year: null, genres, durationSec: 0.25, bitrate: null, sampleRate: 22_050 });
    });
  } finally {
    db.close();
  }
}

/** Each visible row's title and genre chips (with their tooltips), top to bottom. */
async function genreColumn(page: Page): Promise<Array<{ title: string; chips: string[]; tips: string[] }>> {
  return page.locator('.table__row').evaluateAll((rows) =>
    rows
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((row) => {
        const chips = [...row.querySelectorAll('.table__cell--genre .genre-chip')];
        return {
          title: row.querySelector('.table__cell--title .cell-strong')?.textContent ?? '',
          chips: chips.map((chip) => chip.textContent ?? ''),
          tips: chips.map((chip) => chip.getAttribute('title') ?? ''),
        };
      }),
  );
}

const chipsByTitle = (rows: Awaited<ReturnType<typeof genreColumn>>) => rows.map(({ title, chips }) => [title, chips.join(' + ')]);

/** TRACKS sorted by the genre column, with the name the Electronic spellings go by. */
const sortedByGenre = (electronic: string) => [
  ['Far Shore', 'Ambient'],
  ['Arc Light', electronic],
  ['Bright Wire', electronic],
  ['Deep Field', `${electronic} + Jazz`],
  ['Cold Start', 'Rock'],
  ['Empty Room', ''],
];

const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('the genre column and the collapsible sidebar in a real browser', { skip, timeout: 90_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-layout-');
  const musicDir = join(work, 'Music');
  const dbPath = join(work, 'library.db');
  mkdirSync(musicDir);
  seedLibrary(dbPath, musicDir);
  const shots = ensureScreenshotDir();

  const server = await serve(dbPath, ['--jobs', '1']);
  const { page, pageErrors } = await openPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  page.setDefaultTimeout(10_000);
  const open = async () => {
    await page.goto(server.url);
    await page.getByTestId('track-count').filter({ hasText: `${TRACKS.length} tracks` }).waitFor();
  };
  await open();
  const toggle = page.getByRole('button', { name: 'Sidebar', exact: true });
  const sidebar = page.getByRole('navigation', { name: 'Sidebar' });

  await t.test('tag genres show once by their vocabulary name, keep the tag in the tooltip, and sort by that name', async () => {
    await page.getByRole('button', { name: 'Genre', exact: true }).click();
    await page.getByRole('columnheader', { name: 'Genre' }).and(page.locator('[aria-sort=ascending]')).waitFor();
    const rows = await genreColumn(page);
    // As written, "electronic" / "electronica" / "Electronic" would be three genres; "Jazz" follows the name.
    assert.deepEqual(chipsByTitle(rows), sortedByGenre('Electronic'));
    assert.equal(rows[1].tips[0], 'From the file’s tags: “electronica”');
    assert.equal(rows[2].tips[0], 'From the file’s tags', 'a tag spelled as its name needs no spelling');
    await page.screenshot({ path: join(shots, 'layout-01-genre-names.png'), animations: 'disabled' });
  });

  await t.test('a rename on the Genres page shows in the column at once, for tag-only tracks too', async () => {
    // Confirming one track puts Electronic into the vocabulary the Genres page edits.
    await page.locator('.table__row', { hasText: 'Bright Wire' }).click();
    await page.getByRole('complementary', { name: 'Track details' }).getByRole('button', { name: 'Mark confirmed' }).click();
    await page.locator('.table__row', { hasText: 'Bright Wire' }).locator('.genre-chip--confirmed').waitFor();
    await page.keyboard.press('Escape');
    await sidebar.getByRole('button', { name: 'Genres' }).click();
    const vocabulary = page.getByRole('table', { name: 'Genre vocabulary' });
    await vocabulary.getByRole('button', { name: 'Rename Electronic' }).click();
    await vocabulary.getByRole('textbox', { name: 'New name for Electronic' }).fill('Electronic Music');
    await vocabulary.getByRole('button', { name: 'Rename', exact: true }).click();
    await vocabulary.getByRole('button', { name: 'Rename Electronic Music' }).waitFor();
    await sidebar.getByRole('button', { name: /^Library/ }).click();
    await page.locator('.table__row', { hasText: 'Arc Light' }).locator('.genre-chip', { hasText: 'Electronic Music' }).waitFor();
    const rows = await genreColumn(page);
    assert.deepEqual(chipsByTitle(rows), sortedByGenre('Electronic Music'));
    assert.equal(rows[1].tips[0], 'From the file’s tags: “electronica”');
  });

  await t.test('the sidebar folds to an icon rail, by keyboard too, and stays folded after a reload', async () => {
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok((await sidebar.boundingBox())!.width < 80, 'a rail, not the full sidebar');
    // Icons only, but every section keeps its name.
    await sidebar.getByRole('button', { name: 'Genres' }).waitFor();
    assert.equal(await sidebar.getByText('Folders').count(), 0);
    await page.screenshot({ path: join(shots, 'layout-02-rail.png'), animations: 'disabled' });
    await open();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'remembered across reloads');
    await toggle.click();
    await open();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok((await sidebar.boundingBox())!.width > 200);
  });

  await t.test('a narrow window gets the rail by itself, no sideways scrolling, and the full sidebar over the content', async () => {
    await page.setViewportSize({ width: 900, height: 700 });
    await page.waitForFunction(() => document.querySelector('.sidebar__toggle')?.getAttribute('aria-expanded') === 'false');
    assert.ok((await sidebar.boundingBox())!.width < 80);
    assert.ok((await horizontalOverflow(page)) <= 0, `the page scrolls sideways by ${await horizontalOverflow(page)}px`);
    const header = page.locator('.table__header');
    assert.ok(await header.evaluate((element) => element.scrollWidth <= element.clientWidth), 'the table header fits');
    await page.screenshot({ path: join(shots, 'layout-03-narrow.png'), animations: 'disabled' });

    const mainLeft = async () => (await page.locator('main').boundingBox())!.x;
    const before = await mainLeft();
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok((await sidebar.boundingBox())!.width > 200);
    assert.equal(await mainLeft(), before, 'over the content, which does not move');
    assert.ok((await horizontalOverflow(page)) <= 0);
    await page.screenshot({ path: join(shots, 'layout-04-narrow-open.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await toggle.evaluate((element) => element === document.activeElement), true, 'Escape gives the focus back to the toggle');
    // Choosing a section closes it too.
    await toggle.click();
    await sidebar.getByRole('button', { name: 'Genres' }).click();
    await page.getByRole('table', { name: 'Genre vocabulary' }).waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    // Opening it in a narrow window is not a choice to remember: a wide window shows it in full again.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => document.querySelector('.sidebar__toggle')?.getAttribute('aria-expanded') === 'true');
  });

  assert.deepEqual(pageErrors, []);
});
