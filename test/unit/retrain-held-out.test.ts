import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { SeededRandom } from '../../core/ml/random.js';
import { DEFAULT_HEAD_OPTIONS } from '../../core/retrain/head.js';
import { runRetrain } from '../../core/retrain/recipe.js';
import { RetrainService } from '../../core/retrain/service.js';
import { confirm, confirmSome, makeLibrary } from './retrain-fixtures.js';

const GENRES = ['Blues', 'Folk', 'Jazz', 'Soul'];

/**
 * A library where a head can only memorise: 48 tracks by 24 artists with random 96-d embeddings (more
 * dimensions than tracks, so any labelling is learnable) and confirmed genres drawn at random, unrelated
 * to the sound. Retraining fits the training tracks; held out, it can do no better than chance.
 */
function memorisingLibrary() {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const insertTrack = db.prepare(`INSERT INTO tracks (folder_id, path, size, mtime_ms, artist, added_at, updated_at) VALUES (1, ?, 1, 1, ?, 0, 0)`);
  const predictions = new PredictionsRepo(db);
  const genres = new GenresRepo(db);
  const random = new SeededRandom(5);
  const probabilities = { classical: 0.4, electronic: 0.35, rock: 0.25 };
  for (let i = 0; i < 48; i++) {
    const id = Number(insertTrack.run(`/music/${i}.wav`, `artist ${Math.floor(i / 2)}`).lastInsertRowid);
    const embedding = Float32Array.from({ length: 96 }, () => random.normal());
    predictions.save(id, { modelId: 'm', modelVersion: '1', genre: 'classical', confidence: 0.4, probabilities, segments: [], embedding }, 1000 + id);
    confirm(genres, id, GENRES[random.int(GENRES.length)]);
  }
  const service = new RetrainService({
    db,
    predictions,
    events: { emit: () => {} },
    // In-process: the recipe is the worker's, without the thread start-up.
    train: async (input, onProgress) => runRetrain(input, onProgress),
    headOptions: { ...DEFAULT_HEAD_OPTIONS, targetSteps: 600 },
  });
  return { db, service };
}

describe('an honest confusion report of a retrained version', () => {
  it('rests on out-of-fold predictions, which differ from the agreement with the training tracks when the head memorises', async () => {
    const { service } = memorisingLibrary();
    const shipped = service.confusion();
    assert.equal(shipped.basis.kind, 'shipped-model');
    assert.equal(shipped.basis.unseen, 48);
    assert.equal(shipped.trainingAgreement, null);

    const done = await service.whenDone(service.start().jobId);
    assert.equal(done.state, 'done', done.message);
    const version = service.listVersions().find((candidate) => candidate.id === done.versionId)!;
    const report = service.confusion();
    assert.equal(report.versionId, done.versionId);
    assert.deepEqual(report.basis, { kind: 'held-out', outOfFold: 48, unseen: 0, withoutHeldOut: 0, folds: 5, groups: 24 });
    assert.equal(report.tracks, 48);
    // The headline is the validation's out-of-fold figure, computed when the version was trained.
    assert.ok(Math.abs(report.accuracy! - version.validation!.accuracy) < 1e-12, `${report.accuracy} vs ${version.validation!.accuracy}`);
    assert.ok(Math.abs(report.kappa! - version.validation!.kappa) < 1e-12);

    const training = report.trainingAgreement!;
    assert.equal(training.tracks, 48);
    assert.ok(training.accuracy! >= 0.9, `the head memorised its training tracks: ${training.accuracy}`);
    assert.ok(report.accuracy! <= 0.5, `held out, random genres stay near chance (0.25): ${report.accuracy}`);
    assert.ok(training.accuracy! - report.accuracy! >= 0.4);

    // The cells list the tracks of the held-out matrix.
    const cellTotal = report.labels.flatMap((confirmed) => report.labels.map((predicted) => service.confusionTracks(undefined, confirmed, predicted).length));
    assert.equal(cellTotal.reduce((a, b) => a + b, 0), 48);
    const diagonal = report.labels.reduce((sum, label) => sum + service.confusionTracks(undefined, label, label).length, 0);
    assert.equal(diagonal / 48, report.accuracy);
  });

  it('counts a track confirmed after the retrain through the version’s own prediction, and leaves out training tracks it could not hold out', async () => {
    const library = makeLibrary(4);
    // 16 tracks: enough to validate. Then one more track confirmed after the retrain.
    confirmSome(library, 4);
    const done = await library.service.whenDone(library.service.start().jobId);
    assert.equal(done.state, 'done', done.message);
    const later = library.tracks.find((track) => library.genres.confirmed(track.id).length === 0);
    assert.equal(later, undefined, 'every track was confirmed');
    const extra = library.newPrediction(0);
    const id = Number(
      library.db.prepare(`INSERT INTO tracks (folder_id, path, size, mtime_ms, artist, added_at, updated_at) VALUES (1, '/music/late.wav', 1, 1, 'late artist', 0, 0)`).run().lastInsertRowid,
    );
    library.predictions.save(id, extra, 99_999);
    confirm(library.genres, id, 'Classical');
    const report = library.service.confusion();
    assert.equal(report.basis.outOfFold, 16);
    assert.equal(report.basis.unseen, 1);
    assert.equal(report.tracks, 17);
    assert.equal(report.trainingAgreement!.tracks, 16, 'the late track is no training track');

    // Too few to validate: the training tracks have no held-out prediction and are left out.
    const small = makeLibrary(2);
    confirmSome(small, 2);
    const smallDone = await small.service.whenDone(small.service.start().jobId);
    assert.equal(smallDone.state, 'done', smallDone.message);
    const smallReport = small.service.confusion();
    assert.deepEqual([smallReport.basis.outOfFold, smallReport.basis.withoutHeldOut, smallReport.tracks], [0, 8, 0]);
    assert.equal(smallReport.accuracy, null, 'no figure without held-out predictions');
    assert.equal(smallReport.trainingAgreement!.tracks, 8);
  });
});

