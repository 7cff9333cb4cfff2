import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { MetaRepo } from '../../core/db/repos/meta.js';
import { PredictionsRepo, type StoredPrediction } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { AnalysisRunner } from '../../core/jobs/runner.js';
import { RunnerRegistry } from '../../core/jobs/runner-registry.js';
import { SeededRandom } from '../../core/ml/random.js';
import { DEFAULT_HEAD_OPTIONS } from '../../core/retrain/head.js';
import { RetrainService } from '../../core/retrain/service.js';
import type { RetrainProgress } from '../../core/retrain/types.js';
import type { AnalysisExecutor } from '../../core/workers/pool.js';
import type { AnalyseReply } from '../../core/workers/protocol.js';

const MODEL = { modelId: 'genre-test', modelVersion: '1.0.0' };
const BASE_LABELS = ['classical', 'electronic', 'rock'];
/**
 * Four kinds of music, one embedding cluster each. The shipped model gets classical and electronic
 * right, calls rock "electronic" (a mistake the fixes correct) and knows nothing of chiptune (a genre
 * the user invents), which it also calls electronic.
 */
const KINDS = [
  { name: 'classical', confirmAs: 'Classical', base: [0.8, 0.1, 0.1] },
  { name: 'electronic', confirmAs: 'Electronic', base: [0.1, 0.7, 0.2] },
  { name: 'rock', confirmAs: 'Rock', base: [0.1, 0.6, 0.3] },
  { name: 'chiptune', confirmAs: 'Chiptune', base: [0.05, 0.8, 0.15] },
];
const DIM = 16;

interface Track {
  id: number;
  kind: number;
  prediction: StoredPrediction;
}

function makeLibrary(perKind = 16) {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const random = new SeededRandom(11);
  const centres = KINDS.map(() => Array.from({ length: DIM }, () => random.normal()));
  const predictions = new PredictionsRepo(db);
  const insertTrack = db.prepare(`INSERT INTO tracks (folder_id, path, size, mtime_ms, artist, added_at, updated_at) VALUES (1, ?, 1, 1, ?, 0, 0)`);
  const tracks: Track[] = [];
  const newPrediction = (kind: number): StoredPrediction => {
    const values = centres[kind].map((c) => c + 0.35 * random.normal());
    const norm = Math.hypot(...values);
    const base = KINDS[kind].base;
    const best = base.indexOf(Math.max(...base));
    return {
      ...MODEL,
      genre: BASE_LABELS[best],
      confidence: base[best],
      probabilities: Object.fromEntries(BASE_LABELS.map((label, i) => [label, base[i]])),
      segments: [{ start: 0, end: 3, genre: BASE_LABELS[best], probabilities: {} }],
      embedding: Float32Array.from(values, (v) => v / norm),
    };
  };
  KINDS.forEach((kind, k) => {
    for (let i = 0; i < perKind; i++) {
      // Two tracks per artist.
      const id = Number(insertTrack.run(`/music/${kind.name}-${i}.wav`, `${kind.name} artist ${Math.floor(i / 2)}`).lastInsertRowid);
      const prediction = newPrediction(k);
      predictions.save(id, prediction, 1000 + id);
      tracks.push({ id, kind: k, prediction });
    }
  });
  const genres = new GenresRepo(db);
  const events: RetrainProgress[] = [];
  const modelChanges: number[] = [];
  const changedTracks = new Set<number>();
  const service = new RetrainService({
    db,
    predictions,
    events: {
      emit: (event, payload) => {
        if (event === 'retrain-progress') events.push(payload as RetrainProgress);
        else modelChanges.push((payload as { versionId: number }).versionId);
      },
    },
    onTracksChanged: (ids) => ids.forEach((id) => changedTracks.add(id)),
    // Fewer optimiser steps than the default keep the test fast; the clusters are easy.
    headOptions: { ...DEFAULT_HEAD_OPTIONS, targetSteps: 300 },
  });
  return { db, predictions, genres, service, tracks, events, modelChanges, changedTracks, newPrediction };
}

function confirm(genres: GenresRepo, trackId: number, ...names: string[]): void {
  genres.setConfirmedRows(
    trackId,
    names.map((name) => ({ genreId: genres.resolveOrCreate(name).id, source: 'user' as const, confirmedAt: 0 })),
  );
}

