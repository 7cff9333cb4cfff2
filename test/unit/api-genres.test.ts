import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEventName, ApiEvents, ApiResponse, ConfusionMatrix, GenreEditResult, GenreUndoResult, TrackDetail, TrackRow } from '../../core/api/contract.js';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { createCore, type Core } from '../../core/index.js';
import { seedGenreLibrary, type SeededTrack } from '../helpers/genre-library.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

/** The genre-fixing API over a real core on a seeded library (see test/helpers/genre-library.ts). */
async function setUp(t: { after(fn: () => Promise<void> | void): void }) {
  const temp = makeTempDir('timbre-api-genres-');
  const musicDir = join(temp.dir, 'Music');
  mkdirSync(musicDir);
  const dbPath = join(temp.dir, 'library.db');
  const tracks = seedGenreLibrary(dbPath, musicDir);
  const core: Core = await createCore({ dbPath, jobs: 1, autoStart: false });
  const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
  const events: Array<{ event: ApiEventName; payload: unknown }> = [];
  dispatcher.subscribe((event, payload) => events.push({ event, payload }));
  t.after(async () => {
    dispatcher.close();
    await core.shutdown();
    temp.cleanup();
  });
  const byTitle = (title: string) => tracks.find((track) => track.title === title)!;
  return { dispatcher, tracks, events, byTitle };
}

async function ok<T>(dispatcher: Dispatcher, method: string, args?: unknown): Promise<T> {
  const response = await dispatcher.call(method, args === undefined ? [] : [args]);
  assert.ok(response.ok, `${method} failed: ${JSON.stringify(response)}`);
  return (response as { ok: true; result: T }).result;
}

async function refused(dispatcher: Dispatcher, method: string, args: unknown[]): Promise<Extract<ApiResponse, { ok: false }>['error']> {
  const response = await dispatcher.call(method, args);
  assert.equal(response.ok, false, `${method}(${JSON.stringify(args)}) should be refused`);
  return (response as Extract<ApiResponse, { ok: false }>).error;
}

async function row(dispatcher: Dispatcher, id: number): Promise<TrackRow> {
  const page = await ok<{ rows: TrackRow[] }>(dispatcher, 'queryTracks', { offset: 0, limit: 100 });
  return page.rows.find((candidate) => candidate.id === id)!;
}

test('genre methods refuse malformed arguments before the core sees them', async (t) => {
  const { dispatcher, tracks } = await setUp(t);
  const id = tracks[0].id;
  const cases: Array<[string, unknown[], RegExp]> = [
    ['setGenres', [{ trackIds: [], genres: ['Jazz'] }], /trackIds: select at least one track/],
    ['setGenres', [{ trackIds: [id], genres: [] }], /genres: name at least one genre/],
    ['setGenres', [{ trackIds: [id], genres: ['  '] }], /genre name cannot be empty/],
    ['setGenres', [{ trackIds: [1.5], genres: ['Jazz'] }], /trackIds\.0/],
    ['setGenres', [{ trackIds: [id], genres: ['Jazz'], mode: 'add' }], /Unrecognized key/],
    ['addGenre', [{ trackIds: [id] }], /genre: Required/],
    ['mergeGenres', [{ sourceId: 3, targetId: 3 }], /cannot merge a genre into itself/],
    ['renameGenre', [{ id: 0, name: 'X' }], /id/],
    ['confusionTracks', [{ confirmed: 'Rock' }], /predicted: Required/],
    ['selectTracks', [{ offset: 0 }], /Unrecognized key/],
    ['genreHistory', [{ limit: 0 }], /limit|arguments/],
  ];
  for (const [method, args, message] of cases) {
    const error = await refused(dispatcher, method, args);
    assert.equal(error.code, 'invalid-arguments', `${method}: ${error.message}`);
    assert.match(error.message, message, method);
  }
  assert.equal((await refused(dispatcher, 'activateModelVersion', [{ id: 999 }])).code, 'not-found');
  assert.equal((await refused(dispatcher, 'confusion', [{ versionId: 999 }])).code, 'not-found');
  assert.equal((await refused(dispatcher, 'confusionTracks', [{ versionId: 999, confirmed: 'Rock', predicted: 'Pop' }])).code, 'not-found');
  assert.equal((await refused(dispatcher, 'undoGenreEdit', [])).code, 'failed', 'nothing to undo yet');
});

