import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ApiEvents, ApiResponse, LibraryMap, PlaylistImportResult, PlaylistSummary, PlaylistView, SimilarTrackInfo } from '../../core/api/contract.js';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { openDatabase } from '../../core/db/open.js';
import { createCore, type Core } from '../../core/index.js';
import { dispatchCaller } from '../helpers/dispatch.js';
import { addClusteredTracks } from './similarity-fixtures.js';

/**
 * The playlist API (contract-playlists.ts) over a real core: a library database of 30 analysed
 * tracks in three clusters of MIR statistics (Ambient, Metal, Jazz; track i in cluster i % 3,
 * artist i % 6, 200 s each), called through the one dispatch every transport uses.
 */
const GENRES = ['Ambient', 'Metal', 'Jazz'];
let directory: string;
let musicRoot: string;
let ids: number[];
let core: Core;
let dispatcher: Dispatcher;
const events: Array<ApiEvents['playlists-changed']> = [];

before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-api-playlists-'));
  musicRoot = path.join(directory, 'music');
  const dbPath = path.join(directory, 'library.db');
  const db = openDatabase(dbPath);
  ids = addClusteredTracks(db, { root: musicRoot, count: 30, genres: GENRES, artists: 6 });
  db.close();
  core = await createCore({ dbPath, jobs: 1, autoStart: false });
  dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
  dispatcher.subscribe((event, payload) => {
    if (event === 'playlists-changed') events.push(payload as ApiEvents['playlists-changed']);
  });
});

after(async () => {
  dispatcher?.close();
  await core?.shutdown();
  await rm(directory, { recursive: true, force: true });
});

const call = dispatchCaller(() => dispatcher);

async function callError(method: string, args: unknown): Promise<{ code: string; message: string }> {
  const response: ApiResponse = await dispatcher.call(method, [args]);
  assert.equal(response.ok, false, `${method} should fail`);
  return (response as { ok: false; error: { code: string; message: string } }).error;
}

const trackPath = (i: number) => path.join(musicRoot, GENRES[i % 3], `track ${i}.mp3`);

test('similarTracks: the nearest tracks of the seed cluster, with titles and reasons, never the seed', async () => {
  const similar = await call<SimilarTrackInfo[]>('similarTracks', { id: ids[0], count: 5 });
  assert.equal(similar.length, 5);
  assert.ok(!similar.some((track) => track.id === ids[0]));
  for (const track of similar) {
    assert.equal(ids.indexOf(track.id) % 3, 0, `${track.title} is an Ambient track`);
    assert.equal(track.genre, 'Ambient');
    assert.equal(track.title, `Track ${ids.indexOf(track.id)}`);
    assert.equal(track.durationSec, 200);
    assert.ok(track.reasons.some((reason) => reason.code === 'same-genre'), JSON.stringify(track.reasons));
  }
  assert.deepEqual(similar.map((track) => track.score), [...similar.map((track) => track.score)].sort((a, b) => b - a), 'best first');
});

test('generatePlaylist: seed first, the asked length and artist cap, a name and the request to regenerate it', async () => {
  const playlist = await call<PlaylistView>('generatePlaylist', { seeds: [ids[3]], count: 8, maxPerArtist: 2 });
  assert.equal(playlist.id, null, 'not saved');
  assert.equal(playlist.name, 'Sounds like Track 3');
  assert.equal(playlist.entries.length, 8);
  assert.equal(playlist.entries[0].id, ids[3]);
  assert.equal(new Set(playlist.entries.map((entry) => entry.id)).size, 8, 'no track twice');
  const perArtist = new Map<string, number>();
  for (const entry of playlist.entries) perArtist.set(entry.artist!, (perArtist.get(entry.artist!) ?? 0) + 1);
  assert.ok([...perArtist.values()].every((count) => count <= 2), JSON.stringify([...perArtist]));
  assert.equal(playlist.durationSec, 8 * 200);
  assert.deepEqual(playlist.request?.seeds, [ids[3]]);
  assert.equal(playlist.request?.count, 8);
  assert.ok(playlist.entries.slice(1).every((entry) => entry.score !== null), 'every pick has its match score');
  // The seed's cluster has two artists, so the cap lets four Ambient tracks in; they say why.
  const sameGenre = playlist.entries.slice(1).filter((entry) => entry.genre === 'Ambient');
  assert.equal(sameGenre.length, 3);
  assert.ok(sameGenre.every((entry) => entry.reasons.some((reason) => reason.code === 'same-genre')));
  assert.deepEqual(playlist.entries[0].reasons, [], 'the seed needs no reason');

  const withoutAmbient = await call<PlaylistView>('generatePlaylist', { seeds: [ids[0]], count: 6, excludeGenres: ['ambient'] });
  assert.equal(withoutAmbient.entries[0].id, ids[0], 'the seed is kept');
  assert.ok(withoutAmbient.entries.slice(1).every((entry) => entry.genre !== 'Ambient'));

  const lessLike = await call<PlaylistView>('generatePlaylist', { seeds: [ids[0]], count: 6, lessLike: [ids[3]], exclude: [ids[6]] });
  assert.ok(!lessLike.entries.some((entry) => entry.id === ids[3] || entry.id === ids[6]), '"less like" and removed tracks are never picked');
});

