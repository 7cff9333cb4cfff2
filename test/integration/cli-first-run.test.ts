import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { decodeFileExcerpt } from '../../core/cli/commands/audio-file.js';
import { synthesize } from '../helpers/audio.js';
import { runTimbre, TIMBRE_BIN } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

/**
 * What a new user meets on the command line before and around a first scan: a mistyped --db, folder or
 * file fails plainly (`timbre COMMAND: …` on stderr, exit 1, no raw errno text) without leaving an
 * empty library behind, and usage errors exit 2.
 */
describe('timbre CLI, first run', () => {
  const temp = makeTempDir('timbre-first-run-');
  const library = join(temp.dir, 'library.db');
  const music = join(temp.dir, 'music');
  const missing = join(temp.dir, 'missing');
  /** A library with one analysed track (music/tone.wav) and one failed file (music/broken.mp3). */
  const analysed = join(temp.dir, 'analysed.db');

  before(async () => {
    mkdirSync(music);
    openDatabase(library).close(); // an empty library
    synthesize(join(music, 'tone.wav'), { seconds: 3 });
    writeFileSync(join(music, 'broken.mp3'), 'not audio\n');
    const scan = await runTimbre(['scan', music, '--db', analysed, '--jobs', '1']);
    assert.equal(scan.code, 0, scan.stderr);
  });
  after(() => temp.cleanup());

  it('commands that read a library refuse a missing database instead of creating an empty one', async () => {
    const dbPath = join(temp.dir, 'typo', 'library.db');
    const commands = [['tracks', '--json'], ['genre', 'list'], ['genre', 'undo'], ['retrain', '--list'], ['confusion'], ['watch']];
    const results = await Promise.all(commands.map((args) => runTimbre([...args, '--db', dbPath])));
    results.forEach((result, i) => {
      const name = commands[i][0];
      assert.equal(result.code, 1, `${commands[i].join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', name);
      assert.equal(result.stderr, `timbre ${name}: no library database at ${dbPath}: run 'timbre scan FOLDER' first\n`);
    });
    assert.equal(existsSync(join(temp.dir, 'typo')), false, 'no folder or database was created');
  });

  it('a --db that is a folder or not SQLite is named, for reading and for scanning alike', async () => {
    const notSqlite = join(temp.dir, 'song.mp3');
    writeFileSync(notSqlite, 'ID3 not a database\n');
    const [tracksOfFolder, scanIntoFolder, tracksOfFile, scanIntoFile] = await Promise.all([
      runTimbre(['tracks', '--db', music]),
      runTimbre(['scan', music, '--db', music]),
      runTimbre(['tracks', '--db', notSqlite]),
      runTimbre(['scan', music, '--db', notSqlite]),
    ]);
    const isFolder = `${music} is a folder: --db names the library's database file (e.g. ${join(music, 'library.db')})\n`;
    assert.deepEqual([tracksOfFolder.code, tracksOfFolder.stderr], [1, `timbre tracks: ${isFolder}`]);
    assert.deepEqual([scanIntoFolder.code, scanIntoFolder.stderr], [1, `timbre scan: ${isFolder}`]);
    const notLibrary = `${notSqlite} is not a Timbre library (not an SQLite database)\n`;
    assert.deepEqual([tracksOfFile.code, tracksOfFile.stderr], [1, `timbre tracks: ${notLibrary}`]);
    assert.deepEqual([scanIntoFile.code, scanIntoFile.stderr], [1, `timbre scan: ${notLibrary}`]);
    assert.equal(readFileSync(notSqlite, 'utf8'), 'ID3 not a database\n');
  });

  it('scan and watch name every folder that is not one and stop before opening the library', async () => {
    const file = join(temp.dir, 'file.txt');
    writeFileSync(file, 'not a folder\n');
    const dbPath = join(temp.dir, 'never.db');
    for (const command of ['scan', 'watch']) {
      const result = await runTimbre([command, music, missing, file, '--db', dbPath]);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stderr, `timbre ${command}: folder not found: ${missing}\ntimbre ${command}: not a folder: ${file}\n`);
    }
    assert.equal(existsSync(dbPath), false);
  });

  it('scan warns when --jobs asks for more workers than cores', async () => {
    const empty = join(temp.dir, 'empty folder');
    mkdirSync(empty);
    const result = await runTimbre(['scan', empty, '--db', join(temp.dir, 'jobs.db'), '--jobs', '1000']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr.split('\n')[0], `timbre: warning: --jobs 1000 is more than this machine's ${availableParallelism()} cores; each worker takes ~100 MB of memory`);
  });

  it('a missing file or a folder given as FILE says so, not what ffmpeg made of it', async () => {
    const [features, similar, classify, folder] = await Promise.all([
      runTimbre(['features', join(temp.dir, 'nope.mp3')]),
      runTimbre(['similar', join(temp.dir, 'nope.mp3'), '--db', analysed, '--json']),
      runTimbre(['classify', join(temp.dir, 'nope.mp3'), '--json']),
      runTimbre(['features', music]),
    ]);
    assert.deepEqual([features.code, features.stderr], [1, `timbre features: ${join(temp.dir, 'nope.mp3')}: no such file\n`]);
    assert.deepEqual([similar.code, similar.stdout, similar.stderr], [1, '', `timbre similar: ${join(temp.dir, 'nope.mp3')}: no such file\n`]);
    assert.equal(classify.code, 1);
    assert.deepEqual(JSON.parse(classify.stdout), [{ file: join(temp.dir, 'nope.mp3'), error: 'no such file' }]);
    assert.deepEqual([folder.code, folder.stderr], [1, `timbre features: ${music}: is a folder, not an audio file\n`]);
    const genreOfFolder = await runTimbre(['genre', 'set', music, 'Rock', '--db', library]);
    assert.deepEqual([genreOfFolder.code, genreOfFolder.stderr], [1, `timbre genre set: ${music}: is a folder, not an audio file\n`]);
  });

  it('a missing playlist to import or dataset folder fails with the command named', async () => {
    const [imported, ...datasets] = await Promise.all([
      runTimbre(['playlist', '--import', join(temp.dir, 'nope.m3u8'), '--db', library]),
      ...['eval-similar', 'eval', 'train'].map((command) => runTimbre([command, '--data', missing])),
    ]);
    assert.deepEqual([imported.code, imported.stderr], [1, `timbre playlist: no such playlist file: ${join(temp.dir, 'nope.m3u8')}\n`]);
    for (const [i, command] of ['eval-similar', 'eval', 'train'].entries()) {
      assert.deepEqual([datasets[i].code, datasets[i].stderr], [1, `timbre ${command}: folder not found: ${missing}\n`]);
    }
  });

  it('an empty library says what to do next on stderr, and lists nothing on stdout', async () => {
    const [tracks, tracksJson, genres, history] = await Promise.all([
      runTimbre(['tracks', '--db', library]),
      runTimbre(['tracks', '--json', '--db', library]),
      runTimbre(['genre', 'list', '--db', library]),
      runTimbre(['genre', 'history', '--db', library]),
    ]);
    assert.deepEqual([tracks.code, tracks.stdout, tracks.stderr], [0, '', "no tracks yet: 'timbre scan DIR' adds a folder\n"]);
    assert.deepEqual([tracksJson.code, tracksJson.stdout, tracksJson.stderr], [0, '[]\n', '']);
    assert.deepEqual([genres.code, genres.stdout], [0, '']);
    assert.match(genres.stderr, /^no genres yet: .*'timbre genre set FILE GENRE'/);
    assert.deepEqual([history.code, history.stdout, history.stderr], [0, '', 'no genre edits yet\n']);
  });

  it('a retrain that cannot start shows the step it stopped at, not a full bar, then why', async () => {
    const retrain = await runTimbre(['retrain', '--db', library]);
    assert.equal(retrain.code, 1);
    assert.match(retrain.stderr, /\[-{24}\] 1\/4 failed\ntimbre retrain: no track has been analysed yet: scan a folder first\n$/);
    assert.doesNotMatch(retrain.stderr, /#/);
  });

  it('tracks keeps its columns for a failed file and names it by path; genre edits echo the vocabulary names', async () => {
    const tracks = await runTimbre(['tracks', '--db', analysed]);
    assert.equal(tracks.code, 0, tracks.stderr);
    assert.match(tracks.stdout, /^ +ID +LENGTH {2}STATUS +GENRE {2}TRACK$/m);
    assert.match(tracks.stdout, /^ +\d+ +0:03 {2}done +\S/m);
    assert.match(tracks.stdout, new RegExp(`^ +\\d+ +--:-- {2}error +${join(music, 'broken.mp3')}: \\S`, 'm'));

    const set = await runTimbre(['genre', 'set', join(music, 'tone.wav'), 'hip hop', '--db', analysed]);
    assert.equal(set.code, 0, set.stderr);
    const rename = await runTimbre(['genre', 'rename', 'hiphop', 'Rap', '--db', analysed]);
    assert.deepEqual([rename.code, rename.stdout], [0, "edit #2: rename genre Hip-Hop → Rap; 'timbre genre undo' reverts it\n"]);
  });

  it('playlist says when the library cannot fill it, and refuses a folder as its M3U8 file', async () => {
    const seed = join(music, 'tone.wav');
    const [short, filtered, folder] = await Promise.all([
      runTimbre(['playlist', seed, '-n', '5', '--db', analysed]),
      runTimbre(['playlist', seed, '--genre', 'no such genre', '--db', analysed]),
      runTimbre(['playlist', seed, '--m3u', music, '--db', analysed]),
    ]);
    assert.deepEqual([short.code, short.stderr], [0, 'playlist: 1 of the 5 tracks asked: no more analysed library tracks fit the filters\n']);
    assert.deepEqual([filtered.code, filtered.stderr], [0, 'playlist: only the seeds: no other analysed library track fits the filters\n']);
    assert.deepEqual([folder.code, folder.stderr], [1, `timbre playlist: --m3u ${music} is a folder: give the playlist file's path (e.g. ${music}/mix.m3u8)\n`]);
  });

  it('serve on a port already in use says so and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      const result = await runTimbre(['serve', '--port', String(port), '--db', library]);
      assert.deepEqual([result.code, result.stderr], [1, `timbre serve: port ${port} is in use: give another --port, or none for a free one\n`]);
    } finally {
      taken.close();
    }
  });

  it('usage errors: no command, or the wrong arguments for a genre action, exit 2 on stderr', async () => {
    const [bare, help, rename] = await Promise.all([runTimbre([]), runTimbre(['--help']), runTimbre(['genre', 'rename', 'Jazz', '--db', library])]);
    assert.deepEqual([bare.code, bare.stdout], [2, '']);
    assert.match(bare.stderr, /^usage: timbre <command>/);
    assert.deepEqual([help.code, help.stderr, help.stdout], [0, '', bare.stderr]);
    const version = await runTimbre(['--version']);
    assert.deepEqual([version.code, version.stdout], [0, `${JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version}\n`]);
    assert.equal(rename.code, 2);
    assert.match(rename.stderr, /^timbre genre: 'genre rename' takes GENRE NEW_NAME\nusage:/);
    const empty = await runTimbre(['genre', 'set', join(music, 'tone.wav'), ' ', '--db', library]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^timbre genre: a GENRE cannot be empty\nusage:/);
  });

  it('the launcher of a checkout that was never built says how to build it', () => {
    const checkout = join(temp.dir, 'unbuilt checkout');
    mkdirSync(join(checkout, 'bin'), { recursive: true });
    writeFileSync(join(checkout, 'package.json'), '{ "type": "module" }\n');
    copyFileSync(TIMBRE_BIN, join(checkout, 'bin', 'timbre.js'));
    const result = spawnSync(process.execPath, [join(checkout, 'bin', 'timbre.js'), 'tracks'], { encoding: 'utf8' });
    assert.deepEqual([result.status, result.stderr], [1, "timbre: the CLI is not built yet: run 'npm run build' in the Timbre folder\n"]);
  });

  it('features, classify and similar analyse a long Ogg in the windows a scan uses', async () => {
    // Its tags state no duration: music-metadata's fast pass alone would leave it unknown, and the
    // excerpt would be the middle of the first 75 s instead of three windows at 20/50/80 %.
    const ogg = join(temp.dir, 'long.ogg');
    synthesize(ogg, { source: 'sine=frequency=330', seconds: 100, outputArgs: ['-c:a', 'libvorbis'] });
    const { windows } = await decodeFileExcerpt(ogg);
    assert.deepEqual(
      windows.map((window) => [Math.round(window.offsetSeconds), window.durationSeconds]),
      [
        [15, 10],
        [45, 10],
        [75, 10],
      ],
    );
    const classify = await runTimbre(['classify', ogg, '--json']);
    assert.equal(classify.code, 0, classify.stderr);
    const [{ segments }] = JSON.parse(classify.stdout) as Array<{ segments: Array<{ start: number; end: number }> }>;
    assert.ok(segments[0].start >= 15 && segments.at(-1)!.end <= 85 && segments.at(-1)!.start >= 75, JSON.stringify(segments));
  });
});
