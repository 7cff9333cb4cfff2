import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize, toneSamples, writeWav } from '../helpers/audio.js';
import { listTracksJson, runTimbre, TIMBRE_BIN } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { fsPath } from '../../core/library/files.js';

/** dist/test/integration → the repository root. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One short file per common format, each with tags where the container carries them. */
const FORMATS: Array<{ name: string; outputArgs?: string[] }> = [
  { name: 'mpeg.mp3' },
  { name: 'lossless.flac' },
  { name: 'vorbis.ogg', outputArgs: ['-c:a', 'libvorbis'] },
  { name: 'opus.opus', outputArgs: ['-c:a', 'libopus'] },
  { name: 'aac.m4a', outputArgs: ['-c:a', 'aac'] },
  { name: 'apple.aiff' },
];

describe('timbre scan', () => {
  const temp = makeTempDir();
  const music = join(temp.dir, 'music');
  const db = join(temp.dir, 'library.db');
  before(() => {
    mkdirSync(join(music, 'album'), { recursive: true });
    FORMATS.forEach(({ name, outputArgs }, i) =>
      synthesize(join(music, 'album', name), {
        source: `sine=frequency=${220 * (i + 1)}`,
        seconds: 2,
        tags: { title: `Track ${i + 1}`, artist: 'Synth', album: 'Formats', genre: 'Test' },
        outputArgs,
      }),
    );
    writeWav(join(music, 'plain.wav'), toneSamples(2));
  });
  after(() => temp.cleanup());

  it('analyses every format, exits 0 and lists tags, duration and status', async () => {
    const result = await runTimbre(['scan', music, '--db', db, '--jobs', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /7 audio files \(7 new/);
    assert.match(result.stderr, /analysed 7 tracks/);

    const tracks = await listTracksJson(db);
    assert.equal(tracks.length, 7);
    for (const track of tracks) {
      assert.equal(track.status, 'done', `${track.path}: ${track.error}`);
      assert.equal(track.error, null);
      assert.ok(Math.abs((track.durationSec as number) - 2) < 0.1, `${track.path} duration ${track.durationSec}`);
    }
    const mp3 = tracks.find((track) => track.path.endsWith('mpeg.mp3'))!;
    assert.deepEqual([mp3.title, mp3.artist, mp3.album, mp3.genres], ['Track 1', 'Synth', 'Formats', ['Test']]);
    assert.ok(typeof mp3.tempoBpm === 'number');
  });

  it('stores the shipped model\'s genre prediction for every track; the tag genre wins as the effective genre', async () => {
    const registry = JSON.parse(readFileSync(join(repoRoot, 'models', 'registry.json'), 'utf8')) as {
      models: Array<{ labels: string[] }>;
    };
    const labels = new Set(registry.models.flatMap((model) => model.labels));
    const tracks = (await listTracksJson(db)) as unknown as Array<{
      path: string;
      genres: string[];
      genre: string | null;
      predicted: { genre: string | null; confidence: number; candidates: Array<{ genre: string }> } | null;
    }>;
    for (const track of tracks) {
      assert.ok(track.predicted, `${track.path} has no prediction`);
      // Named, or unsure with candidates: either way genres the model knows.
      const genres = track.predicted.genre === null ? track.predicted.candidates.map((candidate) => candidate.genre) : [track.predicted.genre];
      assert.ok(genres.length > 0 && genres.every((genre) => labels.has(genre)), `${track.path}: unknown genres ${genres}`);
      assert.ok(track.predicted.confidence > 0 && track.predicted.confidence <= 1);
      assert.equal(track.genre, track.genres[0] ?? track.predicted.genre, track.path);
    }
    const untagged = tracks.find((track) => track.path.endsWith('plain.wav'))!;
    assert.equal(untagged.genre, untagged.predicted!.genre, 'an untagged track takes the predicted genre');
  });

  it('a second scan finds nothing to do', async () => {
    const result = await runTimbre(['scan', music, '--db', db]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /7 audio files \(0 new, 0 changed, 0 moved, 0 removed\)\n0 tracks to analyse/);
  });

  it('Ctrl-C stops after the running analyses (exit 130); the next scan finishes the rest', async () => {
    const more = join(temp.dir, 'more');
    mkdirSync(more);
    for (let i = 0; i < 16; i++) writeWav(join(more, `tone-${i}.wav`), toneSamples(2, { frequency: 300 + 20 * i }));
    const child = spawn(process.execPath, [TIMBRE_BIN, 'scan', more, '--db', db, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!interrupted && stderr.includes('to analyse')) interrupted = child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted: \d+ left for the next scan/);
    const rest = await runTimbre(['scan', more, '--db', db]);
    assert.equal(rest.code, 0, rest.stderr);
    const tracks = await listTracksJson(db);
    assert.equal(tracks.filter((t) => t.path.startsWith(more) && t.status === 'done').length, 16);
  });

  it('rejects a folder that does not exist, with a clear message and exit code 1', async () => {
    const result = await runTimbre(['scan', join(temp.dir, 'nope'), '--db', db]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /folder not found/);
  });

  it('answers usage errors like every command: the problem and the synopsis on stderr, exit code 2', async () => {
    const noDir = await runTimbre(['scan', '--db', db]);
    assert.equal(noDir.code, 2);
    assert.match(noDir.stderr, /^timbre scan: missing DIR\nusage: timbre scan DIR\.\.\./);
    const badJobs = await runTimbre(['scan', music, '--db', db, '--jobs', 'many']);
    assert.equal(badJobs.code, 2);
    assert.match(badJobs.stderr, /timbre scan: --jobs must be an integer/);
    const watchFlag = await runTimbre(['watch', '--bogus']);
    assert.equal(watchFlag.code, 2);
    assert.match(watchFlag.stderr, /^timbre watch: unknown option '--bogus'\nusage: timbre watch/);
  });
});

describe('timbre scan of names that are not UTF-8', { skip: process.platform !== 'linux' && 'only Linux allows such names' }, () => {
  const temp = makeTempDir();
  after(() => temp.cleanup());

  it('analyses them, keeps the exact bytes of each name, and finds them unchanged on the next scan', async () => {
    const music = join(temp.dir, 'music');
    const db = join(temp.dir, 'library.db');
    const folder = Buffer.concat([Buffer.from(`${music}/`), Buffer.from([0x41, 0x6c, 0x62, 0x75, 0x6d, 0xff])]);
    mkdirSync(folder, { recursive: true });
    writeWav(join(temp.dir, 'tone.wav'), toneSamples(2));
    const tone = readFileSync(join(temp.dir, 'tone.wav'));
    const files = [
      Buffer.concat([Buffer.from(`${music}/caf`), Buffer.from([0xe9]), Buffer.from('.wav')]),
      Buffer.concat([folder, Buffer.from('/'), Buffer.from([0x8e, 0x43]), Buffer.from('.wav')]),
    ];
    for (const file of files) writeFileSync(file, tone);

    const result = await runTimbre(['scan', music, '--db', db, '--jobs', '1']);
    assert.equal(result.code, 0, result.stderr);
    const tracks = await listTracksJson(db);
    assert.equal(tracks.length, 2);
    for (const track of tracks) {
      assert.equal(track.status, 'done', `${track.path}: ${track.error}`);
      assert.equal(track.error, null);
      assert.equal(typeof track.tempoBpm, 'number');
      assert.ok(Math.abs((track.durationSec as number) - 2) < 0.1, `${track.path} duration ${track.durationSec}`);
    }
    const stored = tracks.map((track) => Buffer.from(fsPath(track.path)).toString('hex')).sort();
    assert.deepEqual(stored, files.map((file) => file.toString('hex')).sort());
    const second = await runTimbre(['scan', music, '--db', db]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /2 audio files \(0 new/);
  });
});
