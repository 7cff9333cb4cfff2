import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { GenreNameError } from '../../core/db/repos/genres.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { GenreService, NothingToUndoError } from '../../core/genres/service.js';

/**
 * A library database with tracks 1..count (no files: these tests change only the database), and the
 * track ids the service reported after each change.
 */
function library(count = 3): { db: Db; service: GenreService; confirmed(trackId: number): string[]; reported: number[][] } {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const insert = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  for (let id = 1; id <= count; id++) insert.run(id, `/music/${id}.mp3`);
  const reported: number[][] = [];
  const service = new GenreService(db, { onTracksChanged: (trackIds) => reported.push([...trackIds].sort((a, b) => a - b)) });
  return { db, service, reported, confirmed: (trackId) => service.genres.confirmed(trackId).map((genre) => genre.name) };
}

/** Stores a classifier prediction the way the analysis runner does. */
function predict(db: Db, trackId: number, genre: string, confidence = 0.7): void {
  new PredictionsRepo(db).save(
    trackId,
    { modelId: 'test-model', modelVersion: '1', genre, confidence, probabilities: { [genre]: confidence }, segments: [], embedding: null },
    Date.now(),
  );
}

/** Every stored row of the vocabulary and the confirmed genres: what undo and redo must restore exactly. */
function dump(db: Db): unknown {
  return {
    genres: db.prepare('SELECT * FROM genres ORDER BY id').all(),
    aliases: db.prepare('SELECT * FROM genre_aliases ORDER BY key').all(),
    confirmed: db.prepare('SELECT * FROM track_confirmed_genres ORDER BY track_id, position').all(),
  };
}

const target = (trackId: number) => ({ trackId, path: `/music/${trackId}.mp3` });

