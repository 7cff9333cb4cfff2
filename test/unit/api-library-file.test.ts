import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chmodSync, copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import { startWebServer, TOKEN_HEADER } from '../../core/api/server.js';
import { createCore } from '../../core/index.js';
import { makeTempDir } from '../helpers/temp.js';

/** A served core on a temp library; `damage` does something to its database file, then edits are tried over HTTP. */
async function editAfter(damage: (dbPath: string) => void): Promise<{ status: number; body: { ok: boolean; error?: { code: string; message: string } } }> {
  const temp = makeTempDir();
  const dbPath = join(temp.dir, 'library.db');
  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
  const server = await startWebServer({ dispatcher, token: 'x'.repeat(32) });
  try {
    const save = () =>
      fetch(`http://127.0.0.1:${server.port}/api/savePlaylist`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: server.token },
        body: JSON.stringify({ name: 'Kept?', trackIds: [], request: null }),
      });
    assert.equal((await save()).status, 200, 'an intact library saves');
    damage(dbPath);
    const response = await save();
    return { status: response.status, body: (await response.json()) as never };
  } finally {
    await server.close();
    dispatcher.close();
    await core.shutdown();
    temp.cleanup();
  }
}

describe('a library database gone from under the app', () => {
  it('deleted: an edit is refused (503, in words), not acknowledged', async () => {
    const { status, body } = await editAfter((dbPath) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    });
    assert.equal(status, 503);
    assert.equal(body.error?.code, 'library-unavailable');
    assert.match(body.error!.message, /was deleted while Timbre was running.*nothing can be saved/);
  });

  it('replaced by another file (a new inode): refused', async () => {
    const { status, body } = await editAfter((dbPath) => {
      copyFileSync(dbPath, `${dbPath}.copy`);
      renameSync(`${dbPath}.copy`, dbPath);
    });
    assert.equal(status, 503);
    assert.match(body.error!.message, /replaced by another file/);
  });

  it('made read-only: refused', async () => {
    const { status, body } = await editAfter((dbPath) => chmodSync(dbPath, 0o444));
    assert.equal(status, 503);
    assert.match(body.error!.message, /can no longer be written/);
  });
});
