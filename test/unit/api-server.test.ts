import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import { parseRange } from '../../core/api/media.js';
import { startWebServer, TOKEN_HEADER } from '../../core/api/server.js';
import { createCore } from '../../core/index.js';

/** Web mode over real HTTP, against a real core on a temp database with one synthesized track. */
const work = mkdtempSync(join(tmpdir(), 'timbre-api-server-'));
const musicDir = join(work, 'music');
const staticDir = join(work, 'renderer');
mkdirSync(musicDir);
mkdirSync(staticDir);
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Timbre</title>');
writeFileSync(join(work, 'secret.html'), 'outside the renderer');
const trackFile = join(musicDir, 'tone.wav');
execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-metadata', 'title=Test Tone', trackFile]);

const core = await createCore({ dbPath: join(work, 'library.db'), jobs: 1 });
const dispatcher = createDispatcher(core, { mode: 'web', version: '0.0.0-test' });
const server = await startWebServer({ dispatcher, staticDir });
const origin = `http://127.0.0.1:${server.port}`;

test.after(async () => {
  await server.close();
  dispatcher.close();
  await core.shutdown();
  rmSync(work, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request, so tests control every header (fetch would add or forbid some). */
function send(path: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const authorized = { [TOKEN_HEADER]: server.token };
const callApi = (method: string, args: unknown, headers: Record<string, string> = authorized) =>
  send(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(args) });

test('the server listens on 127.0.0.1 and prints an address carrying a one-time launch code, not the token', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/launch\?code=[\w-]{32}$/);
  assert.ok(!server.url.includes(server.token));
  assert.ok(server.token.length >= 32);
});

test('API, event and media requests without the right token are refused', async () => {
  assert.equal((await callApi('listFolders', [], {})).status, 401);
  assert.equal((await callApi('listFolders', [], { [TOKEN_HEADER]: 'x'.repeat(server.token.length) })).status, 401);
  assert.equal((await callApi('listFolders', [], { [TOKEN_HEADER]: server.token.slice(1) })).status, 401);
  assert.equal((await send('/api/events')).status, 401);
  assert.equal((await send('/media/1')).status, 401);
  assert.equal((await send(`/media/1?token=wrong`)).status, 401);
  const ok = await callApi('listFolders', []);
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body.toString()), { ok: true, result: [] });
});