test('arguments are checked at the boundary', async () => {
  assert.equal((await callError('generatePlaylist', { seeds: [] })).code, 'invalid-arguments');
  assert.equal((await callError('generatePlaylist', { seeds: [ids[0]], shuffle: true })).code, 'invalid-arguments');
  assert.equal((await callError('exportPlaylist', { trackIds: [ids[0]], style: 'sideways', path: '/tmp/x.m3u8' })).code, 'invalid-arguments');
  assert.equal((await callError('savePlaylist', { name: '  ', trackIds: [ids[0]], request: null })).code, 'invalid-arguments');
  // Only playlist files, by absolute path: an export cannot overwrite other files, nor an import echo them back.
  for (const path of ['mix.m3u8', 'music/../mix.m3u8', '/tmp/notes.txt', '/home/me/.bashrc']) {
    assert.equal((await callError('exportPlaylist', { trackIds: [ids[0]], style: 'absolute', path })).code, 'invalid-arguments', path);
  }
  assert.match((await callError('importPlaylist', { path: '/etc/passwd' })).message, /\.m3u8 or \.m3u/);
  assert.match((await callError('importPlaylist', { path: 'lists/found.m3u8' })).message, /absolute path/);
  assert.equal((await callError('getPlaylist', { id: 999 })).code, 'not-found');
  assert.equal((await callError('updatePlaylist', { id: 999, name: 'x' })).code, 'not-found');
});

test('saved playlists: save, list, reorder and remove, rename, delete; each change is announced', async () => {
  const generated = await call<PlaylistView>('generatePlaylist', { seeds: [ids[1]], count: 5 });
  const trackIds = generated.entries.map((entry) => entry.id);
  events.length = 0;
  const saved = await call<PlaylistView>('savePlaylist', { name: 'Heavy', trackIds, request: generated.request });
  assert.ok(saved.id !== null);
  assert.deepEqual(saved.entries.map((entry) => entry.id), trackIds);
  assert.deepEqual(saved.request, generated.request);
  assert.equal(saved.entries[2].title, generated.entries[2].title);

  const list = await call<PlaylistSummary[]>('listPlaylists');
  const summary = list.find((playlist) => playlist.id === saved.id);
  assert.deepEqual(summary && { name: summary.name, trackCount: summary.trackCount, durationSec: summary.durationSec }, { name: 'Heavy', trackCount: 5, durationSec: 1000 });

  const reordered = [trackIds[0], trackIds[3], trackIds[1], trackIds[4]];
  await call<PlaylistView>('updatePlaylist', { id: saved.id, trackIds: reordered });
  const renamed = await call<PlaylistView>('updatePlaylist', { id: saved.id, name: 'Heavier' });
  assert.equal(renamed.name, 'Heavier');
  const reread = await call<PlaylistView>('getPlaylist', { id: saved.id });
  assert.deepEqual(reread.entries.map((entry) => entry.id), reordered, 'the new order is kept');
  assert.equal(reread.durationSec, 800);
  assert.deepEqual(reread.request?.exclude, [trackIds[2]], 'a removed track stays out when regenerated');

  // A regenerated list comes with its request: that is stored as given, whatever tracks it left out.
  const regenerated = await call<PlaylistView>('generatePlaylist', { seeds: [ids[1]], count: 3 });
  const kept = await call<PlaylistView>('updatePlaylist', { id: saved.id, trackIds: regenerated.entries.map((entry) => entry.id), request: regenerated.request });
  assert.deepEqual(kept.request, regenerated.request);
  assert.deepEqual(kept.entries.map((entry) => entry.id), regenerated.entries.map((entry) => entry.id));

  assert.deepEqual(await call('deletePlaylist', { id: saved.id }), { deleted: true });
  assert.deepEqual(await call('deletePlaylist', { id: saved.id }), { deleted: false });
  assert.equal((await callError('getPlaylist', { id: saved.id })).code, 'not-found');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    events.map((event) => event.ids),
    [[saved.id], [saved.id], [saved.id], [saved.id], [saved.id]],
    'save, three updates and one real delete',
  );
});

