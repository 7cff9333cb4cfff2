import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEventName } from '../../core/api/contract.js';
import { createDispatcher, EVENT_INTERVAL_MS } from '../../core/api/dispatch.js';
import { openDatabase } from '../../core/db/open.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { DuplicatesService } from '../../core/duplicates/service.js';
import { GenreService } from '../../core/genres/service.js';
import { RetrainService } from '../../core/retrain/service.js';
import { SimilarityService } from '../../core/similarity/service.js';
import type {
  AnalysisProgress,
  Core,
  CoreEventMap,
  CoreEventName,
  FolderInfo,
  LibraryService,
  TrackDetail,
  TrackSummary,
} from '../../core/index.js';

/** An in-memory core: just enough library to drive the dispatch, and a way to fire core events. */
function fakeCore(tracks: TrackSummary[], predictions = new Map<number, NonNullable<TrackDetail['prediction']>>()) {
  const listeners = new Map<CoreEventName, Set<(payload: never) => void>>();
  const calls: string[] = [];
  const progress: AnalysisProgress = { done: 1, failed: 0, total: 2, ratePerSec: 0.5, etaSec: 2, paused: false, active: 1 };
  const folder: FolderInfo = { id: 1, path: '/music', addedAt: 0, lastScanAt: null, trackCount: tracks.length, watching: true, scanning: false, error: null };
  const library: LibraryService = {
    addFolder: async (path) => {
      calls.push(`addFolder ${path}`);
      return { ...folder, path };
    },
    removeFolder: async (id) => void calls.push(`removeFolder ${id}`),
    listFolders: () => [folder],
    scanFolder: async () => {
      throw new Error('not used');
    },
    listTracks: () => tracks,
    getTrack: (id) => {
      const track = tracks.find((candidate) => candidate.id === id);
      if (!track) return null;
      const detail: TrackDetail = {
        ...track,
        sizeBytes: 1,
        mtimeMs: 0,
        analysisVersion: 1,
        analysedAt: 0,
        melPreview: { bands: 2, frames: 3, secondsPerFrame: 0.5, dbMin: -80, dbMax: 0, data: new Uint8Array([0, 255, 10, 20, 30, 40]) },
        mir: { tempoBpm: 120, brightnessHz: 1500, energyRms: 0.1 },
        prediction: predictions.get(id) ?? null,
      };
      return detail;
    },
    setUserData: () => null,
    pause: () => void calls.push('pause'),
    resume: () => void calls.push('resume'),
    cancel: () => void calls.push('cancel'),
    progress: () => progress,
    whenIdle: async () => {},
  };
  const retrainDb = openDatabase(':memory:');
  const core: Core = {
    library,
    genres: new GenreService(openDatabase(':memory:')),
    similarity: new SimilarityService({ db: openDatabase(':memory:') }),
    duplicates: new DuplicatesService(openDatabase(':memory:')),
    retrain: new RetrainService({ db: retrainDb, predictions: new PredictionsRepo(retrainDb), events: { emit: () => {} } }),
    dbPath: ':memory:',
    artDir: '/nonexistent/art',
    checkLibraryFile: () => {},
    shutdown: async () => {},
    events: {
      on(event, listener) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener as (payload: never) => void);
        return () => listeners.get(event)!.delete(listener as (payload: never) => void);
      },
    },
  };
  const emit = <E extends CoreEventName>(event: E, payload: CoreEventMap[E]) => {
    for (const listener of listeners.get(event) ?? []) listener(payload as never);
  };
  return { core, calls, emit, progress, listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0) };
}

function summary(id: number, patch: Partial<TrackSummary> = {}): TrackSummary {
  return {
    id,
    folderId: 1,
    path: `/music/track-${id}.flac`,
    title: `Track ${id}`,
    artist: null,
    album: null,
    year: null,
    albumArtist: null,
    trackNo: null,
    discNo: null,
    artHash: null,
    genres: [],
    durationSec: 60,
    bitrate: null,
    sampleRate: null,
    status: 'done',
    error: null,
    tempoBpm: 100,
    rating: null,
    confirmedGenres: [],
    predicted: null,
    genre: null,
    ...patch,
  };
}

