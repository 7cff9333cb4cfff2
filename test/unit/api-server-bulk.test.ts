import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResponse, GenreEditResult, TrackPage } from '../../core/api/contract.js';
import { createDispatcher } from '../../core/api/dispatch.js';
import { MAX_TRACKS_PER_EDIT } from '../../core/api/schemas-genres.js';
import { MAX_BODY_BYTES, startWebServer, TOKEN_HEADER } from '../../core/api/server.js';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { createCore } from '../../core/index.js';

/** Web mode's request limit at library scale: a select-all edit of 200,000 tracks over real HTTP. */
const TRACKS = 200_000;
const work = mkdtempSync(join(tmpdir(), 'timbre-api-bulk-'));
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

async function post<T>(method: string, body: string): Promise<{ status: number; response: ApiResponse<T> }> {
  const reply = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: server.token },
    body,
  });
  return { status: reply.status, response: (await reply.json()) as ApiResponse<T> };
}

test('the largest edit the contract accepts fits the body limit, even with 10-digit track ids', () => {
  const largest = JSON.stringify({ trackIds: Array.from({ length: MAX_TRACKS_PER_EDIT }, (_, i) => 9_000_000_000 + i), genres: ['Post-Rock'], writeTags: false });
  assert.ok(largest.length < MAX_BODY_BYTES, `${largest.length} bytes`);
});

test('select all, then one genre on all 200,000 tracks, over HTTP', async () => {
  const selected = await post<{ ids: number[] }>('selectTracks', '{}');
  assert.ok(selected.response.ok);
  const { ids } = selected.response.result;
  assert.equal(ids.length, TRACKS);
  const body = JSON.stringify({ trackIds: ids, genres: ['Post-Rock'] });
  assert.ok(body.length > 1 << 20, 'more than the 1 MiB web mode used to accept');

  const edited = await post<GenreEditResult>('setGenres', body);
  assert.equal(edited.status, 200, JSON.stringify(edited.response).slice(0, 300));
  assert.ok(edited.response.ok);
  assert.equal(edited.response.result.trackIds.length, TRACKS);
  assert.equal(edited.response.result.summary, 'genre of 200000 tracks → Post-Rock');

  const page = await post<TrackPage>('queryTracks', JSON.stringify({ offset: 0, limit: 10, genre: 'post-rock' }));
  assert.ok(page.response.ok);
  assert.equal(page.response.result.total, TRACKS, 'the table shows the new genre on every track');
});

test('a body over the limit is answered 413 with a message that says why', async () => {
  const padding = 'x'.repeat(MAX_BODY_BYTES);
  const { status, response } = await post('setGenres', JSON.stringify({ trackIds: [1], genres: [padding] }));
  assert.equal(status, 413);
  assert.deepEqual(response, {
    ok: false,
    error: { code: 'too-large', message: 'the request body is over 4 MiB, the most one API call may send (a bulk edit names at most 200,000 tracks)' },
  });
});
