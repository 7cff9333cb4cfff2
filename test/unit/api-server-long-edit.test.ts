import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResponse, GenreEditResult } from '../../core/api/contract.js';
import { createDispatcher } from '../../core/api/dispatch.js';
import { startWebServer, TOKEN_HEADER } from '../../core/api/server.js';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { onTrackUpdates } from '../../core/events.js';
import { createCore } from '../../core/index.js';

/** Enough tracks that the edit's database part takes many steps. */
const TRACKS = 20_000;
const work = mkdtempSync(join(tmpdir(), 'timbre-api-long-edit-'));
const dbPath = join(work, 'library.db');

// Synthesized rows, no audio: the edit only needs tracks to exist.
const seed = openDatabase(dbPath);
const folder = new FoldersRepo(seed).add(join(work, 'music'));
const repo = new TracksRepo(seed);
seed.transaction(() => {
  for (let i = 0; i < TRACKS; i += 1) {
    repo.insert({ folderId: folder.id, path: join(work, 'music', `track-${i}.mp3`), size: 1000 + i, mtimeMs: 1_700_000_000_000, fingerprint: null, status: 'done', error: null });
  }
})();
seed.close();

const core = await createCore({ dbPath, jobs: 1, autoStart: false });
const dispatcher = createDispatcher(core, { mode: 'web', version: '0.0.0-test' });
const server = await startWebServer({ dispatcher, staticDir: work });

test.after(async () => {
  await server.close();
  dispatcher.close();
  await core.shutdown();
  rmSync(work, { recursive: true, force: true });
});

async function post<T>(method: string, body: string): Promise<ApiResponse<T>> {
  const reply = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: server.token },
    body,
  });
  return (await reply.json()) as ApiResponse<T>;
}

test('the server answers other requests while a bulk genre edit runs; the edit stays one undoable edit', async () => {
  const selected = await post<{ ids: number[] }>('selectTracks', '{}');
  assert.ok(selected.ok);
  const ids = selected.result.ids;
  assert.equal(ids.length, TRACKS);

  const order: string[] = [];
  let ping: Promise<void> | null = null;
  // Once the edit has changed its first tracks, another request comes in.
  const stop = onTrackUpdates(core.events, () => {
    ping ??= post('genreEditState', '').then((reply) => {
      assert.ok(reply.ok);
      order.push('ping');
    });
  });
  try {
    const edited = await post<GenreEditResult>('setGenres', JSON.stringify({ trackIds: ids, genres: ['Post-Rock'] }));
    order.push('edit');
    assert.ok(edited.ok, JSON.stringify(edited).slice(0, 300));
    assert.equal(edited.result.trackIds.length, TRACKS);
    assert.ok(ping, 'the edit announced its tracks');
    await ping;
  } finally {
    stop();
  }
  assert.deepEqual(order, ['ping', 'edit'], 'the ping was answered before the edit finished');

  const confirmed = core.genres.listGenres().find((genre) => genre.name === 'Post-Rock');
  assert.equal(confirmed?.trackCount, TRACKS);
  assert.equal(core.genres.history(5).length, 1, 'one edit in the history');
  const undone = await post<{ trackIds: number[] }>('undoGenreEdit', '');
  assert.ok(undone.ok);
  assert.equal(undone.result.trackIds.length, TRACKS);
  assert.equal(core.genres.listGenres().find((genre) => genre.name === 'Post-Rock')?.trackCount ?? 0, 0);
});
