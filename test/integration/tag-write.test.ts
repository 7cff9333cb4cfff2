import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { openDatabase, type Db } from '../../core/db/open.js';
import { EditBlockedError, GenreService } from '../../core/genres/service.js';
import { StaleFileError } from '../../core/tags/fingerprint.js';
import { UnsupportedTagFormatError } from '../../core/tags/genre-tags.js';
import { planGenreWrite, TagWriter } from '../../core/tags/tag-writer.js';
import { makeTempDir } from '../helpers/temp.js';
import { runTimbre } from '../helpers/cli.js';
import { synthesize } from '../helpers/audio.js';
import { decodedAudioSha256, FIXTURES, INITIAL_GENRE, makeFixture, mp3AudioFramesSha256, sha256OfFile } from './tag-write-fixtures.js';

const NEW_GENRES = ['Electronic', 'Drum & Bass'];

/** The genres music-metadata (an independent reader) sees; some formats pack several into one "; " value. */
async function genresInFile(path: string): Promise<string[]> {
  const { common } = await parseFile(path, { skipCovers: true });
  return (common.genre ?? []).flatMap((value) => value.split(/\s*;\s*/)).filter(Boolean);
}

function mtimeMs(path: string): number {
  return Math.trunc(statSync(path).mtimeMs);
}

