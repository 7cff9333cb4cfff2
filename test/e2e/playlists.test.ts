import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LibraryMap, ScanProgress, TrackFacets } from '../../core/api/contract.js';
import {
  SYNTH_TRACKS,
  e2eWorkspace,
  ensureScreenshotDir,
  haveChromium,
  synthesizeLibrary,
  type ServeProcess,
  type SynthTrack,
} from './helpers.js';
import { waitFor } from '../helpers/wait.js';

/**
 * "Sounds like this" end to end, in Chromium against `timbre serve`: from a track make a playlist,
 * reorder it (buttons and drag), play it through, save it, export it as M3U8 (a browser download, with
 * absolute paths) and check the file line by line; then the library
 * map renders, hovering a point names its track and clicking it opens that track.
 * Screenshots land in test-output/screenshots/.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

/** Three more clips, so a playlist has something to choose from beyond the app test's five. */
const EXTRA_TRACKS: SynthTrack[] = [
  {
    file: 'square-dance.wav',
    title: 'Square Dance',
    artist: 'Grid Works',
    album: 'Pulses',
    // Lower case on purpose: the API names it "Electronic", so the map's legend counts it with the app test's two.
    genre: 'electronic',
    source: "aevalsrc='0.25*sgn(sin(2*PI*220*t))':s=22050:d=6",
  },
  { file: 'high-whistle.mp3', title: 'High Whistle', artist: 'Aurora Lane', album: 'Nightfall', genre: 'Ambient', source: 'sine=frequency=1760:duration=6' },
  { file: 'white-rain.flac', title: 'White Rain', artist: 'Low End', album: 'Weather', genre: 'Jazz', source: 'anoisesrc=color=white:amplitude=0.2:duration=6' },
];
const ALL_TRACKS = [...SYNTH_TRACKS, ...EXTRA_TRACKS];
/** Seconds of each clip, from its lavfi source. */
const sourceSeconds = (track: SynthTrack) => Number(/(?:duration|d)=(\d+)/.exec(track.source)![1]);