/** Confirms the first `count` tracks of every kind as their genre. */
function confirmSome(library: ReturnType<typeof makeLibrary>, count: number): void {
  for (const kind of KINDS.keys()) {
    for (const track of library.tracks.filter((t) => t.kind === kind).slice(0, count)) confirm(library.genres, track.id, KINDS[kind].confirmAs);
  }
}

function storedPredictions(db: Db): unknown[] {
  return db.prepare('SELECT track_id, genre, confidence, probabilities, segments, head_version_id FROM track_predictions ORDER BY track_id').all();
}

async function retrain(service: RetrainService): Promise<RetrainProgress> {
  const { jobId } = service.start();
  return service.whenDone(jobId);
}

describe('RetrainService', () => {
  it('learns from the fixes in a worker thread, makes the new version active and refreshes every prediction', async () => {
    const library = makeLibrary();
    confirmSome(library, 6);
    const confirmedBefore = library.genres.allConfirmed();

    const done = await retrain(library.service);
    assert.equal(done.state, 'done', done.message);
    assert.ok(done.versionId);
    const steps = library.events.map((event) => event.step);
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'progress only moves forward');
    assert.ok(library.events.every((event) => event.steps === done.steps));
    assert.equal(library.service.status(), done);
    assert.deepEqual(library.modelChanges, [done.versionId]);

    const versions = library.service.listVersions();
    assert.deepEqual(
      versions.map((v) => [v.name, v.active, v.trainedOn]),
      [
        ['genre-test 1.0.0', false, 0],
        ['genre-test 1.0.0 + fixes #1', true, 24],
      ],
    );
    const head = versions[1];
    assert.deepEqual(head.labels, ['Classical', 'Electronic', 'Rock', 'Chiptune']);
    assert.ok(head.validation, 'validated: 24 tracks by 12 artists');
    assert.equal(head.validation.tracks, 24);
    assert.ok(head.validation.accuracy >= 0.9, `validation accuracy ${head.validation.accuracy}`);

    // Unconfirmed tracks: rock is now Rock, the invented Chiptune is predicted, the unfixed rest kept.
    const unconfirmed = library.tracks.filter((track) => library.genres.confirmed(track.id).length === 0);
    for (const kind of KINDS.keys()) {
      const genres = unconfirmed.filter((track) => track.kind === kind).map((track) => library.predictions.get(track.id)!.genre);
      const right = genres.filter((genre) => genre === KINDS[kind].confirmAs).length;
      assert.ok(right >= genres.length - 1, `${KINDS[kind].name}: ${genres.join(', ')}`);
    }
    const rock = library.predictions.get(unconfirmed.find((track) => track.kind === 2)!.id)!;
    assert.equal(Object.keys(rock.probabilities).length, 4);
    assert.deepEqual(rock.segments, [{ start: 0, end: 3, genre: 'electronic', probabilities: {} }], "the timeline stays the shipped model's");
    assert.equal(library.changedTracks.size, library.tracks.length);

    // A retrain only reads confirmed genres.
    assert.deepEqual(library.genres.allConfirmed(), confirmedBefore);
  });

  it('rolls back to the shipped model and forward again, restoring the earlier predictions exactly', async () => {
    const library = makeLibrary();
    const shipped = storedPredictions(library.db);
    confirmSome(library, 4);
    const first = await retrain(library.service);
    const afterFirst = storedPredictions(library.db);
    assert.notDeepEqual(afterFirst, shipped);

    confirmSome(library, 8);
    const second = await retrain(library.service);
    assert.equal(second.state, 'done');
    const afterSecond = storedPredictions(library.db);
    assert.notDeepEqual(afterSecond, afterFirst);

    const baseId = library.service.listVersions().find((v) => v.trainedOn === 0)!.id;
    const versions = await library.service.activate(baseId);
    assert.deepEqual(versions.filter((v) => v.active).map((v) => v.id), [baseId]);
    assert.deepEqual(storedPredictions(library.db), shipped);

    await library.service.activate(first.versionId!);
    assert.deepEqual(storedPredictions(library.db), afterFirst);
    await library.service.activate(second.versionId!);
    assert.deepEqual(storedPredictions(library.db), afterSecond);
    assert.deepEqual(library.service.listVersions().map((v) => v.name), [
      'genre-test 1.0.0',
      'genre-test 1.0.0 + fixes #1',
      'genre-test 1.0.0 + fixes #2',
    ]);
  });

  it('gives tracks analysed later the active version’s prediction', async () => {
    const library = makeLibrary();
    confirmSome(library, 6);
    const done = await retrain(library.service);
    const chiptune = library.newPrediction(3);
    const trackId = Number(library.db.prepare(`INSERT INTO tracks (folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, '/music/new.wav', 1, 1, 0, 0)`).run().lastInsertRowid);
    const queue = new AnalysisQueue(new JobsRepo(library.db));
    queue.enqueue(trackId);
    const runner = new AnalysisRunner({
      db: library.db,
      queue,
      tracks: new TracksRepo(library.db),
      features: new FeaturesRepo(library.db),
      predictions: library.predictions,
      activeHead: library.service.activeHead,
      pool: new InstantPool(chiptune),
      registry: new RunnerRegistry(new MetaRepo(library.db)),
      onTrackChanged: () => undefined,
      onProgress: () => undefined,
    });
    runner.start();
    await runner.whenIdle();
    await runner.close();
    const stored = library.predictions.get(trackId)!;
    assert.equal(stored.genre, 'Chiptune');
    assert.equal(library.db.prepare('SELECT head_version_id FROM track_predictions WHERE track_id = ?').pluck().get(trackId), done.versionId);
    assert.equal(library.predictions.baseRow(trackId)!.genre, 'electronic', "the shipped model's own prediction is kept");
  });

  it('reports the confusion of any version and lists the tracks of a cell', async () => {
    const library = makeLibrary();
    confirmSome(library, 6);
    const before = library.service.confusion();
    assert.equal(before.versionName, 'genre-test 1.0.0');
    assert.equal(before.tracks, 24);
    assert.deepEqual(before.labels, ['Chiptune', 'Classical', 'Electronic', 'Rock']);
    // The shipped model calls every rock and chiptune track electronic.
    const rockAsElectronic = library.service.confusionTracks(undefined, 'Rock', 'Electronic');
    assert.deepEqual(
      rockAsElectronic,
      library.tracks.filter((t) => t.kind === 2).slice(0, 6).map((t) => t.id),
    );
    assert.equal(before.accuracy, 0.5);

    const done = await retrain(library.service);
    const after = library.service.confusion();
    assert.equal(after.versionId, done.versionId);
    assert.ok(after.accuracy! > 0.9, `accuracy ${after.accuracy}`);
    assert.deepEqual(library.service.confusion(before.versionId), before, 'a version keeps its own report');
    assert.deepEqual(library.service.confusionTracks(before.versionId, 'rock', 'electronic'), rockAsElectronic, 'names match by genre key');
  });

  it('fails with a reason when there is nothing to learn from, and refuses a second run at once', async () => {
    const library = makeLibrary(3);
    const failed = await retrain(library.service);
    assert.equal(failed.state, 'failed');
    assert.match(failed.message, /no track has a confirmed genre/);
    confirm(library.genres, library.tracks[0].id, 'Jazz', 'Rock');
    const { jobId } = library.service.start();
    assert.throws(() => library.service.start(), /already running/);
    const done = await library.service.whenDone(jobId);
    assert.equal(done.state, 'done', done.message);
    const version = library.service.listVersions().find((v) => v.id === done.versionId)!;
    assert.equal(version.validation, null, 'one track cannot be validated');
    assert.deepEqual(version.labels, ['Classical', 'Electronic', 'Rock', 'Jazz'], "the shipped model's genres, then the fixes' new ones");
    assert.equal(version.trainedOn, 1);
  });
});

/** Analyses every track at once, returning the given prediction. */
class InstantPool implements AnalysisExecutor {
  readonly idle = 1;
  constructor(private readonly prediction: StoredPrediction) {}
  async analyse(trackId: number): Promise<AnalyseReply> {
    return {
      type: 'analysed',
      seq: 0,
      trackId,
      tags: null,
      features: {
        fma518: new Float32Array(518),
        tempoBpm: 120,
        melPreview: { bands: 2, frames: 1, secondsPerFrame: 0.02, dbMin: -80, dbMax: 0, data: new Uint8Array([0, 255]) },
      },
      predictions: this.prediction,
      timings: { tagsMs: 0, decodeMs: 0, analyseMs: 0 },
    };
  }
  async close(): Promise<void> {}
}
