import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../helpers/audio.js';
import { runTimbre } from '../helpers/cli.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium } from './helpers.js';

/**
 * The Duplicates page end to end, in Chromium against `timbre serve`: a FLAC and an MP3 of one
 * synthesized recording are one group; keeping the FLAC moves the MP3 out of the library, and Undo
 * puts it back.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

function melody(seed: number): string {
  const notes = [0, 3, 5, 7, 10, 12, 7, 5].map((step) => 220 * 2 ** ((step + seed) / 12));
  const expression = notes.map((frequency, i) => `0.3*sin(2*PI*${frequency.toFixed(2)}*t)*between(mod(t\\,4)\\,${i * 0.5}\\,${i * 0.5 + 0.5})`).join('+');
  return `aevalsrc='${expression}':s=44100`;
}

test('the Duplicates page groups two encodings of one recording; keeping one moves the other aside, and Undo brings it back', { skip, timeout: 240_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-duplicates-');
  const music = join(work, 'Music');
  mkdirSync(music);
  const flac = join(music, 'song.flac');
  const mp3 = join(music, 'song.mp3');
  synthesize(flac, { source: melody(0), seconds: 20, tags: { title: 'Song' }, outputArgs: ['-c:a', 'flac'] });
  synthesize(mp3, { source: melody(0), seconds: 20, tags: { title: 'Song' }, outputArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] });
  synthesize(join(music, 'other.ogg'), { source: melody(5), seconds: 20, tags: { title: 'Other' }, outputArgs: ['-c:a', 'libvorbis'] });
  const dbPath = join(work, 'library.db');
  const scan = await runTimbre(['scan', music, '--db', dbPath, '--jobs', '1']);
  assert.equal(scan.code, 0, scan.stderr);
  const shots = ensureScreenshotDir();

  const server = await serve(dbPath, ['--jobs', '1']);
  const { page, pageErrors } = await openPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  page.setDefaultTimeout(20_000);
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: '3 tracks' }).waitFor();
  await page.getByRole('button', { name: 'Duplicates', exact: true }).click();
  const group = page.getByRole('region', { name: /^Duplicate group/ });
  await group.getByRole('button', { name: `Keep ${flac}` }).waitFor();
  assert.equal(await group.count(), 1);
  assert.match((await group.textContent()) ?? '', /Same recording.*FLAC.*MP3.*128 kbit\/s/s);
  await page.screenshot({ path: join(shots, 'duplicates-01-group.png'), animations: 'disabled' });

  page.once('dialog', (dialog) => void dialog.accept());
  await group.getByRole('button', { name: `Keep ${flac}` }).click();
  await page.getByTestId('genre-toast').filter({ hasText: 'Kept song.flac; moved 1 other file aside' }).waitFor();
  await page.getByText('No duplicates').waitFor();
  assert.ok(!existsSync(mp3), 'the MP3 left the music folder');
  assert.ok(existsSync(flac));
  await page.screenshot({ path: join(shots, 'duplicates-02-kept.png'), animations: 'disabled' });

  await page.getByTestId('genre-toast').getByRole('button', { name: 'Undo' }).click();
  await group.getByRole('button', { name: `Keep ${mp3}` }).waitFor();
  assert.ok(existsSync(mp3), 'the MP3 is back');
  assert.deepEqual(pageErrors, []);
});