test('calls are validated, then reach the core; failures come back as typed errors', async () => {
  const { core, calls } = fakeCore([summary(1)]);
  const dispatcher = createDispatcher(core, { mode: 'web', version: '1.2.3' });
  assert.deepEqual(await dispatcher.call('appInfo', []), { ok: true, result: { version: '1.2.3', mode: 'web', nativeFolderDialog: false } });
  assert.deepEqual(await dispatcher.call('chooseFolder', []), { ok: true, result: { path: null } }, 'no dialog in web mode');

  const bad = await dispatcher.call('addFolder', [{ path: 42 }]);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, 'invalid-arguments');
  assert.deepEqual(calls, [], 'the core never saw the invalid call');

  assert.equal((await dispatcher.call('addFolder', [{ path: ' /music ' }])).ok, true);
  assert.deepEqual(calls, ['addFolder /music'], 'paths are trimmed');
  assert.deepEqual(await dispatcher.call('removeFolder', [{ id: 99 }]), { ok: true, result: { removed: false } });
  assert.deepEqual(await dispatcher.call('removeFolder', [{ id: 1 }]), { ok: true, result: { removed: true } });

  const missing = await dispatcher.call('getTrack', [{ id: 5 }]);
  assert.equal(!missing.ok && missing.error.code, 'not-found');
  const unknown = await dispatcher.call('dropDatabase', []);
  assert.equal(!unknown.ok && unknown.error.code, 'unknown-method');
  const tooMany = await dispatcher.call('listFolders', [{ extra: true }]);
  assert.equal(!tooMany.ok && tooMany.error.code, 'invalid-arguments');

  assert.deepEqual(await dispatcher.call('pauseScan', []), {
    ok: true,
    result: { done: 1, failed: 0, total: 2, ratePerSec: 0.5, etaSec: 2, paused: false, active: 1 },
  });
  assert.deepEqual(calls.slice(-1), ['pause']);
  dispatcher.close();
});

test('a native dialog is offered only by hosts that have one', async () => {
  const { core } = fakeCore([]);
  const dispatcher = createDispatcher(core, { mode: 'electron', version: '1', chooseFolder: async () => '/picked' });
  const info = await dispatcher.call('appInfo', []);
  assert.equal(info.ok && (info.result as { nativeFolderDialog: boolean }).nativeFolderDialog, true);
  assert.deepEqual(await dispatcher.call('chooseFolder', []), { ok: true, result: { path: '/picked' } });
  dispatcher.close();
});

test('tracks map to table rows and details, predictions included when the core has them', async () => {
  const predicted = summary(2, { confirmedGenres: ['Jazz'], predicted: { genre: 'Jazz', confidence: 0.8, candidates: [] } });
  const { core } = fakeCore([summary(1), predicted]);
  const dispatcher = createDispatcher(core, { mode: 'web', version: '1' });
  const page = await dispatcher.call('queryTracks', [{ offset: 0, limit: 10 }]);
  assert.ok(page.ok);
  const rows = (page.result as { rows: Array<Record<string, unknown>> }).rows;
  assert.deepEqual(
    rows.map((row) => [row.fileName, row.predictedGenre, row.confidence, row.genreConfirmed]),
    [
      ['track-1.flac', null, null, false],
      ['track-2.flac', 'Jazz', 0.8, true],
    ],
  );
  const detail = await dispatcher.call('getTrack', [{ id: 1 }]);
  assert.ok(detail.ok);
  const result = detail.result as { mel: { bytesBase64: string; bands: number; frames: number }; mir: unknown; prediction: unknown };
  assert.deepEqual([...Buffer.from(result.mel.bytesBase64, 'base64')], [0, 255, 10, 20, 30, 40]);
  assert.deepEqual([result.mel.bands, result.mel.frames], [2, 3]);
  assert.deepEqual(result.mir, { tempoBpm: 120, brightnessHz: 1500, energy: 0.1 });
  assert.equal(result.prediction, null);
  dispatcher.close();
});

test('trackRows answers the rows of the ids asked for, in that order, leaving out ids not in the library', async () => {
  const { core } = fakeCore([summary(1), summary(2), summary(3)]);
  const dispatcher = createDispatcher(core, { mode: 'web', version: '1' });
  const answer = await dispatcher.call('trackRows', [{ ids: [3, 9, 1, 3] }]);
  assert.ok(answer.ok);
  assert.deepEqual((answer.result as Array<{ id: number; title: string }>).map((row) => [row.id, row.title]), [
    [3, 'Track 3'],
    [1, 'Track 1'],
    [3, 'Track 3'],
  ]);
  const bad = await dispatcher.call('trackRows', [{ ids: [0] }]);
  assert.equal(!bad.ok && bad.error.code, 'invalid-arguments');
  dispatcher.close();
});