describe('GenreService (database part)', () => {
  it('confirms canonical genres; any spelling resolves to the same genre', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['hip hop', 'electronica'] });
    service.setGenres({ targets: [target(2)], genres: ['Hip-Hop; HIPHOP'] });
    assert.deepEqual(confirmed(1), ['Hip-Hop', 'Electronic']);
    assert.deepEqual(confirmed(2), ['Hip-Hop']);
    assert.deepEqual(
      service.genres.list().map(({ name, trackCount }) => [name, trackCount]),
      [['Electronic', 1], ['Hip-Hop', 2]],
    );
    assert.equal(service.genres.resolve('Electronic Music')?.name, 'Electronic', 'built-in aliases are stored with the genre');
    assert.equal(service.genres.confirmed(1)[0].source, 'user');
  });

  it('keeps genres the user invents, as typed', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: [' Vapor  wave '] });
    assert.deepEqual(confirmed(1), ['Vapor wave']);
    assert.equal(service.genres.resolve('vaporwave')?.name, 'Vapor wave');
    assert.deepEqual(service.genres.allConfirmed(), [{ trackId: 1, genres: ['Vapor wave'] }]);
  });

  it('undoes and redoes a bulk edit exactly, including genres it created', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['Rock'] });
    service.setGenres({ targets: [target(1), target(2), target(3)], genres: ['Shoegaze', 'Rock'], source: 'accepted-prediction' });
    assert.deepEqual([1, 2, 3].map(confirmed), [['Shoegaze', 'Rock'], ['Shoegaze', 'Rock'], ['Shoegaze', 'Rock']]);
    const undone = service.undo();
    assert.equal(undone.kind, 'set-genres');
    assert.deepEqual([1, 2, 3].map(confirmed), [['Rock'], [], []]);
    assert.equal(service.genres.resolve('Shoegaze'), null, 'the genre the edit invented is gone again');
    service.redo();
    assert.deepEqual(confirmed(3), ['Shoegaze', 'Rock']);
    assert.equal(service.genres.confirmed(3)[0].source, 'accepted-prediction');
    service.undo();
    service.undo();
    assert.deepEqual([1, 2, 3].map(confirmed), [[], [], []]);
    assert.throws(() => service.undo(), NothingToUndoError);
  });

  it('a track edit in steps stores its rows in batches, stays one edit, and undoes exactly', async () => {
    const { db, service, reported, confirmed } = library(5000);
    const before = dump(db);
    const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
    const result = await service.writingInSteps(() => service.setTrackGenres(ids, ['Post-Rock']));
    assert.equal(result.tracks.length, 5000);
    assert.deepEqual(reported.map((batch) => batch.length), [2000, 2000, 1000]);
    assert.deepEqual([confirmed(1), confirmed(5000)], [['Post-Rock'], ['Post-Rock']]);
    assert.equal(service.history().length, 1);
    service.undo();
    assert.deepEqual(dump(db), before);
  });

  it('an edit stopped while storing its rows in steps is finished by the next start', async () => {
    const { db, service, confirmed } = library(5000);
    const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
    const running = service.writingInSteps(() => service.setTrackGenres(ids, ['Post-Rock']));
    // The first step is stored before writingInSteps yields: the rest is not, as after a kill here.
    assert.deepEqual([confirmed(1), confirmed(5000)], [['Post-Rock'], []]);
    const reported: number[] = [];
    const restarted = new GenreService(db, { onTracksChanged: (trackIds) => reported.push(...trackIds) });
    restarted.recover();
    assert.deepEqual([confirmed(1), confirmed(5000)], [['Post-Rock'], ['Post-Rock']]);
    assert.equal(reported.length, 5000);
    await running;
    assert.equal(service.genres.list().find((genre) => genre.name === 'Post-Rock')?.trackCount, 5000);
    restarted.undo();
    assert.deepEqual([confirmed(1), confirmed(5000)], [[], []]);
  });

  it('a new edit ends the redo chain', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['Rock'] });
    service.undo();
    service.setGenres({ targets: [target(2)], genres: ['Pop'] });
    assert.throws(() => service.redo(), NothingToUndoError);
    assert.deepEqual(confirmed(1), []);
  });

  it('renames a genre: old spellings still resolve, tracks follow, undo restores the name', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['Hip-Hop'] });
    service.renameGenre('hip hop', 'Urban Beats');
    assert.deepEqual(confirmed(1), ['Urban Beats']);
    assert.equal(service.genres.resolve('HipHop')?.name, 'Urban Beats');
    assert.equal(service.genres.resolve('urban-beats')?.name, 'Urban Beats');
    service.undo();
    assert.deepEqual(confirmed(1), ['Hip-Hop']);
    assert.equal(service.genres.resolve('urban beats'), null, 'the new spelling went with the undo');
    service.redo();
    assert.equal(service.genres.resolve('urban beats')?.name, 'Urban Beats');
  });

  it('refuses to rename onto another genre (merge instead)', () => {
    const { service } = library();
    service.setGenres({ targets: [target(1)], genres: ['Rock', 'Pop'] });
    assert.throws(() => service.renameGenre('Rock', 'pop'), GenreNameError);
  });

  it('merges genres without duplicating them on a track, and undo splits them again', () => {
    const { service, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['Electro', 'Electronic'] });
    service.setGenres({ targets: [target(2)], genres: ['Pop', 'Electro'] });
    service.setGenres({ targets: [target(3)], genres: ['Electronic'] });
    service.mergeGenres('Electro', 'Electronic');
    assert.deepEqual([1, 2, 3].map(confirmed), [['Electronic'], ['Pop', 'Electronic'], ['Electronic']]);
    assert.equal(service.genres.resolve('electro')?.name, 'Electronic');
    assert.equal(service.genres.list().find((genre) => genre.name === 'Electronic')?.trackCount, 3);
    service.undo();
    assert.deepEqual([1, 2, 3].map(confirmed), [['Electro', 'Electronic'], ['Pop', 'Electro'], ['Electronic']]);
    assert.equal(service.genres.resolve('electro')?.name, 'Electro');
    service.redo();
    assert.deepEqual(confirmed(1), ['Electronic']);
  });

  it('rejects empty or malformed genre lists before changing anything', () => {
    const { service, db } = library();
    assert.throws(() => service.setGenres({ targets: [target(1)], genres: [' '] }), GenreNameError);
    assert.throws(() => service.setGenres({ targets: [target(1)], genres: ['Rock', '--'] }), GenreNameError);
    assert.equal(db.prepare('SELECT count(*) FROM edits').pluck().get(), 0);
  });

  it('a dry run reports the change and records nothing', () => {
    const { service, db, confirmed } = library();
    const result = service.setGenres({ targets: [target(1)], genres: ['RnB'], dryRun: true });
    assert.deepEqual(result.tracks, [{ trackId: 1, path: '/music/1.mp3', before: [], after: ['R&B'] }]);
    assert.equal(result.editId, null);
    assert.deepEqual(confirmed(1), []);
    assert.equal(db.prepare('SELECT count(*) FROM genres').pluck().get(), 0);
  });

  it('undo skips a track deleted since the edit', () => {
    const { service, db, confirmed } = library();
    service.setGenres({ targets: [target(1)], genres: ['Jazz'] });
    service.setGenres({ targets: [target(1), target(2)], genres: ['Blues'] });
    db.prepare('DELETE FROM tracks WHERE id = 2').run();
    service.undo();
    assert.deepEqual(confirmed(1), ['Jazz']);
  });
});

