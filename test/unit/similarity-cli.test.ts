import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { parseM3u8 } from '../../core/similarity/m3u.js';
import { seededUniform } from '../../core/ml/random.js';

const run = promisify(execFile);
const timbre = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/timbre.js');
const GENRES = ['Ambient', 'Metal', 'Jazz'];
const TRACKS = 60;

let directory: string;
let dbPath: string;
const trackPath = (i: number) => path.join(directory, 'music', GENRES[i % 3], `track ${i}.mp3`);

/** A library database of 60 analysed tracks in three well-separated clusters of MIR statistics. */
before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-similar-cli-'));
  dbPath = path.join(directory, 'library.db');
  const db = openDatabase(dbPath);
  const folder = new FoldersRepo(db).add(path.join(directory, 'music'));
  const tracks = new TracksRepo(db);
  const features = new FeaturesRepo(db);
  const random = seededUniform(3);
  const centres = GENRES.map(() => Float32Array.from(FMA518_KEYS, () => random() * 10));
  for (let i = 0; i <= TRACKS; i++) {
    const cluster = i % 3;
    const id = tracks.insert({ folderId: folder.id, path: trackPath(i), size: 1000, mtimeMs: 0, fingerprint: `f${i}`, status: 'done', error: null });
    tracks.setTags(id, {
      title: `Track ${i}`,
      artist: `Artist ${i % 12}`,
      album: null,
      year: null,
      genres: [GENRES[cluster]],
      durationSec: 200,
      bitrate: null,
      sampleRate: null,
    });
    if (i === TRACKS) {
      tracks.setStatus(id, 'pending'); // not analysed: never a result
      continue;
    }
    features.save(id, {
      analysisVersion: 1,
      analysedAt: 0,
      fma518: centres[cluster].map((value) => value + random()),
      tempoBpm: 90 + cluster * 30 + random(),
      melPreview: { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: -80, dbMax: 0, data: new Uint8Array(1) },
    });
  }
  db.close();
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

test('timbre similar --json lists the nearest analysed tracks with scores and reasons, without the seed', async () => {
  const { stdout } = await run(process.execPath, [timbre, 'similar', trackPath(4), '--db', dbPath, '-n', '6', '--json']);
  const rows = JSON.parse(stdout) as Array<{ file: string; score: number; reasons: Array<{ code: string; text: string }> }>;
  assert.equal(rows.length, 6);
  assert.ok(rows.every((row) => row.file !== trackPath(4)));
  assert.ok(rows.every((row) => row.file.includes(`${path.sep}Metal${path.sep}`)), 'all from the seed\'s cluster');
  assert.ok(rows.every((row, i) => i === 0 || row.score <= rows[i - 1].score));
  assert.ok(rows.every((row) => row.reasons.some((reason) => reason.code === 'same-genre' && reason.text === 'both Metal')));
  assert.ok(rows.every((row) => row.reasons.some((reason) => reason.code === 'close-tempo')));
});

test('timbre playlist writes an M3U8 (creating its folder) that starts at the seed and keeps two tracks per artist', async () => {
  const m3u = path.join(directory, 'lists', 'mix.m3u8');
  await run(process.execPath, [timbre, 'playlist', trackPath(0), trackPath(3), '-n', '12', '--db', dbPath, '--m3u', m3u]);
  const text = await readFile(m3u, 'utf8');
  assert.ok(text.startsWith('#EXTM3U\n#EXTINF:200,Artist 0 - Track 0\n../music/Ambient/track 0.mp3\n'));
  const entries = parseM3u8(text, m3u);
  assert.equal(entries.length, 12);
  assert.equal(entries[0].path, trackPath(0));
  assert.ok(entries.some((entry) => entry.path === trackPath(3)));
  const perArtist = new Map<string, number>();
  for (const entry of entries) perArtist.set(entry.artist!, (perArtist.get(entry.artist!) ?? 0) + 1);
  assert.ok(Math.max(...perArtist.values()) <= 2);
  assert.ok(entries.every((entry) => !entry.path.endsWith(`track ${TRACKS}.mp3`)));
});

