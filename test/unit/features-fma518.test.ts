import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOMENTS } from '../../core/dsp/stats.js';
import type { TimeFrequency } from '../../core/dsp/types.js';
import { analyzeSignal, logMelSpectrogram } from '../../core/features/analyze.js';
import { assembleFma518, FMA518_FEATURES, FMA518_KEYS, fma518Record, type Fma518Feature } from '../../core/features/fma518.js';

const sr = 22050;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('FMA518_KEYS: 518 unique <feature>.<moment>.<NN> names, feature-major then moment then coefficient', () => {
  assert.equal(FMA518_KEYS.length, 518);
  assert.equal(new Set(FMA518_KEYS).size, 518);
  assert.deepEqual(FMA518_KEYS.slice(0, 8), [
    'zcr.mean.01',
    'zcr.std.01',
    'zcr.skew.01',
    'zcr.kurtosis.01',
    'zcr.median.01',
    'zcr.min.01',
    'zcr.max.01',
    'chroma_cqt.mean.01',
  ]);
  assert.equal(FMA518_KEYS[7 + 12], 'chroma_cqt.std.01');
  assert.equal(FMA518_KEYS.at(-1), 'mfcc.max.20');
  for (const key of FMA518_KEYS) assert.match(key, /^[a-z_]+\.(mean|std|skew|kurtosis|median|min|max)\.\d\d$/);
});

test('assembleFma518 puts each coefficient’s moments under its own keys', () => {
  const nFrames = 5;
  const features = {} as Record<Fma518Feature, TimeFrequency>;
  for (const [name, count] of FMA518_FEATURES) {
    // Coefficient c of every feature runs c+1, 2(c+1), …, 5(c+1): mean 3(c+1), min c+1, max 5(c+1).
    const data = new Float32Array(nFrames * count);
    for (let t = 0; t < nFrames; t++) for (let c = 0; c < count; c++) data[t * count + c] = (t + 1) * (c + 1);
    features[name] = { data, nFrames, nBins: count };
  }
  const record = fma518Record(assembleFma518(features));
  assert.equal(record['zcr.mean.01'], 3);
  assert.equal(record['mfcc.mean.20'], 60);
  assert.equal(record['mfcc.min.07'], 7);
  assert.equal(record['tonnetz.max.06'], 30);
  assert.equal(record['spectral_contrast.median.07'], 21);
  assert.equal(record['chroma_stft.skew.12'], 0);
  assert.ok(Math.abs(record['chroma_cens.std.02'] - 2 * Math.SQRT2) < 1e-12);
  assert.deepEqual(MOMENTS, ['mean', 'std', 'skew', 'kurtosis', 'median', 'min', 'max']);
  const short = { ...features, mfcc: { data: new Float32Array(nFrames * 13), nFrames, nBins: 13 } };
  assert.throws(() => assembleFma518(short), /mfcc has 13 coefficients/);
});

/** 6 s of a C major triad with harmonics, a click every 0.5 s (120 BPM), and faint noise. */
function synthesizedMusic(seconds = 6): Float32Array {
  let seed = 5;
  const noise = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  return Float32Array.from({ length: seconds * sr }, (_, i) => {
    const t = i / sr;
    let v = 0;
    for (const f of [261.63, 329.63, 392]) for (let h = 1; h <= 3; h++) v += Math.sin(2 * Math.PI * f * h * t) / (10 * h);
    const sinceClick = t % 0.5;
    if (sinceClick < 0.02) v += 0.8 * Math.exp(-sinceClick * 300) * noise();
    return v + 0.003 * noise();
  });
}

test('analyzeSignal: 518 finite statistics, a plausible tempo, the log-mel, and an untouched input', () => {
  const y = synthesizedMusic();
  const copy = Float32Array.from(y);
  const analysis = analyzeSignal(y, sr);
  assert.deepEqual(y, copy);
  assert.equal(analysis.fma518.length, 518);
  const record = fma518Record(analysis.fma518);
  for (const key of FMA518_KEYS) assert.ok(Number.isFinite(record[key]), `${key} = ${record[key]}`);
  // The triad's pitch classes dominate chroma_stft. (Not chroma_cqt: FMA's recipe folds the
  // 12-per-octave CQT as if it had 36 bins per octave, so its "chroma" is not pitch classes.)
  const means = Array.from({ length: 12 }, (_, c) => record[`chroma_stft.mean.${String(c + 1).padStart(2, '0')}`]);
  const top3 = [...means.keys()].sort((a, b) => means[b] - means[a]).slice(0, 3).sort((a, b) => a - b);
  assert.deepEqual(top3, [0, 4, 7], `chroma_stft means ${means.map((m) => m.toFixed(2))}`);
  assert.ok([1, 2, 0.5].some((k) => Math.abs((analysis.tempoBpm * k) / 120 - 1) <= 0.04), `tempo ${analysis.tempoBpm}`);
  assert.equal(analysis.melDb.nBins, 128);
  assert.equal(analysis.melDb.nFrames, 1 + Math.floor(y.length / 512));
  assert.deepEqual(analysis.melDb, logMelSpectrogram(y, sr));
  assert.throws(() => analyzeSignal(new Float32Array(0)));
});

test('analyzeSignal copes with silence and with signals shorter than one frame', () => {
  for (const y of [new Float32Array(3 * sr), Float32Array.from({ length: 100 }, (_, i) => Math.sin(i))]) {
    const analysis = analyzeSignal(y, sr);
    assert.ok(analysis.fma518.every(Number.isFinite));
    assert.equal(analysis.tempoBpm, 0, 'no onsets, no tempo');
  }
});

test('timbre features FILE --json prints all 518 statistics and the tempo', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'timbre-features-')), 'tone.flac');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=44100', file]);
  const output = execFileSync(process.execPath, [join(repoRoot, 'bin', 'timbre.js'), 'features', file, '--json'], {
    encoding: 'utf8',
  });
  const result = JSON.parse(output) as { file: string; fma518: Record<string, number>; tempo_bpm: number };
  assert.equal(result.file, file);
  assert.deepEqual(Object.keys(result.fma518), [...FMA518_KEYS]);
  assert.ok(Object.values(result.fma518).every(Number.isFinite));
  assert.equal(typeof result.tempo_bpm, 'number');
  // A 440-Hz tone: chroma_stft is all A.
  assert.equal(result.fma518['chroma_stft.median.10'], 1);
});
