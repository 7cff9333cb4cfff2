import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate, openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';

function columns(db: Db, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((column) => column.name);
}

function indexes(db: Db, table: string): string[] {
  return (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map((index) => index.name).filter((name) => !name.startsWith('sqlite_'));
}

function tables(db: Db): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
}

function upTo(version: number): Db {
  const db = openDatabase(':memory:', migrations.filter((migration) => migration.version <= version));
  assert.equal(db.pragma('user_version', { simple: true }), version);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (1, 1, '/music/a.mp3', 1, 1, 0, 0)`).run();
  return db;
}

describe('migration 0002-genre-vocabulary', () => {
  it('adds genres, genre_aliases and track_confirmed_genres', () => {
    const db = upTo(2);
    assert.deepEqual(tables(db), ['features', 'folders', 'genre_aliases', 'genres', 'jobs', 'meta', 'track_confirmed_genres', 'track_genres', 'tracks']);
    assert.deepEqual(columns(db, 'genres'), ['id', 'name', 'created_at']);
    assert.deepEqual(columns(db, 'genre_aliases'), ['key', 'genre_id']);
    assert.deepEqual(columns(db, 'track_confirmed_genres'), ['track_id', 'position', 'genre_id', 'source', 'confirmed_at']);
    assert.deepEqual(indexes(db, 'genre_aliases'), ['genre_aliases_genre']);
    assert.deepEqual(indexes(db, 'track_confirmed_genres'), ['track_confirmed_genres_genre']);
    db.close();
  });

  it('enforces one owner per alias key, one row per genre per track, known sources, and cascades', () => {
    const db = upTo(2);
    db.prepare(`INSERT INTO genres (id, name, created_at) VALUES (1, 'Rock', 0), (2, 'Pop', 0)`).run();
    db.prepare(`INSERT INTO genre_aliases VALUES ('rock', 1)`).run();
    assert.throws(() => db.prepare(`INSERT INTO genre_aliases VALUES ('rock', 2)`).run(), /UNIQUE|PRIMARY KEY/);
    const confirm = db.prepare(`INSERT INTO track_confirmed_genres VALUES (1, ?, ?, ?, 0)`);
    confirm.run(0, 1, 'user');
    assert.throws(() => confirm.run(1, 1, 'user'), /UNIQUE/);
    assert.throws(() => confirm.run(1, 2, 'prediction'), /CHECK/);
    assert.throws(() => confirm.run(1, 99, 'user'), /FOREIGN KEY/);
    assert.throws(() => db.prepare('DELETE FROM genres WHERE id = 1').run(), /FOREIGN KEY/, 'a confirmed genre cannot vanish');
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM track_confirmed_genres').pluck().get(), 0);
    db.prepare('DELETE FROM genres WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM genre_aliases').pluck().get(), 0, 'aliases go with their genre');
    db.close();
  });

  it('never reuses a deleted genre id', () => {
    const db = upTo(2);
    db.prepare(`INSERT INTO genres (name, created_at) VALUES ('A', 0)`).run();
    db.prepare('DELETE FROM genres').run();
    const id = db.prepare(`INSERT INTO genres (name, created_at) VALUES ('B', 0)`).run().lastInsertRowid;
    assert.equal(Number(id), 2);
    db.close();
  });
});

describe('migration 0003-edit-journal', () => {
  it('adds edits, tag_writes and tag_write_fields', () => {
    const db = upTo(3);
    assert.ok(['edits', 'tag_write_fields', 'tag_writes'].every((table) => tables(db).includes(table)));
    assert.deepEqual(columns(db, 'edits'), ['id', 'kind', 'summary', 'undo_data', 'redo_data', 'state', 'created_at', 'changed_at']);
    assert.deepEqual(columns(db, 'tag_writes'), [
      'id', 'edit_id', 'path', 'format', 'state', 'temp_path', 'before_size', 'before_mtime_ms', 'before_sha256', 'after_size',
      'after_mtime_ms', 'after_sha256', 'restore_patch', 'reapply_patch', 'error', 'created_at', 'updated_at',
    ]);
    assert.deepEqual(columns(db, 'tag_write_fields'), ['write_id', 'tag', 'field', 'before_value', 'after_value']);
    assert.deepEqual(indexes(db, 'edits'), ['edits_by_state']);
    assert.deepEqual(indexes(db, 'tag_writes').sort(), ['tag_writes_edit', 'tag_writes_path', 'tag_writes_unsettled']);
    db.close();
  });

  it('checks states and JSON, and deletes a write with its fields and edit', () => {
    const db = upTo(3);
    const edit = db.prepare(`INSERT INTO edits (kind, summary, undo_data, redo_data, created_at, changed_at) VALUES ('k', 's', ?, '{}', 0, 0)`);
    assert.throws(() => edit.run('not json'), /CHECK/);
    edit.run('{}');
    assert.equal(db.prepare('SELECT state FROM edits').pluck().get(), 'done');
    const write = db.prepare(`
      INSERT INTO tag_writes (edit_id, path, format, state, before_size, before_mtime_ms, before_sha256, after_size, after_sha256,
                              restore_patch, reapply_patch, created_at, updated_at)
      VALUES (1, '/music/a.mp3', 'taglib/mp3', ?, 1, 1, 'x', 2, 'y', x'00', x'00', 0, 0)`);
    assert.throws(() => write.run('half-done'), /CHECK/);
    write.run('writing');
    db.prepare(`INSERT INTO tag_write_fields VALUES (1, 'Id3v2', 'genre', '["Rock"]', '["Pop"]')`).run();
    assert.throws(() => db.prepare(`INSERT INTO tag_write_fields VALUES (1, 'Id3v2', 'genre', '[]', '[]')`).run(), /UNIQUE|PRIMARY KEY/);
    db.prepare('DELETE FROM edits').run();
    assert.equal(db.prepare('SELECT count(*) FROM tag_writes').pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM tag_write_fields').pluck().get(), 0);
    db.close();
  });
});

describe('migration 0005-one-genre-store', () => {
  /** A database at version 4 with tracks 1..n and their old user_genre values. */
  function withUserGenres(values: Array<string | null>): Db {
    const db = upTo(4);
    db.prepare('DELETE FROM tracks').run();
    const insert = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, user_genre, added_at, updated_at) VALUES (?, 1, ?, 1, 1, ?, 0, ?)`);
    values.forEach((value, index) => insert.run(index + 1, `/music/${index + 1}.mp3`, value, 1000 + index));
    return db;
  }

  const migrateTo5 = (db: Db) => migrate(db, migrations.filter((migration) => migration.version <= 5));

  function confirmed(db: Db, trackId: number): Array<[string, string, number]> {
    return (db
      .prepare(`SELECT g.name, c.source, c.confirmed_at AS at FROM track_confirmed_genres c JOIN genres g ON g.id = c.genre_id WHERE c.track_id = ? ORDER BY c.position`)
      .all(trackId) as Array<{ name: string; source: string; at: number }>).map(({ name, source, at }) => [name, source, at]);
  }

  it('moves user_genre into the confirmed genres through the vocabulary and drops the column', () => {
    const db = withUserGenres(['hip hop', 'Hip-Hop', 'Electronica', ' Vapor  wave ', null, 'Rock; Pop', '--']);
    migrateTo5(db);
    assert.equal(db.pragma('user_version', { simple: true }), 5);
    assert.ok(!columns(db, 'tracks').includes('user_genre'));
    assert.deepEqual(confirmed(db, 1), [['Hip-Hop', 'user', 1000]]);
    assert.deepEqual(confirmed(db, 2), [['Hip-Hop', 'user', 1001]], 'two spellings, one genre');
    assert.deepEqual(confirmed(db, 3), [['Electronic', 'user', 1002]], 'a built-in synonym resolves to its canonical name');
    assert.deepEqual(confirmed(db, 4), [['Vapor wave', 'user', 1003]], 'an invented genre is kept as typed, cleaned');
    assert.deepEqual(confirmed(db, 5), []);
    assert.deepEqual(confirmed(db, 6).map(([name]) => name), ['Rock', 'Pop'], 'a packed field is split');
    assert.deepEqual(confirmed(db, 7), [], 'a value with no letters or digits names no genre');
    assert.deepEqual(
      db.prepare('SELECT name FROM genres ORDER BY id').pluck().all(),
      ['Hip-Hop', 'Electronic', 'Vapor wave', 'Rock', 'Pop'],
    );
    const electronic = db.prepare(`SELECT genre_id FROM genre_aliases WHERE key = 'electronicmusic'`).pluck().get();
    assert.equal(electronic, db.prepare(`SELECT id FROM genres WHERE name = 'Electronic'`).pluck().get(), 'built-in aliases come along');
    db.close();
  });

  it('puts the user genre first on a track that already had confirmed genres, without duplicating one', () => {
    const db = withUserGenres(['Jazz', 'Blues']);
    db.prepare(`INSERT INTO genres (id, name, created_at) VALUES (1, 'Blues', 0), (2, 'Soul', 0)`).run();
    db.prepare(`INSERT INTO genre_aliases VALUES ('blues', 1), ('soul', 2)`).run();
    db.prepare(`INSERT INTO track_confirmed_genres VALUES (1, 0, 2, 'tag', 5), (2, 0, 2, 'accepted-prediction', 6), (2, 1, 1, 'tag', 7)`).run();
    migrateTo5(db);
    assert.deepEqual(confirmed(db, 1), [['Jazz', 'user', 1000], ['Soul', 'tag', 5]]);
    assert.deepEqual(confirmed(db, 2), [['Blues', 'user', 1001], ['Soul', 'accepted-prediction', 6]], 'the existing genre row gives way to the user genre');
    db.close();
  });
});

describe('migration 0012-genre-tree-placements', () => {
  it('adds genre_tree_placements: one placement per spelling key, family ids or outside', () => {
    const db = upTo(12);
    assert.deepEqual(columns(db, 'genre_tree_placements'), ['key', 'placement']);
    db.prepare(`INSERT INTO genre_tree_placements (key, placement) VALUES ('vaporwave', 'electronic'), ('holiday', 'outside'), ('poprock', 'pop,rock')`).run();
    assert.throws(() => db.prepare(`INSERT INTO genre_tree_placements (key, placement) VALUES ('vaporwave', 'pop')`).run(), /UNIQUE/);
    assert.throws(() => db.prepare(`INSERT INTO genre_tree_placements (key, placement) VALUES ('', 'pop')`).run(), /CHECK/);
    assert.throws(() => db.prepare(`INSERT INTO genre_tree_placements (key, placement) VALUES ('x', '')`).run(), /CHECK/);
    db.close();
  });
});
