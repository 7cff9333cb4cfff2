import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiResponse, GenreEditResult, TrackPage } from '../../core/api/contract.js';
import { MAX_TRACKS_PER_EDIT } from '../../core/api/schemas-genres.js';
import { MAX_BODY_BYTES, TOKEN_HEADER } from '../../core/api/server.js';
import { serveSyntheticLibrary } from '../helpers/served-library.js';

/** Web mode's request limit at library scale: a select-all edit of 200,000 tracks over real HTTP. */
const TRACKS = 200_000;
const { core, server, close } = await serveSyntheticLibrary('timbre-api-bulk-', TRACKS);

test.after(close);

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