test('setting, adding and removing genres: canonical names, changed rows, undo state and an event', async (t) => {
  const { dispatcher, byTitle, events } = await setUp(t);
  const track = byTitle('Pop Study 3'); // no genre tag
  const other = byTitle('Pop Study 4');

  const set = await ok<GenreEditResult>(dispatcher, 'setGenres', { trackIds: [track.id, other.id], genres: ['hip hop', 'Synth Pop'] });
  assert.deepEqual(set.trackIds.sort(), [track.id, other.id].sort());
  assert.equal(set.skipped, 0);
  assert.match(set.summary ?? '', /2 tracks → Hip-Hop, Synthpop/);
  assert.deepEqual(set.state, { canUndo: true, canRedo: false, undoSummary: set.summary, redoSummary: null });
  const updated = await row(dispatcher, track.id);
  assert.deepEqual(updated.confirmedGenres, ['Hip-Hop', 'Synthpop']);
  assert.equal(updated.genre, 'Hip-Hop');
  assert.equal(updated.genreConfirmed, true);
  assert.deepEqual(updated.genres, [], 'the file tags are not touched');
  await waitFor('the genres-changed event', () => events.some((entry) => entry.event === 'genres-changed'));
  const changed = events.find((entry) => entry.event === 'genres-changed')!.payload as ApiEvents['genres-changed'];
  assert.equal(changed.state.canUndo, true);

  const added = await ok<GenreEditResult>(dispatcher, 'addGenre', { trackIds: [track.id], genre: 'Pop' });
  assert.deepEqual(added.trackIds, [track.id]);
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, ['Hip-Hop', 'Synthpop', 'Pop']);
  const again = await ok<GenreEditResult>(dispatcher, 'addGenre', { trackIds: [track.id], genre: 'pop' });
  assert.equal(again.summary, null, 'adding a genre a track has changes nothing');
  assert.equal(again.skipped, 1);

  const removed = await ok<GenreEditResult>(dispatcher, 'removeGenre', { trackIds: [track.id, other.id], genre: 'hiphop' });
  assert.equal(removed.trackIds.length, 2);
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, ['Synthpop', 'Pop']);
  assert.deepEqual((await row(dispatcher, other.id)).confirmedGenres, ['Synthpop']);

  const page = await ok<{ rows: TrackRow[] }>(dispatcher, 'queryTracks', { offset: 0, limit: 100, genre: 'synthpop' });
  assert.deepEqual(page.rows.map((candidate) => candidate.id).sort(), [track.id, other.id].sort(), 'the genre filter sees confirmed genres');
  const facets = await ok<{ genres: string[] }>(dispatcher, 'trackFacets');
  assert.ok(facets.genres.includes('Synthpop') && facets.genres.includes('Rock'), 'the genre menu offers confirmed and tag genres');
  const sorted = await ok<{ rows: TrackRow[] }>(dispatcher, 'queryTracks', { offset: 0, limit: 100, sort: { key: 'genre', direction: 'desc' } });
  assert.deepEqual(sorted.rows.slice(0, 2).map((candidate) => candidate.id).sort(), [track.id, other.id].sort(), 'sorting by genre uses the confirmed genre (Synthpop after Rock)');
});

test('accept suggestions and mark confirmed take the prediction or the tag, and skip what they cannot', async (t) => {
  const { dispatcher, byTitle } = await setUp(t);
  const tagged = byTitle('Rock Study 1'); // tagged Rock, predicted pop
  const untagged = byTitle('Rock Study 4'); // no tag, predicted pop

  // The model's label "pop" is shown under the vocabulary's name, as accepting it will confirm it.
  assert.equal((await row(dispatcher, untagged.id)).predictedGenre, 'Pop');
  const detail = await ok<TrackDetail>(dispatcher, 'getTrack', { id: untagged.id });
  assert.deepEqual(Object.keys(detail.prediction!.probabilities).sort(), ['Classical', 'Electronic', 'Pop', 'Rock']);
  const accepted = await ok<GenreEditResult>(dispatcher, 'acceptSuggestions', { trackIds: [untagged.id] });
  assert.deepEqual(accepted.trackIds, [untagged.id]);
  assert.deepEqual((await row(dispatcher, untagged.id)).confirmedGenres, ['Pop']);

  const confirmed = await ok<GenreEditResult>(dispatcher, 'confirmGenres', { trackIds: [tagged.id, untagged.id] });
  assert.deepEqual(confirmed.trackIds, [tagged.id], 'the tag genre is confirmed; the already confirmed track is skipped');
  assert.equal(confirmed.skipped, 1);
  assert.deepEqual((await row(dispatcher, tagged.id)).confirmedGenres, ['Rock']);
});