test('a request from another Origin is refused, even with the token', async () => {
  const foreign = await callApi('listFolders', [], { ...authorized, Origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  const otherPort = await callApi('listFolders', [], { ...authorized, Origin: 'http://127.0.0.1:1' });
  assert.equal(otherPort.status, 403);
  assert.equal((await send('/', { headers: { Origin: 'http://evil.example' } })).status, 403);
  const sameOrigin = await callApi('listFolders', [], { ...authorized, Origin: origin });
  assert.equal(sameOrigin.status, 200);
});

test('a request naming another Host (DNS rebinding) is refused', async () => {
  const rebound = await callApi('listFolders', [], { ...authorized, Host: `attacker.example:${server.port}` });
  assert.equal(rebound.status, 421);
});

test('the renderer is served without the token, with a strict CSP, and nothing outside it is', async () => {
  const page = await send('/');
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /<title>Timbre<\/title>/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  assert.equal((await send('/../secret.html')).status, 404);
  assert.equal((await send('/%2e%2e/secret.html')).status, 404);
  assert.equal((await send('/missing.js')).status, 404);
});

test('arguments are validated before the core sees them', async () => {
  const invalid = await callApi('queryTracks', { offset: -1, limit: 10 });
  assert.equal(invalid.status, 400);
  const reply = JSON.parse(invalid.body.toString());
  assert.equal(reply.error.code, 'invalid-arguments');
  assert.match(reply.error.message, /offset/);
  assert.equal((await callApi('queryTracks', { offset: 0, limit: 10, dropTables: true })).status, 400, 'unknown keys are refused');
  assert.equal((await callApi('addFolder', { path: '' })).status, 400);
  assert.equal((await callApi('getTrack', { id: '1' })).status, 400);
  assert.equal((await callApi('noSuchMethod', [])).status, 404);
  assert.equal((await send('/api/listFolders', { method: 'POST', headers: authorized, body: '{not json' })).status, 400);
  assert.equal((await send('/api/listFolders', { headers: authorized })).status, 405, 'API calls are POST only');
});

test('adding a folder streams events, then the track plays with range requests', async () => {
  const events: string[] = [];
  const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}` }, resolve).on('error', reject).end();
  });
  assert.equal(stream.statusCode, 200);
  assert.equal(stream.headers['content-type'], 'text/event-stream');
  stream.on('data', (chunk: Buffer) => events.push(...[...chunk.toString().matchAll(/^event: (.+)$/gm)].map((match) => match[1])));

  const added = JSON.parse((await callApi('addFolder', { path: musicDir })).body.toString());
  assert.equal(added.ok, true);
  assert.equal(added.result.path, musicDir);
  await core.library.whenIdle();

  // Folder errors say what is wrong, as 4xx: not found, not a folder, already inside a library folder.
  const refusal = async (path: string) => {
    const response = await callApi('addFolder', { path });
    return { status: response.status, message: JSON.parse(response.body.toString()).error.message as string };
  };
  const sub = join(musicDir, 'Sub');
  mkdirSync(sub, { recursive: true });
  assert.deepEqual(await refusal(join(musicDir, 'missing')), { status: 404, message: `folder not found: ${join(musicDir, 'missing')}` });
  assert.deepEqual(await refusal(sub), { status: 400, message: `${sub} is already in the library: it is inside ${musicDir}` });
  const file = join(musicDir, 'notes.txt');
  writeFileSync(file, 'not a folder');
  assert.equal((await refusal(file)).status, 400);
  assert.equal(core.library.listFolders().length, 1, 'the subfolder was not added again');
  const deadline = Date.now() + 5000;
  while (!(events.includes('tracks-changed') && events.includes('progress') && events.includes('folders-changed')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stream.destroy();
  assert.ok(events.includes('tracks-changed') && events.includes('progress') && events.includes('folders-changed'), `events: ${events}`);

  const page = JSON.parse((await callApi('queryTracks', { offset: 0, limit: 10, search: 'test tone' })).body.toString());
  assert.equal(page.result.total, 1);
  const id: number = page.result.rows[0].id;
  const detail = JSON.parse((await callApi('getTrack', { id })).body.toString());
  assert.equal(detail.result.path, trackFile);
  assert.equal(detail.result.status, 'done');
  assert.ok(detail.result.mel && detail.result.mel.bytesBase64.length > 0, 'the mel preview travels as base64');
  assert.equal((await callApi('getTrack', { id: 999_999 })).status, 404);

  const bytes = readFileSync(trackFile);
  const whole = await send(`/media/${id}?token=${server.token}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['accept-ranges'], 'bytes');
  assert.equal(whole.headers['content-type'], 'audio/wav');
  assert.ok(whole.body.equals(bytes));
  const part = await send(`/media/${id}?token=${server.token}`, { headers: { Range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
  assert.ok(part.body.equals(bytes.subarray(100, 200)));
  const tail = await send(`/media/${id}`, { headers: { ...authorized, Range: 'bytes=-50' } });
  assert.equal(tail.status, 206);
  assert.ok(tail.body.equals(bytes.subarray(bytes.length - 50)));
  const beyond = await send(`/media/${id}?token=${server.token}`, { headers: { Range: `bytes=${bytes.length}-` } });
  assert.equal(beyond.status, 416);
  assert.equal((await send(`/media/999999?token=${server.token}`)).status, 404);
});

test('parseRange follows RFC 9110 for single ranges', () => {
  assert.equal(parseRange(undefined, 1000), null);
  assert.deepEqual(parseRange('bytes=0-', 1000), { start: 0, end: 999 });
  assert.deepEqual(parseRange('bytes=10-20', 1000), { start: 10, end: 20 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
  assert.deepEqual(parseRange('bytes=-10', 1000), { start: 990, end: 999 });
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=20-10', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 1000), null, 'multiple ranges fall back to the whole file');
});
