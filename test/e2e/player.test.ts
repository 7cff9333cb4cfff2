import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ScanProgress } from '../../core/api/contract.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium, type ServeProcess } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The now-playing bar and the queue, in Chromium against `timbre serve`: playback goes on across
 * navigation, Esc and ↓; play / play next / add to queue build the queue in the order asked; next,
 * previous and a track's end follow it; the queue view reorders (Alt+↓, drag), removes and clears
 * (with undo); shuffle plays every track once before any again; the volume and the queue survive a
 * reload. Screenshots of the bar and the queue view, light and dark, at two window sizes.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

/** Six short tones, one artist each so the library's default artist sort lists them in this order. */
const TRACKS = ['Amber', 'Birch', 'Cedar', 'Dune', 'Elm', 'Fern'].map((title, index) => ({
  title,
  artist: `${String.fromCharCode(65 + index)}. Player`,
  file: `${title.toLowerCase()}.ogg`,
  frequency: 220 * 2 ** (index / 6),
}));
const SECONDS = 6;

test('the now-playing bar and the queue in a real browser', { skip, timeout: 240_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-player-');
  const musicDir = join(work, 'Music');
  mkdirSync(musicDir, { recursive: true });
  for (const track of TRACKS) {
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${track.frequency.toFixed(1)}:duration=${SECONDS}`,
      '-metadata', `title=${track.title}`, '-metadata', `artist=${track.artist}`, '-metadata', 'genre=Ambient',
      join(musicDir, track.file),
    ]);
  }
  const shots = ensureScreenshotDir();
  const server = await serve(join(work, 'library.db'), ['--jobs', '2']);
  const api = apiCaller(server);
  await api('addFolder', { path: musicDir });
  await waitFor(
    'the scan to finish',
    async () => {
      const progress = await api<ScanProgress>('scanProgress');
      return progress.total === TRACKS.length && progress.done + progress.failed === progress.total && progress.active === 0;
    },
    120_000,
  );

  const { page, pageErrors } = await openPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: `${TRACKS.length} tracks` }).waitFor();

  const bar = page.getByRole('region', { name: 'Now playing' });
  const barTitle = () => bar.getByTestId('now-playing-title').textContent();
  const panel = page.getByRole('complementary', { name: 'Track details' });
  const row = (title: string) => page.locator('.table__row', { hasText: title });
  const queueTitles = () => page.locator('.queue-row__title').allTextContents();
  const menu = async (title: string, item: string) => {
    await row(title).click({ button: 'right' });
    await page.getByRole('menu', { name: 'Track actions' }).getByRole('menuitem', { name: item, exact: true }).click();
  };
  const goTo = async (section: string) => {
    // The library's button also carries its track count.
    await page.getByRole('navigation', { name: 'Sidebar' }).getByRole('button', { name: section === 'Library' ? /^Library/ : section, exact: true }).click();
  };

  await t.test('playback goes on across ↓, Escape and every section', async () => {
    await row('Amber').click();
    await panel.getByRole('heading', { name: 'Amber' }).waitFor();
    await panel.getByRole('button', { name: 'Play', exact: true }).click();
    await waitPlaying(page, 'Amber');
    assert.equal(await barTitle(), 'Amber');
    const before = await audioState(page);

    await page.locator('.table__body').focus();
    await page.keyboard.press('ArrowDown');
    await panel.getByRole('heading', { name: 'Birch' }).waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    for (const section of ['Genres', 'Playlists', 'Map', 'Queue', 'Library']) await goTo(section);
    await page.getByTestId('track-count').waitFor();

    const after = await audioState(page);
    assert.equal(after.src, before.src, 'the same track plays on');
    assert.equal(after.paused, false, 'still playing');
    assert.ok(after.currentTime > before.currentTime, `and moving (${before.currentTime} → ${after.currentTime})`);
    assert.equal(await barTitle(), 'Amber');
    // The bar's track opens its panel.
    await bar.getByRole('button', { name: /^Amber/ }).click();
    await panel.getByRole('heading', { name: 'Amber' }).waitFor();
    await page.keyboard.press('Escape');
    // The OS's media controls name the track and know it plays.
    assert.deepEqual(await page.evaluate(() => [navigator.mediaSession.metadata?.title, navigator.mediaSession.metadata?.artist, navigator.mediaSession.playbackState]), [
      'Amber',
      'A. Player',
      'playing',
    ]);
  });

  await t.test('play, play next and add to queue build the queue; next, previous and a track ending follow it', async () => {
    // Ticked rows: "Play 3 tracks" replaces the queue with them, in the order ticked.
    for (const title of ['Amber', 'Birch', 'Cedar']) await row(title).getByRole('checkbox').click();
    await menu('Birch', 'Play 3 tracks');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await menu('Dune', 'Add to queue');
    await menu('Elm', 'Play next');
    await waitPlaying(page, 'Amber');

    await goTo('Queue');
    await waitFor('the queue in order', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Amber', 'Elm', 'Birch', 'Cedar', 'Dune']));
    assert.equal(await page.locator('.queue-row[aria-current=true] .queue-row__title').textContent(), 'Amber');

    await bar.getByRole('button', { name: 'Next track' }).click();
    await waitPlaying(page, 'Elm');
    await bar.getByRole('button', { name: 'Next track' }).click();
    await waitPlaying(page, 'Birch');
    await bar.getByRole('button', { name: 'Previous track' }).click();
    await waitPlaying(page, 'Elm');
    // Ctrl+→ is "next" anywhere but in a text field.
    await page.locator('.queue-row[aria-current=true]').focus();
    await page.keyboard.press('Control+ArrowRight');
    await waitPlaying(page, 'Birch');

    // A track that ends is followed by the next in the queue, without a click.
    await page.evaluate(() => {
      const audio = document.querySelector('audio')!;
      audio.currentTime = Math.max(0, audio.duration - 0.3);
    });
    await waitPlaying(page, 'Cedar');
    assert.equal(await page.locator('.queue-row[aria-current=true] .queue-row__title').textContent(), 'Cedar');
  });

  await t.test('the queue view reorders by keyboard and drag, removes, and clears with undo', async () => {
    // Alt+↓ on a focused row, as in playlists.
    await page.locator('.queue-row', { hasText: 'Amber' }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await waitFor('Alt+↓', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Elm', 'Amber', 'Birch', 'Cedar', 'Dune']));
    assert.equal(await page.evaluate(() => document.activeElement?.querySelector('.queue-row__title')?.textContent), 'Amber', 'the moved row keeps the focus');

    await page.locator('.queue-row', { hasText: 'Dune' }).dragTo(page.locator('.queue-row', { hasText: 'Elm' }));
    await waitFor('the drag', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Dune', 'Elm', 'Amber', 'Birch', 'Cedar']));
    assert.equal(await page.locator('.queue-row[aria-current=true] .queue-row__title').textContent(), 'Cedar', 'the current track stays current');

    await page.getByRole('button', { name: 'Remove Elm from the queue' }).click();
    await waitFor('the removal', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Dune', 'Amber', 'Birch', 'Cedar']));

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await waitFor('the clear', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Cedar']));
    assert.equal((await audioState(page)).paused, false, 'the current track plays on');
    await page.getByRole('button', { name: 'Undo clear' }).click();
    await waitFor('the undo', async () => JSON.stringify(await queueTitles()) === JSON.stringify(['Dune', 'Amber', 'Birch', 'Cedar']));
  });

  await t.test('shuffle plays every track once before any again, and off restores the order', async () => {
    await goTo('Library');
    await page.locator('.table__body').focus();
    await page.keyboard.press('Control+a');
    await page.getByTestId('selection-count').filter({ hasText: `${TRACKS.length} tracks selected` }).waitFor();
    await menu('Amber', `Play ${TRACKS.length} tracks`);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await waitPlaying(page, 'Amber');
    await goTo('Queue');
    await waitFor('the whole library queued', async () => (await queueTitles()).length === TRACKS.length);
    const inOrder = await queueTitles();

    await bar.getByRole('button', { name: 'Shuffle' }).click();
    assert.equal(await bar.getByRole('button', { name: 'Shuffle' }).getAttribute('aria-pressed'), 'true');
    const round = async () => {
      const heard = [(await barTitle()) ?? ''];
      for (let i = 1; i < TRACKS.length; i++) {
        await bar.getByRole('button', { name: 'Next track' }).click();
        heard.push(await waitFor('the next track', async () => {
          const title = await barTitle();
          return title !== null && title !== heard.at(-1) && title;
        }));
      }
      return heard;
    };
    const first = await round();
    assert.deepEqual([...first].sort(), TRACKS.map((track) => track.title), `each track once: ${first}`);
    assert.equal(await bar.getByRole('button', { name: 'Next track' }).isDisabled(), true, 'the queue is exhausted');

    // With "repeat all" a new round starts, shuffled afresh: again every track once.
    await bar.getByRole('button', { name: 'Repeat' }).click();
    assert.equal(await bar.getByRole('button', { name: 'Repeat' }).getAttribute('data-repeat'), 'all');
    await bar.getByRole('button', { name: 'Next track' }).click();
    await waitFor('the new round', async () => (await barTitle()) !== first.at(-1));
    const second = await round();
    assert.deepEqual([...second].sort(), TRACKS.map((track) => track.title), `each track once again: ${second}`);
    assert.notEqual(second[0], first.at(-1), 'a round does not start with the track just heard');
    await page.screenshot({ path: join(shots, 'player-queue-shuffled.png'), animations: 'disabled' });

    await bar.getByRole('button', { name: 'Shuffle' }).click();
    await waitFor('the order before shuffle', async () => JSON.stringify(await queueTitles()) === JSON.stringify(inOrder));
    await bar.getByRole('button', { name: 'Repeat' }).click();
    await bar.getByRole('button', { name: 'Repeat' }).click();
    assert.equal(await bar.getByRole('button', { name: 'Repeat' }).getAttribute('data-repeat'), 'off');
  });

  await t.test('the volume, the queue and its position survive a reload', async () => {
    // As a drag sets it: the value, then an input event (React listens to those).
    await bar.getByRole('slider', { name: 'Volume' }).evaluate((element) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(element, '0.35');
      element.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await waitFor('the new volume', async () => (await page.evaluate(() => document.querySelector('audio')!.volume)) === 0.35);
    // Paused first, so that no track ends and moves the queue on between reading a row and clicking it (the
    // current row's button pauses rather than plays); either way the click then plays the second row.
    if (!(await audioState(page)).paused) await bar.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitFor('paused', async () => (await audioState(page)).paused);
    const second = page.locator('.queue-row').nth(1);
    const playing = (await second.locator('.queue-row__title').textContent())!;
    await second.locator('.queue-row__play').click();
    await waitPlaying(page, playing);
    const queued = await queueTitles();

    await page.reload();
    await page.getByTestId('track-count').waitFor();
    assert.equal(await bar.getByRole('slider', { name: 'Volume' }).inputValue(), '0.35');
    assert.equal(await page.evaluate(() => document.querySelector('audio')!.volume), 0.35);
    await waitFor('the track that was playing', async () => (await barTitle()) === playing);
    await goTo('Queue');
    await waitFor('the queue as it was', async () => JSON.stringify(await queueTitles()) === JSON.stringify(queued));
    assert.equal(await page.locator('.queue-row[aria-current=true] .queue-row__title').textContent(), playing);
    // Paused where it was; Play goes on from there.
    assert.equal((await audioState(page)).paused, true);
    await bar.getByRole('button', { name: 'Play', exact: true }).click();
    await waitPlaying(page, playing);
  });

  await t.test('a "Sounds like this" playlist is queued next or at the end, and a nearest track on its own', async () => {
    await goTo('Library');
    await row('Amber').click();
    await panel.getByRole('button', { name: 'Sounds like this', exact: true }).click();
    await page.getByRole('heading', { name: 'Playlists', level: 1 }).waitFor();
    const playlistRows = page.locator('.playlist-row');
    await waitFor('the playlist', async () => (await playlistRows.count()) === TRACKS.length);
    const playlist = await playlistRows.locator('.playlist-row__title').allTextContents();
    await page.keyboard.press('Escape'); // the panel would cover the playlist's buttons
    await panel.waitFor({ state: 'detached' });
    await goTo('Queue');
    const before = await queueTitles();
    const current = (await page.locator('.queue-row').evaluateAll((rows) => rows.findIndex((row) => row.getAttribute('aria-current') === 'true')))!;

    await goTo('Playlists');
    await page.getByRole('button', { name: 'Add to queue', exact: true }).click();
    await page.getByRole('button', { name: 'Play next', exact: true }).click();
    await goTo('Queue');
    const expected = [...before.slice(0, current + 1), ...playlist, ...before.slice(current + 1), ...playlist];
    await waitFor('the playlist queued twice', async () => JSON.stringify(await queueTitles()) === JSON.stringify(expected));

    // The track panel's nearest tracks: one of them to the end of the queue.
    await page.locator('.queue-row__titles').first().click();
    await panel.getByRole('list', { name: 'Most similar tracks' }).waitFor();
    const neighbour = (await panel.locator('.sounds-like__track .cell-strong').first().textContent())!;
    await panel.getByRole('button', { name: `Add ${neighbour} to the queue` }).click();
    await waitFor('the nearest track queued', async () => (await queueTitles()).at(-1) === neighbour);
    await page.keyboard.press('Escape');
  });

  await t.test('screenshots: the bar, the queue view and the playlist with its queue buttons, light and dark, wide and narrow, without sideways scrolling', async () => {
    await goTo('Queue');
    await page.locator('.queue-row').first().hover();
    for (const [width, height] of [
      [1280, 800],
      [900, 700],
    ]) {
      await page.setViewportSize({ width, height });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const view of ['queue', 'library', 'playlists'] as const) {
          await goTo({ queue: 'Queue', library: 'Library', playlists: 'Playlists' }[view]);
          if (view === 'library') await row('Birch').click();
          const overflow = await page.evaluate(() =>
            ['html', '.now-playing', '.library', '.queue', '.track-panel', '.playlist-head']
              .map((selector) => document.querySelector(selector))
              .filter((element): element is Element => element !== null)
              .filter((element) => element.scrollWidth > element.clientWidth + 1)
              .map((element) => `${element.className || element.tagName}: ${element.scrollWidth} > ${element.clientWidth}`),
          );
          assert.deepEqual(overflow, [], `no sideways overflow at ${width}×${height}, ${scheme}, ${view}`);
          await page.screenshot({ path: join(shots, `player-${view}-${scheme}-${width}x${height}.png`), animations: 'disabled' });
          if (view === 'library') await page.keyboard.press('Escape');
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await t.test('a track that cannot be played is skipped when the queue reaches it by itself', async () => {
    // A file that is not audio, added while the app runs: the folder is watched.
    writeFileSync(join(musicDir, 'broken-take.mp3'), Buffer.from('ID3 this is not really an mp3 '.repeat(64)));
    await goTo('Library');
    // Untagged, it is titled from its file name.
    await row('broken-take').waitFor({ timeout: 30_000 });
    for (const title of ['Amber', 'broken-take', 'Birch']) await row(title).getByRole('checkbox').click();
    await menu('Amber', 'Play 3 tracks');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await waitPlaying(page, 'Amber');
    await page.evaluate(() => {
      const audio = document.querySelector('audio')!;
      audio.currentTime = Math.max(0, audio.duration - 0.3);
    });
    await waitPlaying(page, 'Birch');
    assert.equal(await bar.getByRole('status').textContent(), 'Skipped “broken-take”: it cannot be played.');
    // Chosen by hand, it says why it does not play, and stays.
    await bar.getByRole('button', { name: 'Previous track' }).click();
    await bar.getByRole('alert').filter({ hasText: /^This file cannot be played\./ }).waitFor();
    assert.equal(await barTitle(), 'broken-take');
  });

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

/** The playing element (the first <audio> in the document). */
function audioState(page: Page) {
  return page.evaluate(() => {
    const audio = document.querySelector('audio')!;
    return { src: audio.src, paused: audio.paused, currentTime: audio.currentTime };
  });
}

/** Waits until the bar names `title` and the playing element plays it. */
async function waitPlaying(page: Page, title: string): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const audio = document.querySelector('audio');
      return document.querySelector('[data-testid=now-playing-title]')?.textContent === expected && audio !== null && !audio.paused && audio.currentTime > 0.05;
    },
    title,
    { timeout: 20_000 },
  );
}

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
