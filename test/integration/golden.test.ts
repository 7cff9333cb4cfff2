/**
 * Checks analyzeSignal against librosa 0.10.1's own output on real music (../shared/golden, see its
 * README): the FMA statistics, beat_track's tempo and the log-mel spectrogram. Point
 * TIMBRE_GOLDEN_DIR at another folder of the same layout (librosa-0.10.1.json + wav/) to run the
 * same check on other clips.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio } from '../../core/audio/decode.js';
import { analyzeSignal, logMelSpectrogram } from '../../core/features/analyze.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';

// Compiled to dist/test/integration/, three levels below the repository root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const goldenDir = process.env.TIMBRE_GOLDEN_DIR ?? resolve(repoRoot, '..', 'shared', 'golden');
const goldenJson = join(goldenDir, 'librosa-0.10.1.json');

const CQT_FEATURES = new Set(['chroma_cqt', 'chroma_cens', 'tonnetz']);
const RELATIVE_TOLERANCE = 0.02;
const TEMPO_TOLERANCE = 0.04;
const MEL_CELL_TOLERANCE_DB = 0.01;

interface GoldenFile {
  samples: number;
  fma518: Record<string, number>;
  tempo_bpm: number;
  mel_db_first5s: { shape: [number, number]; data: number[][] };
}

interface Comparison {
  file: string;
  key: string;
  ours: number;
  reference: number;
  /** |ours − reference| / bound: at most 1 passes. */
  excess: number;
}

const skip = existsSync(goldenJson) ? false : `no golden data at ${goldenJson}`;