/** A library database holding `paths` as tracks 1..n, with the size and mtime the "scan" saw. */
function libraryWith(dbPath: string, paths: string[]): Db {
  const db = openDatabase(dbPath);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/', 0)`).run();
  const insert = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, ?, ?, 0, 0)`);
  paths.forEach((path, index) => insert.run(index + 1, path, statSync(path).size, mtimeMs(path)));
  return db;
}

describe('tag write-back', () => {
  const temp = makeTempDir('timbre-tag-write-');
  after(() => temp.cleanup());

  for (const [index, fixture] of FIXTURES.entries()) {
    describe(fixture.name, () => {
      let path: string;
      let db: Db;
      let service: GenreService;
      let originalSha: string;
      let originalMtime: number;
      let originalAudio: string;
      let originalFrames: string | null;

      before(() => {
        const dir = join(temp.dir, `format-${index}`);
        mkdirSync(dir);
        path = makeFixture(dir, fixture);
        chmodSync(path, 0o640);
        // An mtime in the past, so a restored mtime cannot pass by being "now".
        utimesSync(path, new Date('2020-05-01T12:00:00.123Z'), new Date('2020-05-01T12:00:00.123Z'));
        db = libraryWith(join(dir, 'library.db'), [path]);
        service = new GenreService(db);
        originalSha = sha256OfFile(path);
        originalMtime = mtimeMs(path);
        originalAudio = decodedAudioSha256(path);
        originalFrames = fixture.extension === 'mp3' ? mp3AudioFramesSha256(readFileSync(path)) : null;
      });
      after(() => db.close());

      it('starts with the genre ffmpeg wrote', async () => {
        assert.deepEqual(await genresInFile(path), [INITIAL_GENRE]);
      });

      it('a dry run plans the change and touches nothing', () => {
        const result = service.setGenres({ targets: [{ path, trackId: 1 }], genres: NEW_GENRES, writeTags: true, dryRun: true });
        assert.equal(result.dryRun, true);
        assert.equal(result.files[0].changed, true);
        assert.ok(result.files[0].fields.some((field) => field.before.includes(INITIAL_GENRE) && field.after.join() === NEW_GENRES.join()));
        assert.equal(sha256OfFile(path), originalSha);
        assert.equal(mtimeMs(path), originalMtime);
        assert.equal(db.prepare('SELECT count(*) FROM tag_writes').pluck().get(), 0);
        assert.equal(db.prepare('SELECT count(*) FROM edits').pluck().get(), 0);
        assert.deepEqual(service.genres.confirmed(1), []);
      });

      it('writes the genre, journals every field, and leaves the audio untouched', async () => {
        const result = service.setGenres({ targets: [{ path, trackId: 1, known: { size: statSync(path).size, mtimeMs: originalMtime } }], genres: NEW_GENRES, writeTags: true });
        const file = result.files[0];
        assert.equal(file.error, null);
        assert.ok(file.writeId !== null);
        assert.deepEqual(await genresInFile(path), NEW_GENRES);
        assert.notEqual(sha256OfFile(path), originalSha);
        assert.equal(decodedAudioSha256(path), originalAudio, 'decoded audio is identical');
        if (originalFrames) assert.equal(mp3AudioFramesSha256(readFileSync(path)), originalFrames, 'MP3 audio frames are byte-identical');
        assert.equal(statSync(path).mode & 0o777, 0o640, 'permissions kept');
        assert.deepEqual(readdirSync(join(path, '..')).filter((name) => name.includes('timbre-tmp')), [], 'no temp file left');

        const write = service.journal.tagWrite(file.writeId)!;
        assert.equal(write.state, 'written');
        assert.deepEqual(write.before, { size: write.before.size, mtimeMs: originalMtime, sha256: originalSha });
        assert.equal(write.after.sha256, sha256OfFile(path));
        assert.equal(write.after.mtimeMs, mtimeMs(path));
        const main = write.fields.find((field) => field.after.join() === NEW_GENRES.join());
        assert.ok(main, JSON.stringify(write.fields));
        assert.deepEqual(main.before, [INITIAL_GENRE]);
        assert.equal(main.field, 'genre');
        assert.ok(write.restorePatch.length < 16 * 1024, `undo data is small (${write.restorePatch.length} bytes), not a file copy`);
        assert.deepEqual(service.genres.confirmed(1).map((genre) => genre.name), NEW_GENRES);
      });

      it('undo restores the exact bytes and modification time; redo the written ones', async () => {
        const writtenSha = sha256OfFile(path);
        const undone = service.undo();
        assert.equal(undone.files.length, 1);
        assert.equal(sha256OfFile(path), originalSha, 'bytes restored exactly');
        assert.equal(mtimeMs(path), originalMtime, 'mtime restored');
        assert.equal(statSync(path).mode & 0o777, 0o640);
        assert.deepEqual(await genresInFile(path), [INITIAL_GENRE]);
        assert.deepEqual(service.genres.confirmed(1), []);

        service.redo();
        assert.equal(sha256OfFile(path), writtenSha);
        assert.deepEqual(await genresInFile(path), NEW_GENRES);
        service.undo();
        assert.equal(sha256OfFile(path), originalSha);
        assert.equal(decodedAudioSha256(path), originalAudio);
        if (originalFrames) assert.equal(mp3AudioFramesSha256(readFileSync(path)), originalFrames);
      });

      it('refuses to write over a file that grew after it was read', () => {
        const plan = planGenreWrite(path, ['Jazz']);
        appendFileSync(path, Buffer.from('appended by another program'));
        const changedSha = sha256OfFile(path);
        const writer = new TagWriter(service.journal);
        const editId = service.journal.insertEdit({ kind: 'test', summary: 'stale write', undoData: { state: { genres: [], tracks: [] } }, redoData: { state: { genres: [], tracks: [] } } });
        assert.throws(() => writer.apply(plan, editId), (error: Error) => error instanceof StaleFileError && /changed since Timbre read it \(size \d+ → \d+ bytes\)/.test(error.message));
        assert.equal(sha256OfFile(path), changedSha, 'the other program\'s change is kept');
        const journaled = service.journal.tagWritesOfEdit(editId);
        assert.deepEqual(journaled.map((write) => write.state), ['failed'], 'journaled first, then marked failed');
        assert.deepEqual(readdirSync(join(path, '..')).filter((name) => name.includes('timbre-tmp')), []);
        // Drop the appended junk again (an MP4 with trailing junk is rightly refused as damaged).
        writeFileSync(path, readFileSync(path).subarray(0, statSync(path).size - 'appended by another program'.length));
        assert.equal(sha256OfFile(path), originalSha);
      });

      it('refuses to write over a file whose mtime changed after it was read', () => {
        const plan = planGenreWrite(path, ['Jazz']);
        const bytes = sha256OfFile(path);
        // A time surely different from the last write's (touch's "now" may fall in the same millisecond).
        const later = new Date(statSync(path).mtimeMs + 2000);
        utimesSync(path, later, later);
        const editId = service.journal.insertEdit({ kind: 'test', summary: 'touched', undoData: { state: { genres: [], tracks: [] } }, redoData: { state: { genres: [], tracks: [] } } });
        assert.throws(() => new TagWriter(service.journal).apply(plan, editId), /changed since Timbre read it \(modified /);
        assert.equal(sha256OfFile(path), bytes);
      });

      it('refuses a file the library has not seen in its current version', () => {
        assert.throws(
          () => service.setGenres({ targets: [{ path, trackId: 1, known: { size: 1, mtimeMs: originalMtime } }], genres: ['Jazz'], writeTags: true }),
          (error: Error) => error instanceof StaleFileError && /since the library last scanned it/.test(error.message),
        );
        assert.deepEqual(service.genres.confirmed(1), [], 'nothing was recorded');
      });
    });
  }

  it('undo refuses to restore over a file changed since Timbre wrote it, unless told to leave that file be', async () => {
    const dir = join(temp.dir, 'undo-stale');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[0]);
    const db = libraryWith(join(dir, 'library.db'), [path]);
    try {
      const service = new GenreService(db);
      service.setGenres({ targets: [{ path, trackId: 1 }], genres: ['Rock'], writeTags: true });
      appendFileSync(path, Buffer.alloc(16));
      const changedSha = sha256OfFile(path);
      assert.throws(
        () => service.undo(),
        (error: Error) => error instanceof EditBlockedError && /changed since Timbre wrote it \(size.*--keep-changed-files/.test(error.message),
      );
      assert.equal(sha256OfFile(path), changedSha);
      assert.deepEqual(service.genres.confirmed(1).map((genre) => genre.name), ['Rock'], 'the database part stays too');

      const undone = service.undo({ keepChangedFiles: true });
      assert.deepEqual(undone.files, []);
      assert.deepEqual(undone.keptFiles.map((file) => file.path), [path]);
      assert.equal(sha256OfFile(path), changedSha, 'the other program\'s version is kept');
      assert.deepEqual(service.genres.confirmed(1), [], 'the rest of the edit is undone');
      assert.match(service.journal.tagWrite(undone.keptFiles[0].writeId)!.error ?? '', /left as it was by undo/);
    } finally {
      db.close();
    }
  });

  it("Timbre's own earlier write is not a change behind its back; another program's is", () => {
    const dir = join(temp.dir, 'own-write');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[5]);
    const db = libraryWith(join(dir, 'library.db'), [path]);
    try {
      const service = new GenreService(db);
      // What the library scan saw; it does not rescan between these edits.
      const known = { size: statSync(path).size, mtimeMs: mtimeMs(path) };
      const edit = (genre: string) => service.setGenres({ targets: [{ path, trackId: 1, known }], genres: [genre], writeTags: true });
      assert.equal(edit('Rock').files[0].error, null);
      assert.equal(edit('Jazz').files[0].error, null, 'the file is the version Timbre wrote');
      service.undo();
      assert.equal(edit('Funk').files[0].error, null, 'after an undo the file is the version Timbre restored');
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      assert.throws(() => edit('Soul'), /changed since the library last scanned it/);
    } finally {
      db.close();
    }
  });

  it('a bulk edit writes every file and one undo restores them all', () => {
    const dir = join(temp.dir, 'bulk');
    mkdirSync(dir);
    const paths = [FIXTURES[0], FIXTURES[2], FIXTURES[3], FIXTURES[5]].map((fixture, index) => makeFixture(dir, fixture, 2, `bulk-${index}`));
    const originals = paths.map(sha256OfFile);
    const db = libraryWith(join(dir, 'library.db'), paths);
    try {
      const service = new GenreService(db);
      const result = service.setGenres({ targets: paths.map((path, index) => ({ path, trackId: index + 1 })), genres: ['Shoegaze'], writeTags: true });
      assert.deepEqual(result.files.map((file) => file.error), [null, null, null, null]);
      assert.ok(paths.every((path, index) => sha256OfFile(path) !== originals[index]));
      assert.equal(service.undo().files.length, 4);
      assert.deepEqual(paths.map(sha256OfFile), originals);
    } finally {
      db.close();
    }
  });

  it('leaves a file that already holds the genres untouched, and journals nothing for it', () => {
    const dir = join(temp.dir, 'unchanged');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[2]);
    const db = libraryWith(join(dir, 'library.db'), [path]);
    try {
      assert.equal(planGenreWrite(path, [INITIAL_GENRE]).changed, false);
      const service = new GenreService(db);
      service.setGenres({ targets: [{ path, trackId: 1 }], genres: ['Rock'], writeTags: true });
      const sha = sha256OfFile(path);
      const again = service.setGenres({ targets: [{ path, trackId: 1 }], genres: ['rock'], writeTags: true });
      assert.equal(again.files[0].changed, false);
      assert.equal(again.files[0].writeId, null);
      assert.equal(sha256OfFile(path), sha);
      assert.equal(db.prepare('SELECT count(*) FROM tag_writes').pluck().get(), 1);
    } finally {
      db.close();
    }
  });

  it('an MP3 with only an ID3v1 tag gets an ID3v2 tag for the full list; its frames stay identical', async () => {
    const dir = join(temp.dir, 'id3v1-only');
    mkdirSync(dir);
    const path = join(dir, 'old.mp3');
    synthesize(path, { seconds: 2, outputArgs: ['-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_xing', '0'] });
    const id3v1 = Buffer.alloc(128);
    id3v1.write('TAG', 0, 'latin1');
    id3v1.write('Old Song', 3, 'latin1');
    id3v1[127] = 17; // Rock
    appendFileSync(path, id3v1);
    const frames = mp3AudioFramesSha256(readFileSync(path));
    const plan = planGenreWrite(path, ['Shoegaze', 'Dream Pop']);
    assert.deepEqual(plan.fields, [
      { tag: 'Id3v1', field: 'genre', before: ['Rock'], after: [] },
      { tag: 'Id3v2', field: 'genre', before: [], after: ['Shoegaze', 'Dream Pop'] },
    ]);
    writeFileSync(path, plan.updated);
    assert.deepEqual(await genresInFile(path), ['Shoegaze', 'Dream Pop']);
    assert.equal(mp3AudioFramesSha256(readFileSync(path)), frames);
  });

  it('names the supported formats when asked to write an unsupported one', () => {
    const dir = join(temp.dir, 'unsupported');
    mkdirSync(dir);
    const path = join(dir, 'clip.webm');
    writeFileSync(path, Buffer.alloc(64));
    assert.throws(() => planGenreWrite(path, ['Rock']), (error: Error) => error instanceof UnsupportedTagFormatError && /\.webm files; supported: mp3, .*flac.*opus.*m4a/.test(error.message));
  });

  it('timbre genre set --write-tags / undo through the CLI', async () => {
    const dir = join(temp.dir, 'cli');
    mkdirSync(dir);
    const path = makeFixture(dir, FIXTURES[3]);
    const dbPath = join(dir, 'cli.db');
    const sha = sha256OfFile(path);

    const dry = await runTimbre(['genre', 'set', path, 'electronica', '--write-tags', '--dry-run', '--db', dbPath]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Xiph genre 'Hip Hop' → 'Electronic'/);
    assert.match(dry.stdout, /dry run: nothing was changed/);
    assert.equal(sha256OfFile(path), sha);

    const notInLibrary = await runTimbre(['genre', 'set', path, 'Rock', '--db', dbPath]);
    assert.equal(notInLibrary.code, 1);
    assert.match(notInLibrary.stderr, /not in the library/);

    const set = await runTimbre(['genre', 'set', path, 'electronica', '--write-tags', '--db', dbPath]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /tags written \(journal #1\)/);
    assert.deepEqual(await genresInFile(path), ['Electronic']);

    const undo = await runTimbre(['genre', 'undo', '--db', dbPath]);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /undid edit #1/);
    assert.equal(sha256OfFile(path), sha);
    const nothing = await runTimbre(['genre', 'undo', '--db', dbPath]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /nothing to undo/);
  });
});
