import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { planExcerpt } from '../../core/audio/windows.js';
import { listTracksJson, runTimbre } from '../helpers/cli.js';
import { modelsWithThreshold } from '../helpers/models.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium } from './helpers.js';

/**
 * What the app claims about a track's genre, in Chromium against `timbre serve`: a track the model is
 * unsure of reads "Unsure" with its candidates, never a confident label, and the genre timeline of a
 * long track shows the three analysed windows with gaps between them. The models are a copy whose
 * threshold is near 1 (test/helpers/models.ts), so the model is unsure of every track.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

const LONG_SECONDS = 100;

test('an unsure track and the timeline’s gaps in a real browser', { skip, timeout: 180_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-honesty-');
  const musicDir = join(work, 'Music');
  mkdirSync(musicDir);
  const synth = (file: string, source: string, title: string, genre?: string) =>
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-ar', '22050', '-ac', '1', '-metadata', `title=${title}`, ...(genre ? ['-metadata', `genre=${genre}`] : []), join(musicDir, file)]);
  synth('long-hiss.wav', `anoisesrc=color=pink:amplitude=0.3:duration=${LONG_SECONDS}`, 'Long Hiss');
  synth('tagged-hiss.wav', 'anoisesrc=color=brown:amplitude=0.3:duration=6', 'Tagged Hiss', 'Blues');
  const dbPath = join(work, 'library.db');
  const env = { TIMBRE_MODELS_DIR: modelsWithThreshold(work, 0.999) };
  const scan = await runTimbre(['scan', musicDir, '--db', dbPath, '--jobs', '1'], { env: { ...process.env, ...env } });
  assert.equal(scan.code, 0, scan.stderr);

  await t.test('the stored tracks: no genre named, candidates kept; a tag genre still is the effective genre', async () => {
    const tracks = (await listTracksJson(dbPath)) as unknown as Array<{ title: string; genre: string | null; predicted: { genre: string | null; candidates: unknown[] } }>;
    const long = tracks.find((track) => track.title === 'Long Hiss')!;
    const tagged = tracks.find((track) => track.title === 'Tagged Hiss')!;
    assert.equal(long.predicted.genre, null);
    assert.equal(long.predicted.candidates.length, 3);
    assert.equal(long.genre, null, 'an unsure prediction gives no effective genre');
    assert.equal(tagged.genre, 'Blues');
  });

  const server = await serve(dbPath, ['--jobs', '1'], env);
  const shots = ensureScreenshotDir();
  const { page, pageErrors } = await openPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' });
  page.setDefaultTimeout(15_000);
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: '2 tracks' }).waitFor();

  await t.test('the library’s Predicted cell reads "Unsure" with the top candidates, not a genre', async () => {
    const row = page.locator('.table__row', { hasText: 'Long Hiss' });
    const cell = row.locator('.table__cell--predicted');
    await cell.getByText('Unsure', { exact: true }).waitFor();
    assert.match((await cell.locator('.prediction-cell__candidates').textContent()) ?? '', /^\w[\w &/-]* \/ \w/, 'two candidates');
    assert.match((await cell.locator('.prediction-cell').getAttribute('title')) ?? '', /^Unsure: .*Could be \w.*\d+%, .*\d+%, .*\d+%$/);
    assert.equal(await cell.locator('.genre-dot').count(), 0, 'no genre colour: nothing is named');
    assert.equal(await cell.getByRole('button').count(), 0, 'no suggestion to accept');
    assert.equal((await row.locator('.table__cell--genre .genre-cell__chips').textContent())?.trim(), '', 'no effective genre');
    await page.screenshot({ path: join(shots, 'honesty-01-unsure-library.png'), animations: 'disabled' });
  });

  await t.test('the track panel says Unsure, lists the candidates, and keeps every probability', async () => {
    await page.locator('.table__row', { hasText: 'Long Hiss' }).click();
    const panel = page.getByRole('complementary', { name: 'Track details' });
    await panel.getByRole('heading', { name: 'Long Hiss' }).waitFor();
    const headline = panel.getByTestId('prediction-headline');
    await headline.locator('.genre-pill--unsure', { hasText: 'Unsure' }).waitFor();
    assert.equal(await panel.locator('.genre-pill:not(.genre-pill--unsure)').count(), 0, 'no confident label anywhere');
    assert.match((await headline.textContent()) ?? '', /needed to name one \(top \d+%\)/);
    const candidates = panel.getByTestId('unsure-candidates');
    assert.equal(await candidates.locator('.unsure-candidates__genre').count(), 3);
    assert.ok((await panel.locator('.genre-bar').count()) >= 3, 'probabilities are always shown');
  });

  await t.test('the timeline shows the three analysed windows and draws the rest as gaps', async () => {
    const panel = page.getByRole('complementary', { name: 'Track details' });
    const lane = panel.getByRole('list', { name: 'Genre over time' });
    await lane.waitFor();
    const windows = planExcerpt(LONG_SECONDS).decodeWindows;
    // Before, between and after the three windows.
    assert.equal(await lane.locator('.timeline__gap').count(), 4);
    const gapLabels = await lane.locator('.timeline__gap').evaluateAll((gaps) => gaps.map((gap) => gap.getAttribute('aria-label')));
    assert.deepEqual(gapLabels, ['0:00–0:15: not analysed', '0:25–0:45: not analysed', '0:55–1:15: not analysed', '1:25–1:40: not analysed']);
    // Every segment lies inside an analysed window: none is stretched over time that was never heard.
    const positions = await lane.locator('.timeline__segment').evaluateAll((segments) =>
      segments.map((segment) => [parseFloat((segment as HTMLElement).style.left), parseFloat((segment as HTMLElement).style.width)]),
    );
    assert.ok(positions.length >= 10, `${positions.length} segments`);
    for (const [left, width] of positions) {
      const [start, end] = [(left / 100) * LONG_SECONDS, ((left + width) / 100) * LONG_SECONDS];
      const inside = windows.some((window) => start >= window.offsetSeconds - 0.01 && end <= window.offsetSeconds + window.durationSeconds + 0.01);
      assert.ok(inside, `segment ${start.toFixed(2)}–${end.toFixed(2)} s lies in an analysed window`);
    }
    await panel.getByText('not analysed', { exact: true }).waitFor();
    assert.match((await panel.getByTestId('timeline-source').textContent()) ?? '', /same model as the genre above .*Only the stretches drawn were analysed/);
    await panel.locator('.timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'honesty-02-unsure-track-timeline.png'), animations: 'disabled' });
  });

  assert.deepEqual(pageErrors, []);
});
