import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, haveChromium, startServe } from './helpers.js';

const skip = haveChromium() ? false : 'Chromium is not installed (.ci/run installs it)';

/** Every address in a Chromium profile's History database, visited or redirected through. */
function historyUrls(profile: string): string[] {
  const path = join(profile, 'Default', 'History');
  assert.ok(existsSync(path), `Chromium wrote no History database at ${path}`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT url FROM urls').pluck().all() as string[];
  } finally {
    db.close();
  }
}

test("opening the app keeps no usable key in Chromium's History", { skip, timeout: 120_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'timbre-e2e-history-'));
  const profile = join(work, 'profile');
  mkdirSync(profile);
  const server = await startServe(join(work, 'library.db'));
  t.after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  const apiAnswered = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith('/api/') && response.status() === 200);
  await page.goto(server.url);
  await apiAnswered;
  await page.getByRole('heading', { name: 'Add your music to get started' }).waitFor();
  assert.equal(page.url(), `${server.origin}/`, 'the address bar holds no code');
  // A normal close: Chromium commits its History database on the way out.
  await context.close();

  const urls = historyUrls(profile);
  assert.ok(urls.some((url) => url.startsWith(server.origin)), `the visit was recorded: ${JSON.stringify(urls)}`);
  for (const url of urls) assert.ok(!url.includes(server.token), `the token is in History: ${url}`);
  // Whatever launch address History kept is spent: it opens nothing.
  for (const url of urls.filter((candidate) => candidate.includes('/launch?'))) {
    const reopened = await fetch(url, { redirect: 'manual' });
    assert.equal(reopened.status, 403, `${url} still opens the app`);
  }
});
