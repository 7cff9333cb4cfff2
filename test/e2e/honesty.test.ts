import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planExcerpt } from '../../core/audio/windows.js';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { fileStamp } from '../../core/library/files.js';
import { SeededRandom } from '../../core/ml/random.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
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

/**
 * A library a retrained head can only memorise: 40 analysed tracks by 20 artists whose embeddings are
 * random (96-d, more dimensions than tracks) and whose confirmed genres are drawn at random, unrelated to
 * the sound. Written straight into the database, like test/helpers/genre-library.ts.
 */
function seedMemorisingLibrary(dbPath: string, musicDir: string): number {
  const db = openDatabase(dbPath);
  try {
    const folder = new FoldersRepo(db).add(musicDir);
    const tracks = new TracksRepo(db);
    const predictions = new PredictionsRepo(db);
    const genres = new GenresRepo(db);
    const random = new SeededRandom(5);
    const samples = toneSamples(0.25);
    const names = ['Blues', 'Folk', 'Jazz', 'Soul'];
    const probabilities = { classical: 0.4, electronic: 0.3, pop: 0.2, rock: 0.1 };
    db.transaction(() => {
      for (let i = 0; i < 40; i++) {
        const path = join(musicDir, `take-${i + 1}.wav`);
        writeWav(path, samples);
        const id = tracks.insert({ folderId: folder.id, path, ...fileStamp(statSync(path)), fingerprint: null, status: 'done', error: null });
        const artist = `Artist ${Math.floor(i / 2) + 1}`;
        tracks.setTags(id, { title: `Take ${i + 1}`, artist, album: null, year: null, genres: [], durationSec: 0.25, bitrate: null, sampleRate: 22_050 });
        const embedding = Float32Array.from({ length: 96 }, () => random.normal());
        predictions.save(id, { modelId: 'genre-cnn-lstm-emotify', modelVersion: '1.1.0', genre: 'classical', confidence: 0.4, probabilities, segments: [], embedding }, Date.now());
        const genre = genres.resolveOrCreate(names[random.int(names.length)]);
        genres.setConfirmedRows(id, [{ genreId: genre.id, source: 'user', confirmedAt: Date.now() }]);
      }
    })();
    return 40;
  } finally {
    db.close();
  }
}

test('the Confusion page after "Retrain from my fixes" shows held-out figures, and the fit to the training tracks apart', { skip, timeout: 180_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-confusion-');
  const musicDir = join(work, 'Music');
  mkdirSync(musicDir);
  const dbPath = join(work, 'library.db');
  const count = seedMemorisingLibrary(dbPath, musicDir);
  const shots = ensureScreenshotDir();
  const server = await serve(dbPath, ['--jobs', '1']);
  const { page, pageErrors } = await openPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  page.setDefaultTimeout(15_000);
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: `${count} tracks` }).waitFor();
  await page.getByRole('button', { name: 'Confusion', exact: true }).click();
  await page.getByTestId('confusion-basis').filter({ hasText: `based on ${count} confirmed tracks` }).waitFor();
  await page.getByTestId('confusion-basis-note').filter({ hasText: 'Predictions of the shipped model, which never saw your tracks.' }).waitFor();
  const table = page.getByRole('table', { name: 'Confusion matrix' });
  const shippedVersion = await table.getAttribute('data-version-id');

  await page.getByRole('button', { name: 'Retrain from my fixes' }).click();
  await page.getByTestId('retrain-message').filter({ hasText: `trained on ${count} confirmed tracks` }).waitFor({ timeout: 60_000 });
  await page.waitForFunction((version) => document.querySelector('.heatmap__table')?.getAttribute('data-version-id') !== version, shippedVersion);
  const versionId = await table.getAttribute('data-version-id');
  await page.getByTestId('confusion-basis').filter({ hasText: `based on ${count} held-out confirmed tracks` }).waitFor();

  // The headline is the held-out figure the CLI reports for the same version.
  const cli = await runTimbre(['confusion', '--db', dbPath, '--version', versionId!, '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  const report = JSON.parse(cli.stdout) as { accuracy: number; basis: { outOfFold: number }; trainingAgreement: { accuracy: number; tracks: number } };
  assert.equal(report.basis.outOfFold, count);
  const stat = page.locator('.confusion__figures .stat', { hasText: 'Held-out accuracy' });
  assert.equal(await stat.locator('dd').textContent(), `${(report.accuracy * 100).toFixed(1)}%`);
  const note = page.getByTestId('confusion-basis-note');
  assert.match((await note.textContent()) ?? '', new RegExp(`Held out: ${count} of the tracks it learned from, each predicted during the retrain by a version that never saw its artist \\(5-fold, grouped by artist\\)`));
  const training = page.getByTestId('training-agreement');
  assert.equal(
    await training.textContent(),
    `Agreement with its own ${count} training tracks: ${(report.trainingAgreement.accuracy * 100).toFixed(1)}%. That is how well it fits what it learned, not how well it predicts.`,
  );
  // Random genres: the head fits what it learned far better than it predicts what it did not.
  assert.ok(report.trainingAgreement.accuracy - report.accuracy >= 0.3, `training ${report.trainingAgreement.accuracy} vs held out ${report.accuracy}`);
  assert.equal(await page.locator('.confusion__figures .stat', { hasText: 'Training' }).count(), 0, 'the training fit is no headline figure');

  // The matrix is the held-out one: its diagonal holds accuracy × tracks.
  const diagonal = await page.locator('.heatmap__cell').evaluateAll((cells) =>
    cells.filter((cell) => cell.getAttribute('data-confirmed') === cell.getAttribute('data-predicted')).reduce((sum, cell) => sum + Number(cell.getAttribute('data-count')), 0),
  );
  assert.equal(diagonal, Math.round(report.accuracy * count));
  await page.screenshot({ path: join(shots, 'honesty-03-confusion-held-out.png'), animations: 'disabled', fullPage: true });
  assert.deepEqual(pageErrors, []);
});