describe('GenreService (app-facing edits by track id)', () => {
  it('sets genres by track id, reports exactly the tracks it changed, and skips unknown ids', () => {
    const { service, confirmed, reported } = library();
    const result = service.setTrackGenres([1, 2, 99], ['jazz', 'Blues']);
    assert.deepEqual([confirmed(1), confirmed(2), confirmed(3)], [['Jazz', 'Blues'], ['Jazz', 'Blues'], []]);
    assert.deepEqual(result.skipped, [99]);
    assert.deepEqual(result.genres, ['Jazz', 'Blues']);
    assert.deepEqual(reported, [[1, 2]]);
    assert.equal(service.undoState().undoSummary, 'genre of 2 tracks → Jazz, Blues');

    const again = service.setTrackGenres([1, 3], ['Jazz', 'Blues']);
    assert.deepEqual(reported.at(-1), [3], 'track 1 already had these genres');
    assert.equal(service.undoState().undoSummary, 'genre of 3.mp3 → Jazz, Blues');
    assert.ok(again.editId);
    const unchanged = service.setTrackGenres([1, 2], ['JAZZ', 'blues']);
    assert.equal(unchanged.editId, null, 'nothing changed, so nothing to undo');
    assert.equal(reported.length, 2);
    assert.equal(service.history().length, 2);
  });

  it('an empty list clears the confirmed genres, undoably; it cannot be written into tags', () => {
    const { service, confirmed } = library();
    service.setTrackGenres([1, 2], ['Rock']);
    service.setTrackGenres([1, 2, 3], []);
    assert.deepEqual([1, 2, 3].map(confirmed), [[], [], []]);
    assert.equal(service.undoState().undoSummary, 'clear the confirmed genre of 2 tracks');
    service.undo();
    assert.deepEqual([1, 2, 3].map(confirmed), [['Rock'], ['Rock'], []]);
    assert.throws(() => service.setTrackGenres([1], [' '], { writeTags: true }), GenreNameError);
  });

  it('adds and removes one genre in bulk, keeping the others and how they were confirmed', () => {
    const { service, confirmed, db } = library();
    service.setTrackGenres([1], ['Rock']);
    service.setTrackGenres([2], ['Pop', 'Rock'], { source: 'accepted-prediction' });
    const rockOf2 = service.genres.confirmed(2)[1];
    service.addTrackGenre([1, 2, 3], 'post rock');
    assert.deepEqual([1, 2, 3].map(confirmed), [['Rock', 'Post-Rock'], ['Pop', 'Rock', 'Post-Rock'], ['Post-Rock']]);
    assert.deepEqual(service.genres.confirmed(2)[1], rockOf2, 'an untouched genre keeps its source and time');
    assert.equal(service.genres.confirmed(3)[0].source, 'user');
    const beforeRemove = dump(db);
    const removed = service.removeTrackGenre([1, 2, 3], 'ROCK');
    assert.deepEqual([1, 2, 3].map(confirmed), [['Post-Rock'], ['Pop', 'Post-Rock'], ['Post-Rock']]);
    assert.deepEqual(removed.tracks.find((track) => track.trackId === 3), { trackId: 3, path: '/music/3.mp3', before: ['Post-Rock'], after: ['Post-Rock'] });
    assert.equal(service.undoState().undoSummary, 'remove Rock from 2 tracks');
    service.undo();
    assert.deepEqual(dump(db), beforeRemove);
    assert.throws(() => service.addTrackGenre([1], '  '), GenreNameError);
  });

  it('accepts predictions as confirmed genres; tracks without one are skipped', () => {
    const { service, db, confirmed } = library();
    predict(db, 1, 'Hip-Hop');
    predict(db, 2, 'Electronica');
    const result = service.acceptPredictions([1, 2, 3]);
    assert.deepEqual([1, 2, 3].map(confirmed), [['Hip-Hop'], ['Electronic'], []]);
    assert.deepEqual(result.skipped, [3]);
    assert.deepEqual(service.genres.confirmed(1).map((genre) => genre.source), ['accepted-prediction']);
    assert.equal(service.undoState().undoSummary, 'accept the suggested genre of 2 tracks');
  });

  it('marks the current genre confirmed: the tag genres, else the prediction; confirmed tracks are left alone', () => {
    const { service, db, confirmed } = library(4);
    const tracks = new TracksRepo(db);
    const tags = { title: null, artist: null, album: null, year: null, durationSec: null, bitrate: null, sampleRate: null };
    tracks.setTags(1, { ...tags, genres: ['hip hop', 'Jazz'] });
    tracks.setTags(2, { ...tags, genres: ['--'] });
    predict(db, 2, 'Blues');
    predict(db, 3, 'Rock');
    service.setTrackGenres([3], ['Funk']);
    const result = service.confirmCurrent([1, 2, 3, 4]);
    assert.deepEqual([1, 2, 3, 4].map(confirmed), [['Hip-Hop', 'Jazz'], ['Blues'], ['Funk'], []]);
    assert.deepEqual(service.genres.confirmed(1).map((genre) => genre.source), ['tag', 'tag']);
    assert.equal(service.genres.confirmed(2)[0].source, 'accepted-prediction', 'a tag with no usable genre falls back to the prediction');
    assert.deepEqual(result.skipped, [3, 4]);
  });

  it('a confirmed genre is never overwritten by a new prediction', () => {
    const { service, db } = library();
    const tracks = new TracksRepo(db);
    predict(db, 1, 'Rock');
    service.acceptPredictions([1]);
    service.setTrackGenres([2], ['Vapor wave']);
    // The analysis runner (or a retrain) stores newer predictions for both tracks.
    predict(db, 1, 'Metal', 0.99);
    predict(db, 2, 'Pop', 0.99);
    const [one, two] = [tracks.summary(1)!, tracks.summary(2)!];
    assert.deepEqual([one.confirmedGenres, one.genre, one.predicted?.genre], [['Rock'], 'Rock', 'Metal']);
    assert.deepEqual([two.confirmedGenres, two.genre, two.predicted?.genre], [['Vapor wave'], 'Vapor wave', 'Pop']);
    assert.deepEqual(service.genres.allConfirmed(), [
      { trackId: 1, genres: ['Rock'] },
      { trackId: 2, genres: ['Vapor wave'] },
    ]);
  });

  it('undo and redo restore the exact stored state, step by step, and report the tracks they touch', () => {
    const { service, db, reported } = library();
    const states = [dump(db)];
    service.setTrackGenres([1, 2], ['Shoegaze']);
    states.push(dump(db));
    service.addTrackGenre([2, 3], 'Dream Pop');
    states.push(dump(db));
    service.renameGenre('shoegaze', 'Nu Gaze');
    states.push(dump(db));
    service.mergeGenres('Dream Pop', 'Nu Gaze');
    states.push(dump(db));
    reported.length = 0;
    for (let step = states.length - 2; step >= 0; step--) {
      service.undo();
      assert.deepEqual(dump(db), states[step], `after undoing to step ${step}`);
    }
    assert.deepEqual(reported, [[2, 3], [1, 2], [2, 3], [1, 2]], 'merge, rename (its tracks), add, set');
    assert.equal(service.undoState().canUndo, false);
    for (let step = 1; step < states.length; step++) {
      service.redo();
      assert.deepEqual(dump(db), states[step], `after redoing step ${step}`);
    }
    assert.deepEqual(service.undoState(), { canUndo: true, canRedo: false, undoSummary: 'merge genre Dream Pop into Nu Gaze', redoSummary: null });
  });

  it('lists the history newest first with each edit\'s state, and the undo state', () => {
    const { service } = library();
    assert.deepEqual(service.undoState(), { canUndo: false, canRedo: false, undoSummary: null, redoSummary: null });
    service.setTrackGenres([1], ['Jazz']);
    service.setTrackGenres([2], ['Soul']);
    service.undo();
    assert.deepEqual(service.undoState(), { canUndo: true, canRedo: true, undoSummary: 'genre of 1.mp3 → Jazz', redoSummary: 'genre of 2.mp3 → Soul' });
    service.setTrackGenres([3], ['Funk']);
    const history = service.history();
    assert.deepEqual(history.map(({ kind, summary, state }) => [kind, summary, state]), [
      ['set-genres', 'genre of 3.mp3 → Funk', 'done'],
      ['set-genres', 'genre of 2.mp3 → Soul', 'superseded'],
      ['set-genres', 'genre of 1.mp3 → Jazz', 'done'],
    ]);
    assert.ok(history.every((edit) => Number.isInteger(edit.id) && edit.createdAt > 0));
    assert.equal(service.history(1).length, 1);
  });

  it('lists genres with their other spellings and track counts', () => {
    const { service } = library();
    service.setTrackGenres([1, 2], ['Drum and Bass']);
    service.setTrackGenres([3], ['Electro']);
    service.mergeGenres('electro', 'dnb');
    assert.deepEqual(service.listGenres(), [
      { id: 1, name: 'Drum & Bass', aliases: ['dandb', 'dnb', 'electro'], trackCount: 3 },
    ]);
  });
});