test('undo and redo name what they did and restore the rows', async (t) => {
  const { dispatcher, byTitle } = await setUp(t);
  const track = byTitle('Classical Study 3');
  await ok(dispatcher, 'setGenres', { trackIds: [track.id], genres: ['Classical'] });
  await ok(dispatcher, 'setGenres', { trackIds: [track.id], genres: ['Baroque Pop'] });

  const undone = await ok<GenreEditResult>(dispatcher, 'undoGenreEdit');
  assert.match(undone.summary ?? '', /→ Baroque Pop/);
  assert.deepEqual(undone.trackIds, [track.id]);
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, ['Classical']);
  assert.equal(undone.state.canRedo, true);
  assert.match(undone.state.undoSummary ?? '', /→ Classical/);

  const redone = await ok<GenreEditResult>(dispatcher, 'redoGenreEdit');
  assert.match(redone.summary ?? '', /→ Baroque Pop/);
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, ['Baroque Pop']);

  const history = await ok<Array<{ summary: string; state: string }>>(dispatcher, 'genreHistory', { limit: 5 });
  assert.deepEqual(history.map((entry) => entry.state), ['done', 'done']);
  assert.deepEqual(await ok(dispatcher, 'genreEditState'), redone.state);
});

test('with writeTags the genre goes into the file too, and undo restores the file byte for byte', async (t) => {
  const { dispatcher, byTitle } = await setUp(t);
  const track = byTitle('Electronic Study 4');
  const { path } = await ok<TrackDetail>(dispatcher, 'getTrack', { id: track.id });
  const original = readFileSync(path);

  const written = await ok<GenreEditResult>(dispatcher, 'setGenres', { trackIds: [track.id], genres: ['Electronic'], writeTags: true });
  assert.deepEqual(written.fileErrors, []);
  assert.match(written.summary ?? '', /\(tags written to \d+ files?\)/);
  assert.notDeepEqual(readFileSync(path), original);
  assert.deepEqual((await row(dispatcher, track.id)).genres, ['Electronic'], 'the row shows the file’s new tag');

  const plain = await ok<GenreEditResult>(dispatcher, 'addGenre', { trackIds: [track.id], genre: 'Ambient' });
  assert.doesNotMatch(plain.summary ?? '', /tags written/, 'without writeTags only the library changes');
  await ok(dispatcher, 'undoGenreEdit');
  await ok(dispatcher, 'undoGenreEdit');
  assert.deepEqual(readFileSync(path), original);
  assert.deepEqual((await row(dispatcher, track.id)).genres, []);
});

test('a bulk write to files reports its progress file by file', async (t) => {
  const { dispatcher, tracks, events } = await setUp(t);
  const ids = tracks.slice(0, 12).map((track) => track.id);
  events.length = 0;
  const written = await ok<GenreEditResult>(dispatcher, 'setGenres', { trackIds: ids, genres: ['Jazz'], writeTags: true });
  assert.deepEqual(written.fileErrors, []);
  const progress = events.filter((event) => event.event === 'tag-write-progress').map((event) => event.payload as { done: number; total: number });
  assert.deepEqual(progress.map(({ done }) => done), [...Array(13).keys()]);
  assert.ok(progress.every(({ total }) => total === 12));
  await waitFor('the rows announced', () => events.some((event) => event.event === 'tracks-changed'));
  for (const id of ids) assert.deepEqual((await row(dispatcher, id)).genres, ['Jazz']);
});

