import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../../core/db/open.js';
import { GenreNameError } from '../../core/db/repos/genres.js';
import { GenreService, NothingToUndoError } from '../../core/genres/service.js';

/** A library database with tracks 1..count (no files: these tests change only the database). */
function library(count = 3): { db: Db; service: GenreService; confirmed(trackId: number): string[] } {
  const db = openDatabase(':memory:');
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const insert = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  for (let id = 1; id <= count; id++) insert.run(id, `/music/${id}.mp3`);
  const service = new GenreService(db);
  return { db, service, confirmed: (trackId) => service.genres.confirmed(trackId).map((genre) => genre.name) };
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
