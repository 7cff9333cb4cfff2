import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate, openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { ModelVersionsRepo } from '../../core/db/repos/model-versions.js';
import { PredictionsRepo, type StoredPrediction } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import type { HeadParameters } from '../../core/retrain/head.js';

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  for (const id of [1, 2, 3]) {
    db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`).run(id, `/music/${id}.mp3`);
  }
  return db;
}

const MODEL = { modelId: 'm', modelVersion: '1' };

function prediction(patch: Partial<StoredPrediction>): StoredPrediction {
  return {
    ...MODEL,
    genre: 'rock',
    confidence: 0.7,
    probabilities: { rock: 0.7, pop: 0.2, jazz: 0.1 },
    segments: [],
    embedding: null,
    ...patch,
  };
}

describe('migration 0015-honest-predictions', () => {
  it('decides existing predictions by the default threshold, and keeps the decision in step with the threshold', () => {
    const db = upTo(7);
    const insert = db.prepare(`
      INSERT INTO track_predictions (track_id, model_id, model_version, genre, confidence, probabilities, segments, predicted_at,
                                     base_genre, base_confidence, base_probabilities)
      VALUES (?, 'm', '1', ?, ?, '{}', '[]', 0, ?, ?, '{}')`);
    insert.run(1, 'rock', 0.7, 'rock', 0.7);
    insert.run(2, 'pop', 0.4, 'pop', 0.4);
    migrate(db, migrations.filter((migration) => migration.version <= 15));
    const named = () => db.prepare('SELECT track_id, named_genre, unsure_threshold FROM track_predictions ORDER BY track_id').raw().all();
    assert.deepEqual(named(), [
      [1, 'rock', 0.5],
      [2, null, 0.5],
    ]);
    db.prepare('UPDATE track_predictions SET unsure_threshold = 0.3 WHERE track_id = 2').run();
    assert.deepEqual(named()[1], [2, 'pop', 0.3]);
    assert.throws(() => db.prepare('UPDATE track_predictions SET unsure_threshold = 0').run(), /CHECK/);
    db.prepare('UPDATE track_predictions SET unsure_threshold = 1.01').run(); // above 1: a track unlike the training clips, never named
    assert.equal(db.prepare('SELECT named_genre FROM track_predictions').pluck().get(), null);
    db.close();
  });

  it('keeps the tracks a version learned from until the version or the track goes', () => {
    const db = upTo(15);
    const versionId = Number(
      db.prepare(`INSERT INTO model_versions (model_id, model_version, name, labels, head, created_at) VALUES ('m', '1', 'm 1 + fixes #1', '[]', '{}', 0)`).run()
        .lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO model_version_tracks (version_id, track_id, confirmed, held_out_genre) VALUES (?, ?, ?, ?)');
    insert.run(versionId, 1, 'Rock', 'Pop');
    insert.run(versionId, 2, 'Jazz', null);
    assert.throws(() => insert.run(versionId, 2, 'Jazz', null), /UNIQUE|PRIMARY/);
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM model_version_tracks').pluck().get(), 1);
    db.prepare('DELETE FROM model_versions WHERE id = ?').run(versionId);
    assert.equal(db.prepare('SELECT count(*) FROM model_version_tracks').pluck().get(), 0);
    db.close();
  });
});

describe('an unsure prediction, stored', () => {
  it('keeps probabilities and candidates, names no genre, and leaves the effective genre to confirmed or tag genres', () => {
    const db = upTo(15);
    const predictions = new PredictionsRepo(db);
    const tracks = new TracksRepo(db);
    const unsure = prediction({ genre: null, confidence: 0.45, probabilities: { rock: 0.45, pop: 0.35, jazz: 0.15, folk: 0.05 }, unsureThreshold: 0.6 });
    predictions.save(1, unsure, 1);
    predictions.save(2, unsure, 1);
    predictions.save(3, prediction({ unsureThreshold: 0.6 }), 1);
    tracks.setTags(2, { title: null, artist: null, album: null, year: null, genres: ['Blues'], durationSec: 60, bitrate: null, sampleRate: null });

    const stored = predictions.get(1)!;
    assert.equal(stored.genre, null);
    assert.equal(stored.confidence, 0.45);
    assert.equal(stored.unsureThreshold, 0.6);
    assert.deepEqual(stored.probabilities, unsure.probabilities);
    assert.deepEqual(stored.candidates, [
      { genre: 'rock', probability: 0.45 },
      { genre: 'pop', probability: 0.35 },
      { genre: 'jazz', probability: 0.15 },
    ]);

    const [first, tagged, confident] = [1, 2, 3].map((id) => tracks.summary(id)!);
    assert.deepEqual(first.predicted, { genre: null, confidence: 0.45, candidates: stored.candidates });
    assert.equal(first.genre, null, 'an unsure prediction is no effective genre');
    assert.equal(tagged.genre, 'Blues', 'a tag genre still is');
    assert.deepEqual(confident.predicted, { genre: 'rock', confidence: 0.7, candidates: [] });
    assert.equal(confident.genre, 'rock');
    assert.equal(tracks.genreContexts([1]).get(1)!.predictedGenre, null, 'nothing to accept as a suggestion');
    db.close();
  });

  it('decides each segment by the same threshold', () => {
    const db = upTo(15);
    const predictions = new PredictionsRepo(db);
    predictions.save(
      1,
      prediction({
        unsureThreshold: 0.6,
        segments: [
          { start: 0, end: 3, genre: 'rock', probabilities: { rock: 0.9, pop: 0.1, jazz: 0 } },
          { start: 3, end: 6, genre: 'rock', probabilities: { rock: 0.5, pop: 0.4, jazz: 0.1 } },
        ],
      }),
      1,
    );
    assert.deepEqual(
      predictions.get(1)!.segments.map((segment) => segment.genre),
      ['rock', null],
    );
    db.close();
  });

  it("shows a retrained head's genres in the timeline too, from each segment's probabilities and the track's embedding", () => {
    const db = upTo(15);
    const predictions = new PredictionsRepo(db);
    const versions = new ModelVersionsRepo(db);
    // A head that ignores the embedding and calls everything the shipped model calls rock "Stoner Rock".
    const head: HeadParameters = {
      labels: ['Stoner Rock', 'Pop'],
      baseLabels: ['rock', 'pop', 'jazz'],
      baseIndex: [0, 1],
      inputSize: 2,
      mean: [0, 0],
      scale: [1, 1],
      weights: [0, 0, 0, 0],
      bias: [0, 0],
      baseScale: 4,
    };
    const versionId = versions.insertHead(MODEL, head, { trainedOn: 0, validation: null, training: {} });
    predictions.save(
      1,
      prediction({
        embedding: Float32Array.of(1, 0),
        segments: [
          { start: 0, end: 3, genre: 'rock', probabilities: { rock: 0.8, pop: 0.1, jazz: 0.1 } },
          { start: 40, end: 43, genre: 'pop', probabilities: { rock: 0.1, pop: 0.8, jazz: 0.1 } },
        ],
      }),
      1,
      { versionId, genre: 'Stoner Rock', confidence: 0.9, probabilities: { 'Stoner Rock': 0.9, Pop: 0.1 } },
    );
    const shown = predictions.get(1)!;
    assert.equal(shown.genre, 'Stoner Rock');
    assert.deepEqual(shown.version, { id: versionId, name: 'm 1 + fixes #1' });
    assert.deepEqual(shown.segments.map((segment) => [segment.start, segment.genre, Object.keys(segment.probabilities)]), [
      [0, 'Stoner Rock', ['Stoner Rock', 'Pop']],
      [40, 'Pop', ['Stoner Rock', 'Pop']],
    ]);
    db.close();
  });
});
