import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { Scanner } from '../../core/library/scanner.js';
import { readTags } from '../../core/library/tags.js';
import { synthesize } from '../helpers/audio.js';
import { e2eWorkspace, ensureScreenshotDir, haveChromium } from './helpers.js';

/**
 * Cleaning up tag genres end to end, in Chromium against `timbre serve`: the Genres page lists the
 * spellings the files hold, suggests merging "Alt. Rock" into "Alternative Rock", merges them with the
 * files' tags rewritten, and undo gives every file its exact bytes back.
 */
const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

const FILES = [
  { name: 'one.mp3', genre: 'Alt. Rock', args: ['-c:a', 'libmp3lame', '-b:a', '96k'] },
  { name: 'two.flac', genre: 'Alt. Rock', args: ['-c:a', 'flac'] },
  { name: 'three.ogg', genre: 'Alternative Rock', args: ['-c:a', 'libvorbis'] },
  { name: 'four.m4a', genre: 'Alternative Rock', args: ['-c:a', 'aac', '-b:a', '64k'] },
  { name: 'five.opus', genre: 'Klassik', args: ['-c:a', 'libopus', '-b:a', '32k'] },
];

/** A library of the files as a finished scan leaves it: tags read, nothing left to analyse. */
async function scannedLibrary(dbPath: string, musicDir: string): Promise<void> {
  const db = openDatabase(dbPath);
  try {
    const tracks = new TracksRepo(db);
    const queue = new AnalysisQueue(new JobsRepo(db));
    await new Scanner({ db, tracks, features: new FeaturesRepo(db), queue }).scanFolder(new FoldersRepo(db).add(musicDir));
    for (const file of FILES) {
      const path = join(musicDir, file.name);
      const id = tracks.idByPath(path)!;
      tracks.setTags(id, await readTags(path));
      tracks.setStatus(id, 'done');
    }
    for (let claimed = queue.claim(); claimed; claimed = queue.claim()) queue.complete(claimed.job);
  } finally {
    db.close();
  }
}

test('the Genres page merges two tag spellings into the files, and undo restores them byte for byte', { skip, timeout: 120_000 }, async (t) => {
  const { work, serve, openPage } = e2eWorkspace(t, 'timbre-e2e-spellings-');
  const musicDir = join(work, 'Music');
  mkdirSync(musicDir);
  for (const file of FILES) {
    synthesize(join(musicDir, file.name), { source: 'sine=frequency=440', seconds: 2, tags: { genre: file.genre, title: file.name }, outputArgs: file.args });
  }
  const dbPath = join(work, 'library.db');
  await scannedLibrary(dbPath, musicDir);
  const original = new Map(FILES.map((file) => [file.name, readFileSync(join(musicDir, file.name))]));
  const shots = ensureScreenshotDir();

  const server = await serve(dbPath, ['--jobs', '1']);
  const { page, pageErrors } = await openPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  page.setDefaultTimeout(10_000);
  await page.goto(server.url);
  await page.getByTestId('track-count').filter({ hasText: `${FILES.length} tracks` }).waitFor();
  await page.getByRole('button', { name: 'Genres', exact: true }).click();

  const vocabulary = page.getByRole('table', { name: 'Genre vocabulary' });
  await vocabulary.getByRole('button', { name: 'Show the 2 tracks tagged Alt. Rock' }).waitFor();
  await vocabulary.getByRole('button', { name: 'Show the 2 tracks tagged Alternative Rock' }).waitFor();
  // Tag genres the tree knows are placed on a family; "Klassik" on Classical.
  assert.equal(await vocabulary.getByRole('combobox', { name: 'Place Klassik in the genre tree' }).locator('option:checked').textContent(), 'Classical');
  const suggestions = page.getByRole('region', { name: 'Suggested merges' });
  const merge = suggestions.getByRole('button', { name: 'Merge Alt. Rock into Alternative Rock' });
  await merge.waitFor();
  await page.screenshot({ path: join(shots, 'genre-spellings-01-vocabulary.png'), animations: 'disabled' });

  await page.getByRole('checkbox', { name: 'Write renames and merges to the files’ tags' }).check();
  page.once('dialog', (dialog) => void dialog.accept());
  await merge.click();
  await page.getByTestId('genre-toast').filter({ hasText: 'Merge genre Alt. Rock into Alternative Rock (tags written to 2 files)' }).waitFor();
  await vocabulary.getByRole('button', { name: 'Show the 4 tracks tagged Alternative Rock' }).waitFor();
  assert.equal(await vocabulary.getByRole('row', { name: /^Alt\. Rock\b/ }).count(), 0);
  for (const file of FILES.filter((candidate) => candidate.genre === 'Alt. Rock')) {
    assert.deepEqual((await readTags(join(musicDir, file.name))).genres, ['Alternative Rock'], file.name);
  }
  await page.screenshot({ path: join(shots, 'genre-spellings-02-merged.png'), animations: 'disabled' });

  await page.getByTestId('genre-toast').getByRole('button', { name: 'Undo' }).click();
  await vocabulary.getByRole('button', { name: 'Show the 2 tracks tagged Alt. Rock' }).waitFor();
  for (const file of FILES) assert.deepEqual(readFileSync(join(musicDir, file.name)), original.get(file.name), `${file.name}: byte for byte`);
  await page.screenshot({ path: join(shots, 'genre-spellings-03-undone.png'), animations: 'disabled' });
  assert.deepEqual(pageErrors, []);
});
