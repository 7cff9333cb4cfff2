import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// electron-builder reads its config with js-yaml; the test reads it the same way.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  asar?: boolean;
  electronFuses?: Record<string, boolean>;
}

test('the packaged app flips its fuses: no RunAsNode, NODE_OPTIONS or --inspect; encrypted cookies; no file:// privileges', () => {
  const config = yaml.load(readFileSync(`${REPO_ROOT}build/electron-builder.yml`, 'utf8')) as BuilderConfig;
  const fuses = config.electronFuses;
  assert.ok(fuses, 'electron-builder.yml sets electronFuses');
  assert.equal(fuses.runAsNode, false);
  assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses.enableNodeCliInspectArguments, false);
  assert.equal(fuses.enableCookieEncryption, true);
  assert.equal(fuses.grantFileProtocolExtraPrivileges, false);
  // Asar integrity is only possible with asar; the config must not claim it without it.
  if (config.asar === false) {
    assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, false);
    assert.equal(fuses.onlyLoadAppFromAsar, false);
  } else {
    assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
    assert.equal(fuses.onlyLoadAppFromAsar, true);
  }
});

test('every web contents refuses navigations and redirects that leave the app', () => {
  const main = readFileSync(`${REPO_ROOT}electron/main/main.ts`, 'utf8');
  const guarded = (event: string) => [...main.matchAll(new RegExp(`contents\\.on\\('${event}', \\(event, url\\) => \\{\\s*if \\(!isAppUrl\\(url\\)\\) event\\.preventDefault\\(\\);`, 'g'))].length;
  // The main window, and every other web contents created later.
  assert.equal(guarded('will-navigate'), 2);
  assert.equal(guarded('will-redirect'), 2);
});

test('timbre-media answers GET and HEAD only, and only for files inside the library', () => {
  const main = readFileSync(`${REPO_ROOT}electron/main/main.ts`, 'utf8');
  const serveMedia = main.slice(main.indexOf('async function serveMedia'), main.indexOf('function createWindow'));
  assert.match(serveMedia, /if \(!MEDIA_METHODS\.has\(request\.method\)\) return new Response\([^)]*status: 405/);
  assert.match(serveMedia, /dispatcher\.mediaFile\(id\)/);
  assert.doesNotMatch(serveMedia, /trackPath/);
});
