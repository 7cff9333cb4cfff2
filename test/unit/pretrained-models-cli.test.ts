import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pretrainedDir = process.env.TIMBRE_PRETRAINED_DIR ?? resolve(repoRoot, '..', 'shared', 'pretrained');
const musicnnDir = join(pretrainedDir, 'msd-musicnn-1');
const skip = existsSync(join(musicnnDir, 'model.json')) ? false : `no pretrained model at ${musicnnDir}`;

/** Serves `files` (name → bytes) on 127.0.0.1; other paths are 404. */
async function serve(files: Record<string, Buffer>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = files[(request.url ?? '').replace(/^\/models\/msd-musicnn-1\//, '')];
    if (!body) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/msd-musicnn-1/model.json`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** A user data folder of its own, with no TIMBRE_PRETRAINED_DIR. */
function userEnvironment(): { env: NodeJS.ProcessEnv; pretrained: string; cleanup(): void } {
  const temp = makeTempDir('timbre-models-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: temp.dir, XDG_DATA_HOME: join(temp.dir, 'data') };
  delete env.TIMBRE_PRETRAINED_DIR;
  return { env, pretrained: join(temp.dir, 'data', 'timbre', 'pretrained'), cleanup: temp.cleanup };
}

const installedEntries = (folder: string): string[] => (existsSync(folder) ? readdirSync(folder) : []);

test('models add from a loopback URL with a wrong --sha256 is refused and installs nothing', async () => {
  const user = userEnvironment();
  const server = await serve({ 'model.json': Buffer.from('{"format":"graph-model","weightsManifest":[]}') });
  try {
    const result = await runTimbre(['models', 'add', server.url, '--sha256', 'a'.repeat(64)], { env: user.env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /checksum mismatch: model\.json has sha256 [0-9a-f]{64}, expected a{64}; nothing installed/);
    assert.deepEqual(installedEntries(user.pretrained), []);
    const list = await runTimbre(['models'], { env: user.env });
    assert.equal(list.code, 0);
    assert.match(list.stdout, /no pretrained models installed/);
  } finally {
    await server.close();
    user.cleanup();
  }
});

test('models add: a 404 and a model Timbre does not know are clear errors', async () => {
  const user = userEnvironment();
  const server = await serve({ 'model.json': Buffer.from('{"format":"graph-model","weightsManifest":[]}') });
  try {
    const missing = await runTimbre(['models', 'add', server.url.replace('model.json', 'other.json')], { env: user.env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /could not download http:\/\/127\.0\.0\.1:\d+\/models\/msd-musicnn-1\/other\.json: HTTP 404/);
    const unknown = await runTimbre(['models', 'add', server.url], { env: user.env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /is not a model Timbre knows how to run; known: msd-musicnn-1/);
    assert.deepEqual(installedEntries(user.pretrained), []);
    const usage = await runTimbre(['models', 'add', server.url, '--sha256', 'xyz'], { env: user.env });
    assert.equal(usage.code, 2);
  } finally {
    await server.close();
    user.cleanup();
  }
});

test('models add from a loopback URL whose weights have a bad checksum is refused, nothing left installed', { skip }, async () => {
  const user = userEnvironment();
  const weights = Buffer.from(readFileSync(join(musicnnDir, 'group1-shard1of1.bin')));
  weights[12345] ^= 0x01;
  const server = await serve({ 'model.json': readFileSync(join(musicnnDir, 'model.json')), 'group1-shard1of1.bin': weights });
  try {
    const result = await runTimbre(['models', 'add', server.url], { env: user.env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /checksum mismatch: group1-shard1of1\.bin has sha256 [0-9a-f]{64}, expected 7ebfb970c738[0-9a-f]+; nothing installed/);
    assert.ok(server.requests.some((url) => url.endsWith('/group1-shard1of1.bin')));
    assert.deepEqual(installedEntries(user.pretrained), []);
  } finally {
    await server.close();
    user.cleanup();
  }
});

test('models add from a loopback URL with the right --sha256 installs, lists it active, and remove takes it away', { skip }, async () => {
  const user = userEnvironment();
  const server = await serve({
    'model.json': readFileSync(join(musicnnDir, 'model.json')),
    'group1-shard1of1.bin': readFileSync(join(musicnnDir, 'group1-shard1of1.bin')),
  });
  try {
    const sha = '2df238355538b680e70f06e30fb04df52f133da6ea1915530ec8c590da073762';
    const added = await runTimbre(['models', 'add', server.url, '--sha256', sha], { env: user.env });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /installed msd-musicnn-1 in .* \(active\)/);
    assert.deepEqual(installedEntries(user.pretrained), ['msd-musicnn-1']);
    const list = JSON.parse((await runTimbre(['models', '--json'], { env: user.env })).stdout) as { models: Array<{ id: string; active: boolean; origin: string }> };
    assert.deepEqual(list.models.map(({ id, active, origin }) => ({ id, active, origin })), [{ id: 'msd-musicnn-1', active: true, origin: 'user' }]);
    const doctor = await runTimbre(['doctor'], { env: user.env });
    assert.match(doctor.stdout, /pretrained backbone\s+msd-musicnn-1 active/);
    const again = await runTimbre(['models', 'add', musicnnDir], { env: user.env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already installed/);

    const removed = await runTimbre(['models', 'remove', 'msd-musicnn-1'], { env: user.env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(installedEntries(user.pretrained), []);
    const twice = await runTimbre(['models', 'remove', 'msd-musicnn-1'], { env: user.env });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /no installed model 'msd-musicnn-1'/);

    // From a folder on disk too.
    const copied = await runTimbre(['models', 'add', musicnnDir], { env: user.env });
    assert.equal(copied.code, 0, copied.stderr);
    assert.deepEqual(readdirSync(join(user.pretrained, 'msd-musicnn-1')).sort(), ['group1-shard1of1.bin', 'model.json']);
  } finally {
    await server.close();
    user.cleanup();
  }
});

test('models remove refuses a model found through TIMBRE_PRETRAINED_DIR', { skip }, async () => {
  const user = userEnvironment();
  try {
    const result = await runTimbre(['models', 'remove', 'msd-musicnn-1'], { env: { ...user.env, TIMBRE_PRETRAINED_DIR: pretrainedDir } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not in Timbre's data folder; it is not removed/);
    assert.ok(existsSync(join(musicnnDir, 'model.json')));
  } finally {
    user.cleanup();
  }
});
