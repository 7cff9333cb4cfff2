import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import type { ModelDefinition } from '../../core/ml/registry.js';
import { SeededRandom } from '../../core/ml/random.js';
import { writeWav } from '../helpers/audio.js';
import { modelsWithThreshold } from '../helpers/models.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { GENRE_FAMILIES } from '../../core/genres/tree.js';

const SR = 22050;

/** 3-s clips: a sine chord ("Classical") or band-limited noise bursts ("Electronic"). */
function clip(kind: 'tonal' | 'noisy', random: SeededRandom): Float32Array {
  const y = new Float32Array(3 * SR);
  const freqs = [0, 1, 2].map(() => 110 * 2 ** (random.next() * 3));
  for (let i = 0; i < y.length; i++) {
    y[i] =
      kind === 'tonal'
        ? (0.2 * freqs.reduce((sum, f) => sum + Math.sin((2 * Math.PI * f * i) / SR), 0)) / 3
        : 0.3 * (2 * random.next() - 1) * (Math.floor((i / SR) * 4) % 2);
  }
  return y;
}

test('timbre train --db trains on the library: confirmed genres first, else known tag genres', async () => {
  const { dir, cleanup } = makeTempDir('timbre-train-db-');
  try {
    const dbPath = path.join(dir, 'library.db');
    const db = openDatabase(dbPath);
    const folder = new FoldersRepo(db).add(dir);
    const tracks = new TracksRepo(db);
    const genres = new GenresRepo(db);
    const random = new SeededRandom(2);
    // 6 artists × 2 tracks each: 3 artists tagged or confirmed Classical, 3 Electronic; one track's tag
    // ("Rock") is overridden by the user's confirmation, one is tagged only with a non-genre.
    for (let artist = 0; artist < 6; artist++) {
      const kind = artist % 2 === 0 ? 'tonal' : 'noisy';
      for (let n = 0; n < 2; n++) {
        const file = path.join(dir, `a${artist}-${n}.wav`);
        writeWav(file, clip(kind, random));
        const id = tracks.insert({ folderId: folder.id, path: file, size: 0, mtimeMs: 0, fingerprint: null, status: 'done', error: null });
        const genre = kind === 'tonal' ? 'Classical' : 'Electronica';
        const tagGenres = artist === 0 && n === 0 ? ['Rock'] : [genre];
        tracks.setTags(id, { title: null, artist: `Artist ${artist}`, album: null, year: null, genres: tagGenres, durationSec: 3, bitrate: null, sampleRate: SR });
        if (artist === 0 && n === 0) genres.setConfirmedRows(id, [{ genreId: genres.resolveOrCreate('Classical').id, source: 'user', confirmedAt: 0 }]);
      }
    }
    const extra = path.join(dir, 'untagged.wav');
    writeWav(extra, clip('tonal', random));
    const extraId = tracks.insert({ folderId: folder.id, path: extra, size: 0, mtimeMs: 0, fingerprint: null, status: 'done', error: null });
    tracks.setTags(extraId, { title: null, artist: 'Someone', album: null, year: null, genres: ['Favourites'], durationSec: 3, bitrate: null, sampleRate: SR });
    db.close();

    const out = path.join(dir, 'model');
    const result = await runTimbre(['train', '--db', dbPath, '--out', out, '--epochs', '2', '--no-cache', '--min-tracks', '3'], {
      env: { ...process.env, TIMBRE_CACHE_DIR: path.join(dir, 'cache') },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /12 labelled tracks \(1 confirmed, 11 by tag\); left out: 1 without a genre/);
    assert.match(result.stdout, /network 1\/1 epoch  1 .*val_loss/);
    const definition = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')) as ModelDefinition;
    assert.deepEqual(definition.config.labels, ['Classical', 'Electronic']);
    assert.equal(definition.id, 'genre-cnn-lstm-library');
    assert.equal(definition.statisticsHead?.mean.length, 518);
    const training = definition.training as { clips: number; members: Array<{ trainClips: number; validationClips: number; epochs: unknown[] }> };
    assert.equal(training.clips, 12);
    assert.equal(training.members[0].trainClips + training.members[0].validationClips, 12);
    assert.ok(training.members[0].epochs.length <= 2);

    const missing = await runTimbre(['train', '--db', path.join(dir, 'nope.db'), '--out', out]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no library database/);
  } finally {
    cleanup();
  }
});

interface ClassifyJson {
  file: string;
  genre: string | null;
  confidence: number;
  candidates: Array<{ genre: string; probability: number }>;
  unsureThreshold: number;
  probabilities: Record<string, number>;
  segments: Array<{ start: number; end: number; genre: string | null; probabilities: Record<string, number> }>;
}

test('timbre classify --json gives the fused genre, probabilities and a timeline in track time', async () => {
  const { dir, cleanup } = makeTempDir('timbre-classify-');
  try {
    const file = path.join(dir, 'chord.wav');
    const random = new SeededRandom(4);
    writeWav(file, Float32Array.from(Array.from({ length: 4 }, () => Array.from(clip('tonal', random))).flat()));
    const result = await runTimbre(['classify', file, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [prediction] = JSON.parse(result.stdout) as ClassifyJson[];
    assert.equal(prediction.file, file);
    const total = Object.values(prediction.probabilities).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-3, `probabilities sum to ${total}`);
    const top = prediction.candidates[0];
    assert.equal(prediction.confidence, Math.max(...Object.values(prediction.probabilities)));
    assert.equal(prediction.confidence, prediction.probabilities[top.genre]);
    assert.equal(prediction.genre, prediction.confidence >= prediction.unsureThreshold ? top.genre : null, 'named only at the threshold');
    // 12 s of audio: four ~3-s segments covering it in order.
    assert.equal(prediction.segments.length, 4);
    assert.equal(prediction.segments[0].start, 0);
    prediction.segments.forEach((segment, i) => i > 0 && assert.ok(segment.start >= prediction.segments[i - 1].start));
    assert.ok(prediction.segments.at(-1)!.end > 11.5);
  } finally {
    cleanup();
  }
});

test('timbre classify --json names no genre below the model’s threshold: genre null, candidates and probabilities', async () => {
  const { dir, cleanup } = makeTempDir('timbre-classify-unsure-');
  try {
    const file = path.join(dir, 'chord.wav');
    writeWav(file, Float32Array.from(Array.from(clip('noisy', new SeededRandom(4)))));
    const env = { ...process.env, TIMBRE_MODELS_DIR: modelsWithThreshold(dir, 0.999) };
    const result = await runTimbre(['classify', file, '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const [prediction] = JSON.parse(result.stdout) as ClassifyJson[];
    // The model's threshold, or a higher one when the clip is unlike anything the model was trained on.
    assert.ok(prediction.unsureThreshold >= 0.999, String(prediction.unsureThreshold));
    assert.ok(prediction.confidence < 0.999);
    assert.equal(prediction.genre, null);
    assert.equal(prediction.candidates.length, 3);
    assert.deepEqual(
      prediction.candidates.map((candidate) => candidate.probability),
      [...prediction.candidates.map((candidate) => candidate.probability)].sort((a, b) => b - a),
      'best first',
    );
    assert.equal(Object.keys(prediction.probabilities).length, GENRE_FAMILIES.length, 'the probabilities of every family are always given');

    const text = await runTimbre(['classify', file], { env });
    assert.match(text.stdout, new RegExp(`unsure \\((below 99\\.9 %|unlike anything the model was trained on)\\): ${prediction.candidates[0].genre} `));
  } finally {
    cleanup();
  }
});