test('playlists and the library map in a real browser', { skip, timeout: 180_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-playlists-');
  const musicDir = join(work, 'Music');
  synthesizeLibrary(musicDir);
  for (const track of EXTRA_TRACKS) {
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', track.source,
      '-metadata', `title=${track.title}`, '-metadata', `artist=${track.artist}`,
      '-metadata', `album=${track.album}`, '-metadata', `genre=${track.genre}`,
      join(musicDir, track.file),
    ]);
  }
  const shots = ensureScreenshotDir();

  const server = await serve(join(work, 'library.db'), ['--jobs', '2']);
  const api = apiCaller(server);
  // The library is set up through the API: the app test covers adding a folder in the UI.
  await api('addFolder', { path: musicDir });
  await waitFor(
    'the scan to finish',
    async () => {
      const progress = await api<ScanProgress>('scanProgress');
      return progress.total === ALL_TRACKS.length + 1 && progress.done + progress.failed === progress.total && progress.active === 0;
    },
    120_000,
  );

  const { page, pageErrors } = await openPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'light', acceptDownloads: true });
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: `${ALL_TRACKS.length + 1} tracks` }).waitFor();

  const rows = page.locator('.playlist-row');
  const order = () => rows.evaluateAll((items) => items.map((item) => (item as HTMLElement).querySelector('.playlist-row__title')!.textContent ?? ''));

  await t.test('from a track, "Sounds like this" makes a playlist that starts with it and says why', async () => {
    await page.locator('.table__row', { hasText: 'Pulse Drive' }).click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: 'Pulse Drive' }).waitFor();
    const neighbours = panel.getByRole('list', { name: 'Most similar tracks' }).getByRole('listitem').filter({ has: page.locator('.sounds-like__track') });
    await waitFor('five neighbours in the track panel', async () => (await neighbours.count()) === 5);
    const neighbourTitles = await neighbours.locator('.sounds-like__track .cell-strong').allTextContents();
    assert.ok(!neighbourTitles.includes('Pulse Drive') && new Set(neighbourTitles).size === 5, `${neighbourTitles}`);
    await page.screenshot({ path: join(shots, 'p0-track-neighbours.png'), animations: 'disabled' });
    await panel.getByRole('button', { name: 'Sounds like this' }).click();
    await page.getByRole('heading', { name: 'Playlists', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Playlist tracks' }).waitFor();
    // Every analysed track fits in a 20-track playlist of this small library (the corrupt file is not analysed).
    await waitFor('the whole playlist', async () => (await rows.count()) === ALL_TRACKS.length);
    const titles = await order();
    assert.equal(titles[0], 'Pulse Drive', 'the seed comes first');
    assert.deepEqual([...titles].sort(), ALL_TRACKS.map((track) => track.title).sort());
    assert.equal((await rows.first().locator('.reason--seed').textContent())?.trim(), 'seed');
    const explained = await rows.locator('.reasons li').count();
    assert.ok(explained >= ALL_TRACKS.length - 1, `every other track carries a reason or a match score (${explained})`);
    assert.equal(await page.getByRole('textbox', { name: 'Playlist name' }).inputValue(), 'Sounds like Pulse Drive');
    // The panel stayed scrolled to its "Sounds like this" button; opening the seed from the playlist shows its player first.
    const panelBody = panel.locator('.track-panel__body');
    const scrolledTo = await panelBody.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
      return element.scrollTop;
    });
    assert.ok(scrolledTo > 0, 'the panel body scrolls');
    await rows.first().locator('.playlist-row__titles').click();
    await waitFor('the panel back at its top', async () => (await panelBody.evaluate((element) => element.scrollTop)) === 0);
    await page.keyboard.press('Escape'); // close the track panel
    await page.screenshot({ path: join(shots, 'p1-playlist.png'), animations: 'disabled' });
  });

  await t.test('the playlist reorders with the ↓ button, by drag and drop, and loses a removed track', async () => {
    const before = await order();
    await page.getByRole('button', { name: `Move ${before[1]} down` }).click();
    const afterButton = [before[0], before[2], before[1], ...before.slice(3)];
    await waitFor('the ↓ move', async () => JSON.stringify(await order()) === JSON.stringify(afterButton));

    await rows.nth(4).dragTo(rows.nth(1));
    const afterDrag = [afterButton[0], afterButton[4], afterButton[1], afterButton[2], afterButton[3], ...afterButton.slice(5)];
    await waitFor('the drag', async () => JSON.stringify(await order()) === JSON.stringify(afterDrag));

    const removed = afterDrag.at(-1)!;
    await page.getByRole('button', { name: `Remove ${removed}` }).click();
    await waitFor('the removal', async () => JSON.stringify(await order()) === JSON.stringify(afterDrag.slice(0, -1)));
    assert.match((await page.getByTestId('playlist-summary').textContent()) ?? '', new RegExp(`^${ALL_TRACKS.length - 1} tracks`));
  });

  await t.test('play all plays the first track, and the next when it ends', async () => {
    const titles = await order();
    await page.getByRole('button', { name: 'Play all' }).click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: titles[0] }).waitFor();
    await page.waitForFunction(() => {
      const audio = document.querySelector('audio');
      return audio !== null && !audio.paused && audio.currentTime > 0.1;
    }, undefined, { timeout: 20_000 });
    // Skip to the end rather than wait for it.
    await page.evaluate(() => {
      const audio = document.querySelector('audio')!;
      audio.currentTime = Math.max(0, audio.duration - 0.2);
    });
    await panel.getByRole('heading', { name: titles[1] }).waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => !document.querySelector('audio')!.paused, undefined, { timeout: 20_000 });
    assert.equal(await rows.nth(1).getAttribute('aria-current'), 'true', 'the playing row is marked');
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.keyboard.press('Escape');
  });

  await t.test('the playlist is saved under a name and listed', async () => {
    await page.getByRole('textbox', { name: 'Playlist name' }).fill('Road trip');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('navigation', { name: 'Saved playlists' }).getByRole('button', { name: /^Road trip/ }).waitFor();
    assert.match((await page.getByTestId('playlist-summary').textContent()) ?? '', /saved/);
  });

  await t.test('export downloads an M3U8 with absolute paths in the playlist order; the server writes no file', async () => {
    const titles = await order();
    const expected = titles.map((title) => ALL_TRACKS.find((track) => track.title === title)!);
    const playlistFile = join(work, 'Playlists', 'road-trip.m3u8');

    await page.getByRole('button', { name: 'Export M3U8' }).click();
    const form = page.getByRole('form', { name: 'Export M3U8' });
    await form.getByRole('textbox', { name: 'Playlist file path' }).fill(playlistFile);
    await page.screenshot({ path: join(shots, 'p2-export.png'), animations: 'disabled' });
    assert.equal(await form.getByRole('button', { name: 'Save file' }).count(), 0, 'web mode has no server-side save');
    // A download lands in the browser's Downloads, where relative paths would break: it lists absolute ones.
    const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(existsSync(playlistFile), false, 'the server wrote nothing at the path the page named');
    assert.equal(download.suggestedFilename(), 'road-trip.m3u8');
    // Put where the user meant it, as a browser user would.
    mkdirSync(join(work, 'Playlists'), { recursive: true });
    await download.saveAs(playlistFile);
    checkM3u8(readFileSync(playlistFile, 'utf8'), expected, (track) => join(musicDir, track.file));
  });

  await t.test('importing the exported M3U8 gives a saved playlist of the same tracks in the same order', async () => {
    const exported = await order();
    await page.getByRole('button', { name: 'Import M3U8' }).click();
    await page.getByLabel('M3U8 file to import').setInputFiles(join(work, 'Playlists', 'road-trip.m3u8'));
    await page.getByText(`Imported ${exported.length} tracks`).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Playlist name' }).inputValue(), 'road-trip');
    assert.deepEqual(await order(), exported);
    const saved = page.getByRole('navigation', { name: 'Saved playlists' });
    await saved.getByRole('button', { name: /^road-trip/ }).waitFor();
    assert.match((await page.locator('.playlist-controls__note').textContent()) ?? '', /imported/, 'nothing to regenerate from');
  });

  await t.test('a generated playlist regenerates to a new length and steers away from a track', async () => {
    await page.getByRole('navigation', { name: 'Saved playlists' }).getByRole('button', { name: /^Road trip/ }).click();
    await waitFor('the saved playlist', async () => (await page.getByRole('textbox', { name: 'Playlist name' }).inputValue()) === 'Road trip');
    await page.getByRole('spinbutton', { name: 'Number of tracks' }).fill('5');
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await waitFor('five tracks', async () => (await rows.count()) === 5);
    assert.equal((await order())[0], 'Pulse Drive', 'still seeded by Pulse Drive');
    await page.getByRole('navigation', { name: 'Saved playlists' }).getByRole('button', { name: /^Road trip 5 tracks/ }).waitFor();

    const avoided = (await order())[2];
    await page.getByRole('button', { name: `Less like ${avoided}` }).click();
    await page.getByRole('list', { name: 'Steering' }).getByText(`Less like ${avoided}`).waitFor();
    let titles: string[] = [];
    await waitFor('a playlist without it', async () => {
      titles = await order();
      return titles.length === 5 && !titles.includes(avoided);
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${avoided} in ${titles}`);
    });

    // A second seed, from a track's panel; it stays in the playlist, which still starts at the first.
    const second = titles[3];
    await rows.nth(3).locator('.playlist-row__titles').click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: second }).waitFor();
    await panel.getByRole('button', { name: 'Add as seed' }).click();
    const seeds = page.getByRole('list', { name: 'Seeds' }).getByRole('listitem');
    await waitFor('two seeds', async () => JSON.stringify(await seeds.allTextContents()) === JSON.stringify(['Pulse Drive', second]));
    await waitFor('both seeds in the playlist', async () => {
      const now = await order();
      return now[0] === 'Pulse Drive' && now.includes(second);
    });
    await panel.getByRole('button', { name: 'Add as seed' }).waitFor({ state: 'detached' });
    await page.screenshot({ path: join(shots, 'p5-steered.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
  });

  await t.test('the map renders every track by genre; hovering names a point, clicking opens that track', async () => {
    // A genre has one colour everywhere: the Genres page's dot is the map legend's.
    await page.getByRole('button', { name: 'Genres', exact: true }).click();
    const genresPageColour = await page.locator('.vocabulary tr[data-genre="Electronic"] .genre-dot').evaluate((dot) => getComputedStyle(dot).backgroundColor);
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    const canvas = page.getByRole('img', { name: /^Map of/ });
    await canvas.waitFor();
    const map = await api<LibraryMap>('libraryMap');
    assert.equal(map.points.length, ALL_TRACKS.length);
    await page.getByRole('img', { name: new RegExp(`Map of ${ALL_TRACKS.length} tracks`) }).waitFor();
    const legend = await page.locator('.map__legend-name').allTextContents();
    assert.deepEqual(new Set(legend), new Set(map.points.map((point) => point.genre ?? 'No genre')));
    assert.equal(await page.locator('.map__legend-item', { hasText: 'Electronic' }).locator('.map__legend-count').textContent(), '3', 'one entry for both spellings');
    const mapColour = await page.locator('.map__legend-item', { hasText: 'Electronic' }).locator('.genre-dot').evaluate((dot) => getComputedStyle(dot).backgroundColor);
    assert.equal(mapColour, genresPageColour, 'the map colours Electronic as the Genres page does');
    // The map and the library's genre filter name the tag 'electronic' as the Genres page does.
    assert.ok(!map.points.some((point) => point.genre === 'electronic'), 'map points carry the vocabulary name');
    const { genres } = await api<TrackFacets>('trackFacets');
    assert.ok(genres.includes('Electronic') && !genres.includes('electronic'), genres.join(', '));
    const colours = await canvas.evaluate((element) => {
      const canvasElement = element as HTMLCanvasElement;
      const data = canvasElement.getContext('2d')!.getImageData(0, 0, canvasElement.width, canvasElement.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return seen.size;
    });
    assert.ok(colours >= 2, `points are drawn in genre colours (${colours} opaque colours)`);

    const target = map.points.find((point) => point.title === 'Chord Memory')!;
    const { x, y } = await screenPosition(page, target);
    await page.mouse.move(x, y);
    assert.match((await page.getByRole('tooltip').textContent()) ?? '', /Chord Memory/);
    await page.screenshot({ path: join(shots, 'p3-map-hover.png'), animations: 'disabled' });
    await page.mouse.click(x, y);
    await page.getByRole('complementary', { name: 'Track details' }).getByRole('heading', { name: 'Chord Memory' }).waitFor();
    assert.equal(await canvas.getAttribute('data-selected-id'), String(target.id));
    const selection = page.getByRole('region', { name: 'Selected track' });
    assert.equal(await selection.locator('.map__selection-title').textContent(), 'Chord Memory');
    await page.screenshot({ path: join(shots, 'p4-map-selected.png'), animations: 'disabled' });

    // The keyboard walks the map: an arrow key opens the nearest track that way.
    await canvas.focus();
    let moved = false;
    for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) {
      await page.keyboard.press(key);
      moved = await page
        .waitForFunction((id) => document.querySelector('canvas.map__canvas')?.getAttribute('data-selected-id') !== id, String(target.id), { timeout: 2000 })
        .then(() => true, () => false);
      if (moved) break;
    }
    assert.ok(moved, 'an arrow key selects a neighbouring point');
    const walkedToId = await canvas.getAttribute('data-selected-id');
    const walkedTo = map.points.find((point) => String(point.id) === walkedToId)!;
    await page.getByRole('complementary', { name: 'Track details' }).getByRole('heading', { name: walkedTo.title! }).waitFor();
    // Back to Chord Memory by mouse, where it is drawn now (opening the panel may have panned the map).
    const again = await screenPosition(page, target);
    await page.mouse.click(again.x, again.y);
    await page.getByRole('complementary', { name: 'Track details' }).getByRole('heading', { name: 'Chord Memory' }).waitFor();

    await selection.getByRole('button', { name: 'Sounds like this' }).click();
    await page.getByRole('heading', { name: 'Playlists', level: 1 }).waitFor();
    await waitFor('a playlist seeded from the map', async () => (await order())[0] === 'Chord Memory');
  });

  await t.test('S on a selected library row, or the context menu of a row, makes its playlist', async () => {
    await page.keyboard.press('Escape'); // close the track panel: S then takes the table's selection
    await page.getByRole('button', { name: /^Library/ }).click();
    await page.getByRole('searchbox', { name: 'Search tracks' }).fill('brown');
    await page.getByRole('searchbox', { name: 'Search tracks' }).press('ArrowDown');
    await page.locator('.table__row[aria-selected=true]', { hasText: 'Brown Study' }).waitFor();
    await page.keyboard.press('s');
    await page.getByRole('heading', { name: 'Playlists', level: 1 }).waitFor();
    await waitFor('a playlist seeded by the selected row', async () => (await order())[0] === 'Brown Study');

    await page.getByRole('button', { name: /^Library/ }).click();
    await page.getByRole('searchbox', { name: 'Search tracks' }).fill('');
    await page.locator('.table__row', { hasText: 'White Rain' }).click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Track actions' });
    await menu.waitFor();
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), [
      'Sounds like this',
      'Add as seed of “Sounds like Brown Study”',
      'Play',
      'Play next',
      'Add to queue',
    ]);
    await page.screenshot({ path: join(shots, 'p6-context-menu.png'), animations: 'disabled' });
    await menu.getByRole('menuitem', { name: 'Sounds like this' }).click();
    await waitFor('a playlist seeded from the context menu', async () => (await order())[0] === 'White Rain');
  });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

function apiCaller(server: ServeProcess) {
  return async <T>(method: string, args?: unknown): Promise<T> => {
    const response = await fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'X-Timbre-Token': server.token, 'Content-Type': 'application/json' },
      body: args === undefined ? '' : JSON.stringify(args),
    });
    const reply = (await response.json()) as { ok: boolean; result: T; error?: { message: string } };
    if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
    return reply.result;
  };
}

/** Where a map point is drawn, in page pixels (the canvas publishes its view transform). */
async function screenPosition(page: Page, point: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const canvas = page.getByRole('img', { name: /^Map of/ });
  const box = (await canvas.boundingBox())!;
  const [scale, offsetX, offsetY] = await Promise.all(['data-scale', 'data-offset-x', 'data-offset-y'].map(async (name) => Number(await canvas.getAttribute(name))));
  return { x: box.x + point.x * scale + offsetX, y: box.y + point.y * scale + offsetY };
}

/** An M3U8 of exactly these tracks in this order: #EXTM3U, then #EXTINF:<seconds>,<Artist - Title> and the location. */
function checkM3u8(text: string, tracks: SynthTrack[], location: (track: SynthTrack) => string): void {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '#EXTM3U');
  assert.equal(lines.length, 1 + 2 * tracks.length, text);
  tracks.forEach((track, i) => {
    const extinf = /^#EXTINF:(\d+),(.*)$/.exec(lines[1 + 2 * i]);
    assert.ok(extinf, `line ${2 + 2 * i}: ${lines[1 + 2 * i]}`);
    assert.ok(Math.abs(Number(extinf[1]) - sourceSeconds(track)) <= 1, `${track.title}: ${extinf[1]} s`);
    assert.equal(extinf[2], `${track.artist} - ${track.title}`);
    assert.equal(lines[2 + 2 * i], location(track));
  });
}