test('M3U8 export: written only where the save dialog chose, relative to that file or absolute, in order, with #EXTINF', async () => {
  const trackIds = [ids[4], ids[0], ids[8]];
  const suggested = path.join(directory, 'suggested', 'mix.m3u8');
  const file = path.join(directory, 'exports', 'mix.m3u8');
  const dialogs: string[] = [];
  const app = createDispatcher(core, {
    mode: 'electron',
    version: 'test',
    choosePlaylistFile: async (offered) => {
      dialogs.push(offered);
      return offered.includes('cancel') ? null : file;
    },
  });
  const callApp = dispatchCaller(() => app);
  const written = await callApp<{ path: string; trackCount: number }>('exportPlaylist', { trackIds, style: 'relative', path: suggested });
  assert.deepEqual(written, { path: file, trackCount: 3 });
  assert.deepEqual(dialogs, [suggested], 'the dialog opened at the suggested file');
  assert.equal(existsSync(suggested), false, 'the request alone picks no file');
  const cancelled = path.join(directory, 'cancel', 'mix.m3u8');
  assert.deepEqual(await callApp('exportPlaylist', { trackIds, style: 'relative', path: cancelled }), { path: null, trackCount: 0 });
  assert.equal(existsSync(cancelled), false, 'cancelled: nothing written');
  const unknown = await app.call('exportPlaylist', [{ trackIds: [12345], style: 'absolute', path: suggested }]);
  assert.ok(!unknown.ok && /12345/.test(unknown.error.message));
  app.close();
  const text = await readFile(file, 'utf8');
  assert.deepEqual(text.trimEnd().split('\n'), [
    '#EXTM3U',
    '#EXTINF:200,Artist 4 - Track 4',
    path.join('..', 'music', GENRES[4 % 3], 'track 4.mp3'),
    '#EXTINF:200,Artist 0 - Track 0',
    path.join('..', 'music', 'Ambient', 'track 0.mp3'),
    '#EXTINF:200,Artist 2 - Track 8',
    path.join('..', 'music', GENRES[8 % 3], 'track 8.mp3'),
  ]);
  const { text: sameText } = await call<{ text: string }>('playlistM3u8', { trackIds, style: 'relative', location: file });
  assert.equal(sameText, text);

  const { text: absolute } = await call<{ text: string }>('playlistM3u8', { trackIds, style: 'absolute', location: file });
  assert.deepEqual(
    absolute.trimEnd().split('\n').filter((line) => !line.startsWith('#')),
    [trackPath(4), trackPath(0), trackPath(8)],
  );
});

test('web mode writes no playlist file at all, wherever a request points: the browser downloads it', async () => {
  const target = path.join(directory, 'web', 'x.m3u8');
  const refused = await callError('exportPlaylist', { trackIds: [ids[0]], style: 'absolute', path: target });
  assert.match(refused.message, /downloaded.*never written by the server: nothing was written/);
  assert.equal(existsSync(target), false);
});

test('M3U8 import from a path and from uploaded text: library tracks in order, the rest reported missing', async () => {
  const file = path.join(directory, 'lists', 'found.m3u8');
  await mkdir(path.dirname(file), { recursive: true });
  const elsewhere = path.join(directory, 'elsewhere', 'gone.mp3');
  await writeFile(file, ['#EXTM3U', '#EXTINF:200,Artist 5 - Track 5', path.relative(path.dirname(file), trackPath(5)), elsewhere, trackPath(2), ''].join('\n'));
  const fromPath = await call<PlaylistImportResult>('importPlaylist', { path: file });
  assert.equal(fromPath.playlist.name, 'found');
  assert.ok(fromPath.playlist.id !== null, 'saved');
  assert.deepEqual(fromPath.playlist.entries.map((entry) => entry.id), [ids[5], ids[2]]);
  assert.equal(fromPath.playlist.request, null);
  assert.deepEqual(fromPath.missing, [elsewhere]);

  // An upload has no folder of its own: relative entries are matched by the end of the library's paths.
  const text = ['#EXTM3U', path.join(GENRES[7 % 3], 'track 7.mp3'), trackPath(9), path.join('Nowhere', 'x.mp3')].join('\r\n');
  const uploaded = await call<PlaylistImportResult>('importPlaylist', { name: 'Upload', text });
  assert.equal(uploaded.playlist.name, 'Upload');
  assert.deepEqual(uploaded.playlist.entries.map((entry) => entry.id), [ids[7], ids[9]]);
  assert.equal(uploaded.missing.length, 1);
  assert.match(uploaded.missing[0], /Nowhere/);
});

test('libraryMap: every analysed track once, in [0, 1], with its genre and title; the status says ready', async () => {
  const map = await call<LibraryMap>('libraryMap');
  assert.equal(map.points.length, ids.length);
  assert.deepEqual(new Set(map.points.map((point) => point.id)), new Set(ids));
  for (const point of map.points) {
    assert.ok(point.x >= 0 && point.x <= 1 && point.y >= 0 && point.y <= 1, `${point.x}, ${point.y}`);
    assert.equal(point.genre, GENRES[ids.indexOf(point.id) % 3]);
    assert.equal(point.title, `Track ${ids.indexOf(point.id)}`);
  }
  assert.equal(map.stale, false);
  const status = await call<{ state: string; computedAt: number | null }>('libraryMapStatus');
  assert.equal(status.state, 'ready');
  assert.equal(status.computedAt, map.computedAt);
});