test('an undo that would overwrite a file changed behind Timbre\'s back says so, and can leave that file and undo the rest', async (t) => {
  const { dispatcher, byTitle } = await setUp(t);
  const track = byTitle('Pop Study 6');
  const { path } = await ok<TrackDetail>(dispatcher, 'getTrack', { id: track.id });
  await ok(dispatcher, 'setGenres', { trackIds: [track.id], genres: ['Dream Pop'], writeTags: true });
  appendFileSync(path, Buffer.alloc(64)); // another program changes the file
  const changed = readFileSync(path);

  const blocked = await ok<GenreUndoResult>(dispatcher, 'undoGenreEdit');
  assert.match(blocked.blocked ?? '', /^cannot undo: .*Nothing was changed\.$/s);
  assert.doesNotMatch(blocked.blocked ?? '', /--keep-changed-files/, 'no CLI advice in the app');
  assert.equal(blocked.summary, null);
  assert.equal(blocked.state.canUndo, true);
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, ['Dream Pop']);

  const rest = await ok<GenreUndoResult>(dispatcher, 'undoGenreEdit', { keepChangedFiles: true });
  assert.equal(rest.blocked, null);
  assert.deepEqual(rest.trackIds, [track.id]);
  assert.deepEqual(rest.fileErrors.map((file) => file.path), [path], 'the changed file is reported as left alone');
  assert.deepEqual(readFileSync(path), changed, 'the other program’s change is kept');
  assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, []);
  const error = await refused(dispatcher, 'undoGenreEdit', [{ keepChangedFiles: 'yes' }]);
  assert.equal(error.code, 'invalid-arguments');
});

test('the vocabulary: counts, aliases, suggestions, rename and merge', async (t) => {
  const { dispatcher, byTitle } = await setUp(t);
  const [a, b, c] = ['Pop Study 1', 'Pop Study 2', 'Rock Study 5'].map((title) => byTitle(title).id);
  await ok(dispatcher, 'setGenres', { trackIds: [a, b], genres: ['Hip Hop'] });
  await ok(dispatcher, 'setGenres', { trackIds: [c], genres: ['Rap'] });

  type Vocabulary = { genres: Array<{ id: number; name: string; aliases: string[]; trackCount: number }>; suggestions: string[] };
  let vocabulary = await ok<Vocabulary>(dispatcher, 'genreVocabulary');
  const hipHop = vocabulary.genres.find((genre) => genre.name === 'Hip-Hop')!;
  const rap = vocabulary.genres.find((genre) => genre.name === 'Rap')!;
  assert.equal(hipHop.trackCount, 2);
  assert.ok(hipHop.aliases.length > 0, 'Hip-Hop lists its other spellings');
  assert.ok(vocabulary.suggestions.includes('Jazz'), 'built-in genres are offered');
  assert.ok(vocabulary.suggestions.includes('Rock'), 'tag genres are offered');
  assert.ok(!vocabulary.suggestions.includes('Hip-Hop'), 'a vocabulary genre is not offered twice');

  const renamed = await ok<GenreEditResult>(dispatcher, 'renameGenre', { id: hipHop.id, name: 'Hip Hop & Rap' });
  assert.deepEqual(renamed.trackIds.sort(), [a, b].sort());
  assert.deepEqual((await row(dispatcher, a)).confirmedGenres, ['Hip Hop & Rap']);

  const merged = await ok<GenreEditResult>(dispatcher, 'mergeGenres', { sourceId: rap.id, targetId: hipHop.id });
  assert.deepEqual(merged.trackIds, [c]);
  assert.match(merged.summary ?? '', /merge genre Rap into Hip Hop & Rap/);
  vocabulary = await ok<Vocabulary>(dispatcher, 'genreVocabulary');
  assert.equal(vocabulary.genres.find((genre) => genre.id === hipHop.id)!.trackCount, 3);
  assert.ok(!vocabulary.genres.some((genre) => genre.id === rap.id));

  const refusal = await refused(dispatcher, 'renameGenre', [{ id: 999_999, name: 'X' }]);
  assert.match(refusal.message, /no genre/);
});