describe('librosa 0.10.1 golden values', { skip }, () => {
  let golden: Record<string, GoldenFile>;
  let names: string[];
  const comparisons: Comparison[] = [];
  const tempos: Array<{ file: string; ours: number; reference: number }> = [];
  const signals = new Map<string, Float32Array>();

  before(async () => {
    golden = (JSON.parse(readFileSync(goldenJson, 'utf8')) as { files: Record<string, GoldenFile> }).files;
    names = Object.keys(golden);
    // The scale of a statistic: the median |value| of that key over the golden files, so keys whose
    // reference is near zero on one clip are judged against their typical size.
    const typicalScale = new Map<string, number>();
    for (const key of FMA518_KEYS) typicalScale.set(key, median(names.map((name) => Math.abs(golden[name].fma518[key]))));

    for (const name of names) {
      const y = await decodeAudio(join(goldenDir, 'wav', name));
      signals.set(name, y);
      const reference = golden[name];
      assert.equal(y.length, reference.samples, `${name}: decoded sample count`);
      const analysis = analyzeSignal(y, 22050);
      FMA518_KEYS.forEach((key, i) => {
        const expected = reference.fma518[key];
        const bound = RELATIVE_TOLERANCE * Math.max(Math.abs(expected), typicalScale.get(key) ?? 0);
        const difference = Math.abs(analysis.fma518[i] - expected);
        const excess = bound > 0 ? difference / bound : difference === 0 ? 0 : Infinity;
        comparisons.push({ file: name, key, ours: analysis.fma518[i], reference: expected, excess });
      });
      tempos.push({ file: name, ours: analysis.tempoBpm, reference: reference.tempo_bpm });
    }
  });

  it('uses exactly the golden statistic names, in order', () => {
    for (const name of names) assert.deepEqual(Object.keys(golden[name].fma518), [...FMA518_KEYS]);
  });

  it('matches at least 99 % of the STFT-family statistics', () => {
    const rate = reportFamily('STFT family', comparisons.filter((c) => !CQT_FEATURES.has(featureOf(c.key))));
    assert.ok(rate >= 0.99, `STFT-family pass rate ${(rate * 100).toFixed(2)} % < 99 %`);
  });

  it('matches at least 90 % of the CQT-family statistics (chroma_cqt, chroma_cens, tonnetz)', () => {
    const rate = reportFamily('CQT family', comparisons.filter((c) => CQT_FEATURES.has(featureOf(c.key))));
    assert.ok(rate >= 0.9, `CQT-family pass rate ${(rate * 100).toFixed(2)} % < 90 %`);
  });

  it('finds the tempo (or its double or half) within 4 % on at least 90 % of clips', () => {
    const good = tempos.filter(({ ours, reference }) =>
      [1, 2, 0.5].some((factor) => Math.abs((ours * factor) / reference - 1) <= TEMPO_TOLERANCE),
    );
    for (const { file, ours, reference } of tempos) {
      console.log(`tempo ${file.padEnd(24)} ours ${ours.toFixed(2).padStart(7)}  librosa ${reference.toFixed(2).padStart(7)}`);
    }
    const rate = good.length / tempos.length;
    console.log(`tempo: ${good.length}/${tempos.length} clips within 4 % (or an octave off)`);
    assert.ok(rate >= 0.9, `tempo pass rate ${(rate * 100).toFixed(1)} % < 90 %`);
  });

  it('reproduces the log-mel spectrogram of the first 5 s', () => {
    for (const name of names) {
      const { shape, data } = golden[name].mel_db_first5s;
      const [nMels, nFrames] = shape;
      // librosa's shape is (mels, frames); the rows may be stored either way round.
      const framesMajor = data.length === nFrames;
      const at = (t: number, m: number): number => (framesMajor ? data[t][m] : data[m][t]);
      const ours = logMelSpectrogram(signals.get(name)!.subarray(0, 5 * 22050), 22050);
      assert.equal(ours.nFrames, nFrames, `${name}: frame count`);
      assert.equal(ours.nBins, nMels, `${name}: mel count`);
      let close = 0;
      let worst = 0;
      for (let t = 0; t < nFrames; t++) {
        for (let m = 0; m < nMels; m++) {
          const difference = Math.abs(ours.data[t * nMels + m] - at(t, m));
          if (difference <= MEL_CELL_TOLERANCE_DB) close++;
          worst = Math.max(worst, difference);
        }
      }
      const rate = close / (nFrames * nMels);
      console.log(`mel ${name.padEnd(24)} ${(rate * 100).toFixed(3)} % of cells within ${MEL_CELL_TOLERANCE_DB} dB, worst ${worst.toFixed(4)} dB`);
      assert.ok(rate >= 0.999, `${name}: only ${(rate * 100).toFixed(2)} % of mel cells within ${MEL_CELL_TOLERANCE_DB} dB`);
      assert.ok(worst <= 0.5, `${name}: a mel cell is ${worst.toFixed(3)} dB off`);
    }
  });
});

function featureOf(key: string): string {
  return key.slice(0, key.indexOf('.'));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Prints the pass rate per feature and the worst statistics; returns the family's pass rate. */
function reportFamily(family: string, comparisons: Comparison[]): number {
  const passed = comparisons.filter((c) => c.excess <= 1).length;
  const rate = passed / comparisons.length;
  console.log(`${family}: ${passed}/${comparisons.length} statistics within bound (${(rate * 100).toFixed(2)} %)`);
  const byFeature = new Map<string, { passed: number; total: number }>();
  for (const c of comparisons) {
    const entry = byFeature.get(featureOf(c.key)) ?? { passed: 0, total: 0 };
    entry.total++;
    if (c.excess <= 1) entry.passed++;
    byFeature.set(featureOf(c.key), entry);
  }
  for (const [feature, { passed: p, total }] of byFeature) {
    console.log(`  ${feature.padEnd(20)} ${p}/${total}`);
  }
  const worst = [...comparisons].sort((a, b) => b.excess - a.excess).slice(0, 8);
  for (const c of worst) {
    console.log(
      `  worst: ${c.key.padEnd(28)} ${c.file.padEnd(20)} ours ${c.ours.toPrecision(6).padStart(12)}  librosa ${c.reference.toPrecision(6).padStart(12)}  (${c.excess.toFixed(2)}× bound)`,
    );
  }
  return rate;
}
