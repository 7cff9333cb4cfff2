import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { MetaRepo } from '../../core/db/repos/meta.js';
import type { StoredPrediction } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { AnalysisRunner } from '../../core/jobs/runner.js';
import { RunnerRegistry } from '../../core/jobs/runner-registry.js';
import type { RetrainService } from '../../core/retrain/service.js';
import type { RetrainProgress } from '../../core/retrain/types.js';
import type { AnalysisExecutor } from '../../core/workers/pool.js';
import type { AnalyseReply } from '../../core/workers/protocol.js';
import { confirm, confirmSome, KINDS, makeLibrary } from './retrain-fixtures.js';

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
    // The timeline follows the new version: its segment (the whole track here) gets the head's genres.
    assert.deepEqual(
      rock.segments.map((segment) => [segment.start, segment.end, segment.genre, Object.keys(segment.probabilities)]),
      [[0, 3, rock.genre, head.labels]],
    );
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

  it('finishes a refresh a crash interrupted', async () => {
    const library = makeLibrary();
    confirmSome(library, 6);
    const done = await retrain(library.service);
    const refreshed = storedPredictions(library.db);
    // As if the process died after the new version became active, before its predictions were stored.
    library.db.prepare('UPDATE track_predictions SET genre = base_genre, confidence = base_confidence, probabilities = base_probabilities, head_version_id = NULL WHERE track_id % 2 = 0').run();
    assert.notDeepEqual(storedPredictions(library.db), refreshed);
    library.service.recover();
    await library.service.close();
    assert.deepEqual(storedPredictions(library.db), refreshed);
    assert.equal(library.service.listVersions().find((v) => v.active)!.id, done.versionId);
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
  /** Every request is answered at once: none is ever left to give back. */
  release(): void {}
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
    };
  }
  async close(): Promise<void> {}
}