test('tag genres are in the vocabulary; merging two tag spellings writes the files with progress, the rows follow, undo restores them', async (t) => {
  const { dispatcher, tracks, events } = await setUp(t);
  type Spellings = { entries: Array<{ name: string; tagTrackCount: number; confirmedTrackCount: number; placement: { kind: string; families?: string[] } }>; families: Array<{ id: string }> };
  let spellings = await ok<Spellings>(dispatcher, 'genreSpellings');
  assert.deepEqual(
    spellings.entries.map(({ name, tagTrackCount, confirmedTrackCount }) => [name, tagTrackCount, confirmedTrackCount]),
    [['Classical', 2, 0], ['Electronic', 2, 0], ['Pop', 2, 0], ['Rock', 2, 0]],
    'the tag genres of a library nobody confirmed anything in',
  );
  assert.deepEqual(spellings.entries.find((entry) => entry.name === 'Pop')!.placement, { kind: 'families', families: ['pop'] });
  assert.equal(spellings.families.length, 17);

  const pop = tracks.filter((track) => track.tagGenre === 'Pop').map((track) => track.id);
  const paths = await Promise.all(pop.map(async (id) => (await ok<TrackDetail>(dispatcher, 'getTrack', { id })).path));
  const before = paths.map((path) => readFileSync(path));
  events.length = 0;
  const merged = await ok<GenreEditResult>(dispatcher, 'mergeSpellings', { sources: ['Pop'], target: 'Rock', writeTags: true });
  assert.equal(merged.summary, 'merge genre Pop into Rock (tags written to 2 files)');
  assert.deepEqual(merged.fileErrors, []);
  assert.deepEqual(merged.trackIds.sort(), pop.sort());
  const progress = events.filter((event) => event.event === 'tag-write-progress').map((event) => event.payload);
  assert.deepEqual(progress, [{ done: 0, total: 2 }, { done: 1, total: 2 }, { done: 2, total: 2 }]);
  for (const id of pop) assert.deepEqual((await row(dispatcher, id)).genres, ['Rock'], 'the row reads the written tag');
  spellings = await ok<Spellings>(dispatcher, 'genreSpellings');
  assert.equal(spellings.entries.find((entry) => entry.name === 'Rock')!.tagTrackCount, 4);
  assert.ok(!spellings.entries.some((entry) => entry.name === 'Pop'));

  const undone = await ok<GenreUndoResult>(dispatcher, 'undoGenreEdit');
  assert.deepEqual(undone.trackIds.sort(), pop.sort());
  // The seeded WAVs hold no genre tag of their own (the library's tags were written straight into the
  // database), so the restored files read as untagged.
  for (const id of pop) assert.deepEqual((await row(dispatcher, id)).genres, []);
  assert.deepEqual(paths.map((path) => readFileSync(path)), before, 'byte for byte');

  const mapped = await ok<GenreEditResult>(dispatcher, 'mapSpelling', { spelling: 'Rock', family: 'outside' });
  assert.match(mapped.summary ?? '', /map genre Rock → outside the genre tree/);
  spellings = await ok<Spellings>(dispatcher, 'genreSpellings');
  assert.deepEqual(spellings.entries.find((entry) => entry.name === 'Rock')!.placement, { kind: 'outside' });
  assert.equal((await refused(dispatcher, 'mapSpelling', [{ spelling: 'Rock', family: 'polka' }])).code, 'not-found');
  assert.match((await refused(dispatcher, 'mergeSpellings', [{ sources: ['Polka'], target: 'Rock' }])).message, /no genre 'Polka'/);
});

test('select all answers every matching track id in table order', async (t) => {
  const { dispatcher, tracks } = await setUp(t);
  const { ids } = await ok<{ ids: number[] }>(dispatcher, 'selectTracks', { search: 'rock', sort: { key: 'title', direction: 'desc' } });
  const expected = tracks.filter((track) => track.truth === 'Rock').sort((x, y) => y.title.localeCompare(x.title)).map((track) => track.id);
  assert.deepEqual(ids, expected);
});

