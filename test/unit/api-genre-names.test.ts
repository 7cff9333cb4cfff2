import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { GenreVocabulary, LibraryMap, PlaylistView, TrackDetail, TrackFacets, TrackPage, TrackRow } from '../../core/api/contract.js';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { openDatabase } from '../../core/db/open.js';
import { createCore, type Core } from '../../core/index.js';
import { dispatchCaller } from '../helpers/dispatch.js';
import { addClusteredTracks } from './similarity-fixtures.js';

/**
 * One name per genre at the API boundary: the library's genre filter options, the filter itself and
 * the map's points use the name the Genres page shows, whichever spelling a file's tag has. Track i
 * is tagged SPELLINGS[i % 4], so each spelling has two tracks.
 */
const SPELLINGS = ['electronic', 'Electronica', 'Alt. Rock', 'Alternative Rock'];
let directory: string;
let ids: number[];
let core: Core;
let dispatcher: Dispatcher;

before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-api-genre-names-'));
  const dbPath = path.join(directory, 'library.db');
  const db = openDatabase(dbPath);
  ids = addClusteredTracks(db, { root: path.join(directory, 'music'), count: 8, genres: SPELLINGS });
  db.close();
  core = await createCore({ dbPath, jobs: 1, autoStart: false });
  dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
});

after(async () => {
  dispatcher?.close();
  await core?.shutdown();
  await rm(directory, { recursive: true, force: true });
});

const call = dispatchCaller(() => dispatcher);

const tracksTagged = (...spellings: string[]) => ids.filter((_, i) => spellings.includes(SPELLINGS[i % SPELLINGS.length])).sort((a, b) => a - b);
const filtered = async (genre: string) => (await call<TrackPage>('queryTracks', { genre, offset: 0, limit: 100 })).rows.map((row) => row.id).sort((a, b) => a - b);
const playlistOf = async (seed: number, includeGenres: string[]) => {
  const playlist = await call<PlaylistView>('generatePlaylist', { seeds: [seed], count: ids.length, includeGenres });
  assert.deepEqual(playlist.request?.includeGenres, includeGenres, 'the request keeps the names asked for');
  return playlist.entries.map((entry) => entry.id).sort((a, b) => a - b);
};
/** The library table's rows sorted by its genre column. */
const rowsByGenre = async () => (await call<TrackPage>('queryTracks', { sort: { key: 'genre', direction: 'asc' }, offset: 0, limit: 100 })).rows;
const shownOf = (rows: TrackRow[], id: number) => rows.find((row) => row.id === id)?.shownGenres;
const mapGenres = async () => new Map((await call<LibraryMap>('libraryMap')).points.map((point) => [point.id, point.genre]));

test('spellings of a built-in genre are one genre in the filter options, the filter and the map', async () => {
  const { genres } = await call<TrackFacets>('trackFacets');
  assert.deepEqual(genres, ['Alt. Rock', 'Alternative Rock', 'Electronic']);
  const electronic = tracksTagged('electronic', 'Electronica');
  assert.deepEqual(await filtered('Electronic'), electronic);
  assert.deepEqual(await filtered('electronica'), electronic, 'any spelling of the genre filters the same');
  const points = await mapGenres();
  for (const id of electronic) assert.equal(points.get(id), 'Electronic');
  assert.deepEqual(await playlistOf(electronic[0], ['Electronic']), electronic, "a playlist's genre takes every spelling too");
});

test("the table's genre column shows and sorts by the vocabulary name, keeping the tag as written", async () => {
  const rows = await rowsByGenre();
  // As written, every 'electronic' track would sort before every 'Electronica' one; by name they are one run, in id order.
  const electronic = tracksTagged('electronic', 'Electronica');
  assert.deepEqual(rows.map((row) => row.id), [...tracksTagged('Alt. Rock'), ...tracksTagged('Alternative Rock'), ...electronic]);
  const [electronica] = tracksTagged('Electronica');
  assert.deepEqual(shownOf(rows, electronica), [{ name: 'Electronic', tags: ['Electronica'] }]);
  const detail = await call<TrackDetail>('getTrack', { id: electronica });
  assert.deepEqual(detail.shownGenres, [{ name: 'Electronic', tags: ['Electronica'] }], 'the track panel names it the same');
});

test('after a merge on the Genres page, every spelling of both genres goes by the target name', async () => {
  // Confirming one track of each spelling puts both names into the vocabulary, as the Genres page lists it.
  const [altRock] = tracksTagged('Alt. Rock');
  const [alternativeRock] = tracksTagged('Alternative Rock');
  await call('setGenres', { trackIds: [altRock], genres: ['Alt. Rock'] });
  await call('setGenres', { trackIds: [alternativeRock], genres: ['Alternative Rock'] });
  const vocabulary = await call<GenreVocabulary>('genreVocabulary');
  const idOf = (name: string) => vocabulary.genres.find((genre) => genre.name === name)!.id;
  await call('mergeGenres', { sourceId: idOf('Alt. Rock'), targetId: idOf('Alternative Rock') });

  assert.deepEqual((await call<TrackFacets>('trackFacets')).genres, ['Alternative Rock', 'Electronic']);
  const rock = tracksTagged('Alt. Rock', 'Alternative Rock');
  assert.deepEqual(await filtered('Alternative Rock'), rock, 'tag-only tracks of the merged spelling are found too');
  assert.deepEqual(await filtered('Alt. Rock'), rock);
  const points = await mapGenres();
  for (const id of rock) assert.equal(points.get(id), 'Alternative Rock');
  assert.deepEqual(await playlistOf(rock[0], ['Alternative Rock']), rock);
  const rows = await rowsByGenre();
  assert.deepEqual(rows.map((row) => row.id), [...rock, ...tracksTagged('electronic', 'Electronica')], 'the table sorts by the merged name');
  const tagOnly = tracksTagged('Alt. Rock').find((id) => id !== altRock)!;
  assert.deepEqual(shownOf(rows, tagOnly), [{ name: 'Alternative Rock', tags: ['Alt. Rock'] }]);
  assert.deepEqual(shownOf(rows, altRock), [{ name: 'Alternative Rock', tags: [] }]);
  const names = (await call<GenreVocabulary>('genreVocabulary')).genres.map((genre) => genre.name);
  assert.ok(names.includes('Alternative Rock') && !names.includes('Alt. Rock'), names.join(', '));
});