test('an unsure prediction: a row with candidates and no predicted genre, a detail with no genre and a timeline with gaps', async () => {
  const candidates = [
    { genre: 'electronic', probability: 0.4 },
    { genre: 'rock', probability: 0.35 },
    { genre: 'classical', probability: 0.25 },
  ];
  const probabilities = { electronic: 0.4, rock: 0.35, classical: 0.25 };
  const track = summary(1, { durationSec: 100, predicted: { genre: null, confidence: 0.4, candidates } });
  const prediction = {
    modelId: 'm',
    modelVersion: '1',
    version: null,
    genre: null,
    confidence: 0.4,
    candidates,
    unsureThreshold: 0.6,
    probabilities,
    segments: [
      { start: 15, end: 25, genre: null, probabilities },
      { start: 45, end: 55, genre: 'rock', probabilities: { electronic: 0.1, rock: 0.8, classical: 0.1 } },
    ],
  };
  const { core } = fakeCore([track], new Map([[1, prediction]]));
  const dispatcher = createDispatcher(core, { mode: 'web', version: '1' });
  const page = await dispatcher.call('queryTracks', [{ offset: 0, limit: 10 }]);
  assert.ok(page.ok);
  const [row] = (page.result as { rows: Array<Record<string, unknown>> }).rows;
  assert.deepEqual([row.predictedGenre, row.confidence, row.genre], [null, 0.4, null]);
  assert.deepEqual(row.unsureCandidates, [
    { genre: 'Electronic', probability: 0.4 },
    { genre: 'Rock', probability: 0.35 },
    { genre: 'Classical', probability: 0.25 },
  ]);
  const detail = await dispatcher.call('getTrack', [{ id: 1 }]);
  assert.ok(detail.ok);
  const shown = (detail.result as { prediction: Record<string, unknown> & { segments: Array<{ genre: string | null }> } }).prediction;
  assert.deepEqual([shown.genre, shown.confidence, shown.unsureThreshold, shown.versionName, shown.retrained], [null, 0.4, 0.6, 'm 1', false]);
  assert.deepEqual(shown.candidates, row.unsureCandidates);
  assert.deepEqual(shown.segments.map((segment) => segment.genre), [null, 'Rock']);
  assert.deepEqual(shown.timeline, [
    { start: 0, end: 15, analysed: false },
    { start: 15, end: 25, analysed: true },
    { start: 25, end: 45, analysed: false },
    { start: 45, end: 55, analysed: true },
    { start: 55, end: 100, analysed: false },
  ]);
  dispatcher.close();
});

test('a batch of track updates keeps the table current like single ones and is announced once', async () => {
  const fake = fakeCore([summary(1), summary(2), summary(3)]);
  const dispatcher = createDispatcher(fake.core, { mode: 'web', version: '1' });
  const received: Array<[ApiEventName, unknown]> = [];
  dispatcher.subscribe((event, payload) => received.push([event, payload]));

  fake.emit('tracks-updated', {
    updates: [
      { id: 1, track: summary(1, { confirmedGenres: ['Jazz'], genre: 'Jazz' }) },
      { id: 2, track: summary(2, { confirmedGenres: ['Jazz'], genre: 'Jazz' }) },
      { id: 3, track: null },
    ],
  });
  const page = await dispatcher.call('queryTracks', [{ offset: 0, limit: 10, genre: 'jazz' }]);
  assert.ok(page.ok);
  const { total, libraryTotal } = page.result as { total: number; libraryTotal: number };
  assert.deepEqual({ total, libraryTotal }, { total: 2, libraryTotal: 2 });
  await new Promise((resolve) => setTimeout(resolve, EVENT_INTERVAL_MS + 50));
  assert.deepEqual(received, [['tracks-changed', { ids: [1, 2, 3] }]]);
  dispatcher.close();
  assert.equal(fake.listenerCount(), 0, 'close() unsubscribes from both forms');
});

test('core events keep the table current and reach subscribers coalesced', async () => {
  const fake = fakeCore([summary(1)]);
  const dispatcher = createDispatcher(fake.core, { mode: 'web', version: '1' });
  const received: Array<[ApiEventName, unknown]> = [];
  const unsubscribe = dispatcher.subscribe((event, payload) => received.push([event, payload]));

  fake.emit('track-updated', { id: 2, track: summary(2, { title: 'Fresh Track' }) });
  fake.emit('track-updated', { id: 1, track: null });
  for (let done = 1; done <= 50; done += 1) fake.emit('progress', { ...fake.progress, done });
  fake.emit('folder-updated', { id: 1, folder: fake.core.library.listFolders()[0] });

  const page = await dispatcher.call('queryTracks', [{ offset: 0, limit: 10, search: 'fresh' }]);
  assert.ok(page.ok && (page.result as { total: number; libraryTotal: number }).total === 1, 'an updated track is searchable at once');
  assert.equal(page.ok && (page.result as { libraryTotal: number }).libraryTotal, 1, 'a removed track is gone');

  assert.equal(received.length, 0, 'events wait for the next interval');
  await new Promise((resolve) => setTimeout(resolve, EVENT_INTERVAL_MS + 50));
  assert.deepEqual(
    received.map(([event]) => event),
    ['folders-changed', 'tracks-changed', 'progress'],
  );
  assert.deepEqual(received[1][1], { ids: [2, 1] });
  assert.equal((received[2][1] as { done: number }).done, 50, 'only the latest progress is sent');

  unsubscribe();
  dispatcher.close();
  assert.equal(fake.listenerCount(), 0, 'close() unsubscribes from the core');
});
