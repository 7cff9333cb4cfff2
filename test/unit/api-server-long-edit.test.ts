import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiResponse, GenreEditResult } from '../../core/api/contract.js';
import { TOKEN_HEADER } from '../../core/api/server.js';
import { onTrackUpdates } from '../../core/events.js';
import { serveSyntheticLibrary } from '../helpers/served-library.js';

/** Enough tracks that the edit's database part takes many steps. */
const TRACKS = 20_000;
const { core, server, close } = await serveSyntheticLibrary('timbre-api-long-edit-', TRACKS);

test.after(close);

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
