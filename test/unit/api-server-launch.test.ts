import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createDispatcher } from '../../core/api/dispatch.js';
import { SESSION_COOKIE, startWebServer } from '../../core/api/server.js';
import { createCore } from '../../core/index.js';
import { makeTempDir } from '../helpers/temp.js';
import { join } from 'node:path';

const temp = makeTempDir();
const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
const server = await startWebServer({ dispatcher });
const origin = `http://127.0.0.1:${server.port}`;

after(async () => {
  await server.close();
  dispatcher.close();
  await core.shutdown();
  temp.cleanup();
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

test('the launch code is exchanged once for an HttpOnly, SameSite=Strict cookie, and the browser is sent on to the app', async () => {
  const first = await get(server.url);
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/');
  const cookie = first.headers.get('set-cookie') ?? '';
  assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const session = cookie.split(';')[0];

  const api = await fetch(`${origin}/api/listFolders`, { method: 'POST', headers: { Cookie: session } });
  assert.equal(api.status, 200, 'the cookie opens the API');
  assert.equal((await fetch(`${origin}/api/listFolders`, { method: 'POST' })).status, 401, 'nothing else does');

  const again = await get(server.url);
  assert.equal(again.status, 403, 'a used code is worth nothing');
  assert.equal(again.headers.get('set-cookie'), null);
  assert.equal((await get(server.url, { Cookie: session })).status, 303, 'the browser that used it is simply sent on');
  assert.equal((await get(`${origin}/launch?code=guess`)).status, 403);

  const another = server.launchUrl();
  assert.notEqual(another, server.url);
  assert.equal((await get(another)).status, 303, 'a fresh code for another browser');
});

test('a malformed %-escape is a client error (400), never a 500', async () => {
  const cookie = (await get(server.launchUrl())).headers.get('set-cookie')!.split(';')[0];
  assert.equal((await fetch(`${origin}/api/list%E0%A4%A`, { method: 'POST', headers: { Cookie: cookie } })).status, 400);
  assert.equal((await fetch(`${origin}/%E0%A4%A`)).status, 400);
  assert.equal((await fetch(`${origin}/app%zz.js`)).status, 400);
});