test('timbre similar analyses a file that is not in the library', async () => {
  const wav = path.join(directory, 'outside.wav');
  await writeFile(wav, sineWav(440, 3));
  const { stdout, stderr } = await run(process.execPath, [timbre, 'similar', wav, '--db', dbPath, '-n', '3', '--json']);
  assert.match(stderr, /not an analysed library track; analysing it now/);
  assert.equal((JSON.parse(stdout) as unknown[]).length, 3);
});

test('unknown seeds and missing databases are reported, not thrown as stack traces', async () => {
  await assert.rejects(run(process.execPath, [timbre, 'playlist', path.join(directory, 'nope.mp3'), '--db', dbPath]), (error: { stderr: string; code: number }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /is not an analysed track of the library/);
    return true;
  });
  await assert.rejects(run(process.execPath, [timbre, 'similar', trackPath(1), '--db', path.join(directory, 'none.db')]), /no library database/);
});

/** A mono 16-bit 22,050 Hz WAV of a sine. */
function sineWav(frequency: number, seconds: number): Buffer {
  const sampleRate = 22050;
  const samples = Math.round(seconds * sampleRate);
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buffer.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * frequency * i) / sampleRate)), 44 + 2 * i);
  return buffer;
}

test('timbre playlist --save keeps the playlist; --list, --show (with --m3u) and --import work on saved ones', async () => {
  const listed = async () => JSON.parse((await run(process.execPath, [timbre, 'playlist', '--list', '--db', dbPath, '--json'])).stdout) as Array<{ id: number; name: string; trackCount: number; generated: boolean }>;
  const before = await listed();

  const { stderr } = await run(process.execPath, [timbre, 'playlist', trackPath(1), '-n', '5', '--db', dbPath, '--save', 'Metal five', '--json']);
  const saved = (await listed()).find((playlist) => playlist.name === 'Metal five');
  assert.ok(saved, 'listed');
  assert.match(stderr, new RegExp(`saved 'Metal five' as #${saved.id} \\(5 tracks\\)`));
  assert.equal(saved.trackCount, 5);
  assert.equal(saved.generated, true);

  const shown = JSON.parse((await run(process.execPath, [timbre, 'playlist', '--show', String(saved.id), '--db', dbPath, '--json'])).stdout) as {
    files: string[];
    request: { seeds: number[]; count: number };
  };
  assert.equal(shown.files[0], trackPath(1));
  assert.equal(shown.request.count, 5);

  const m3u = path.join(directory, 'saved', 'metal.m3u8');
  await run(process.execPath, [timbre, 'playlist', '--show', String(saved.id), '--db', dbPath, '--m3u', m3u, '--absolute']);
  const text = await readFile(m3u, 'utf8');
  assert.deepEqual(parseM3u8(text, m3u).map((entry) => entry.path), shown.files);
  assert.ok(text.includes(`\n${trackPath(1)}\n`), 'absolute paths');

  await writeFile(m3u, `${text}not-here.mp3\n`);
  const imported = await run(process.execPath, [timbre, 'playlist', '--import', m3u, '--save', 'Back in', '--db', dbPath]);
  assert.match(imported.stdout, /imported 'Back in' as #\d+: 5 tracks, 1 not in the library/);
  assert.ok(imported.stdout.includes(`missing: ${path.join(directory, 'saved', 'not-here.mp3')}`));
  const after = await listed();
  assert.equal(after.length, before.length + 2);
  assert.equal(after.find((playlist) => playlist.name === 'Back in')!.generated, false);

  await assert.rejects(run(process.execPath, [timbre, 'playlist', '--show', '999', '--db', dbPath]), /no saved playlist 999/);
  await assert.rejects(run(process.execPath, [timbre, 'playlist', '--list', trackPath(1), '--db', dbPath]), /usage: timbre playlist/);
});