/** Fixes every track but one per genre to its true genre, as a user would. */
async function fixMostTracks(dispatcher: Dispatcher, tracks: SeededTrack[]): Promise<SeededTrack[]> {
  const fixed = tracks.filter((track) => !track.title.endsWith('6'));
  for (const genre of new Set(fixed.map((track) => track.truth))) {
    await ok(dispatcher, 'setGenres', { trackIds: fixed.filter((track) => track.truth === genre).map((track) => track.id), genres: [genre] });
  }
  return fixed;
}

test('confusion, its cells, retrain and rollback', { timeout: 60_000 }, async (t) => {
  const { dispatcher, tracks, events } = await setUp(t);
  const fixed = await fixMostTracks(dispatcher, tracks);
  const cell = (matrix: ConfusionMatrix, confirmed: string, predicted: string) =>
    matrix.counts[matrix.labels.indexOf(confirmed)][matrix.labels.indexOf(predicted)];

  const before = await ok<ConfusionMatrix>(dispatcher, 'confusion');
  assert.equal(before.tracks, fixed.length);
  const rockAsPop = fixed.filter((track) => track.truth === 'Rock' && track.predicted === 'pop');
  assert.equal(cell(before, 'Rock', 'Pop'), rockAsPop.length);
  const agreeing = fixed.filter((track) => track.truth.toLowerCase() === track.predicted).length;
  assert.ok(Math.abs(before.accuracy! - agreeing / fixed.length) < 1e-9, `accuracy ${before.accuracy}`);
  const cellRows = await ok<TrackRow[]>(dispatcher, 'confusionTracks', { confirmed: 'Rock', predicted: 'Pop' });
  assert.deepEqual(cellRows.map((candidate) => candidate.id).sort(), rockAsPop.map((track) => track.id).sort());

  const { jobId } = await ok<{ jobId: number }>(dispatcher, 'startRetrain');
  assert.ok(jobId > 0);
  assert.equal((await refused(dispatcher, 'startRetrain', [])).code, 'failed', 'one retrain at a time');
  const done = await waitFor(
    'the retrain to finish',
    () => events.find((entry) => entry.event === 'retrain-progress' && (entry.payload as ApiEvents['retrain-progress']).state !== 'running'),
    50_000,
  );
  const progress = done.payload as ApiEvents['retrain-progress'];
  assert.equal(progress.state, 'done', progress.message);
  assert.deepEqual(await ok(dispatcher, 'retrainStatus'), progress);
  await waitFor('the model-changed event', () => events.some((entry) => entry.event === 'model-changed'));

  type Version = { id: number; name: string; active: boolean; trainedOn: number };
  const versions = await ok<Version[]>(dispatcher, 'listModelVersions');
  const shipped = versions.find((version) => version.trainedOn === 0)!;
  const retrained = versions.find((version) => version.id === progress.versionId)!;
  assert.ok(retrained.active && !shipped.active);
  assert.equal(retrained.trainedOn, fixed.length);

  const after = await ok<ConfusionMatrix>(dispatcher, 'confusion');
  assert.equal(after.versionId, retrained.id);
  assert.ok(after.accuracy! > before.accuracy!, `accuracy ${before.accuracy} → ${after.accuracy}`);
  assert.equal(cell(after, 'Rock', 'Pop'), 0, 'the retrained head learned the fixes');
  const predictedPop = await ok<{ rows: TrackRow[] }>(dispatcher, 'queryTracks', { offset: 0, limit: 100, predictedGenre: 'Pop' });
  assert.ok(!predictedPop.rows.some((candidate) => rockAsPop.some((track) => track.id === candidate.id)), 'the table shows the new predictions');
  assert.deepEqual((await ok<ConfusionMatrix>(dispatcher, 'confusion', { versionId: shipped.id })).counts, before.counts, 'the shipped version is still there to compare');

  const rolledBack = await ok<Version[]>(dispatcher, 'activateModelVersion', { id: shipped.id });
  assert.ok(rolledBack.find((version) => version.id === shipped.id)!.active);
  assert.deepEqual((await ok<ConfusionMatrix>(dispatcher, 'confusion')).counts, before.counts);
  for (const track of fixed) {
    assert.deepEqual((await row(dispatcher, track.id)).confirmedGenres, [track.truth], 'a retrain or rollback never touches a confirmed genre');
  }
});
