import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../core/ml/random.js';
import { applyHead, balancedClassWeights, DEFAULT_HEAD_OPTIONS, trainHead, type HeadExample } from '../../core/retrain/head.js';
import { runRetrain, validationFolds } from '../../core/retrain/recipe.js';

/**
 * Gaussian clusters around one random centre per class (from `seed`), L2-normalised like the model's
 * embeddings; `noiseSeed` draws other points around the same centres.
 */
function clusters(perClass: number[], dim: number, spread: number, seed: number, noiseSeed = seed): Array<{ embedding: Float32Array; label: number }> {
  const centreRandom = new SeededRandom(seed);
  const centres = perClass.map(() => Array.from({ length: dim }, () => centreRandom.normal()));
  const random = noiseSeed === seed ? centreRandom : new SeededRandom(noiseSeed);
  return perClass.flatMap((count, label) =>
    Array.from({ length: count }, () => {
      const values = centres[label].map((c) => c + spread * random.normal());
      const norm = Math.hypot(...values);
      return { embedding: Float32Array.from(values, (v) => v / norm), label };
    }),
  );
}

const uniform = (classes: number) => new Float32Array(classes).fill(1 / classes);
const argMax = (values: ArrayLike<number>) => Array.from(values).indexOf(Math.max(...Array.from(values)));

describe('retrain head', () => {
  it('training loss falls and a separable set is learned', () => {
    const data = clusters([30, 30, 30], 16, 0.3, 7);
    const examples: HeadExample[] = data.map((d) => ({ ...d, baseProbabilities: uniform(3) }));
    const labels = ['a', 'b', 'c'];
    const { head, epochLosses } = trainHead(examples, labels, ['a', 'b', 'c'], [0, 1, 2]);
    assert.ok(epochLosses.length >= DEFAULT_HEAD_OPTIONS.minEpochs);
    assert.ok(epochLosses.at(-1)! < epochLosses[0] / 3, `loss ${epochLosses[0]} → ${epochLosses.at(-1)}`);
    const correct = examples.filter((example) => argMax(applyHead(head, example.embedding, example.baseProbabilities)) === example.label).length;
    assert.equal(correct, examples.length);
    // New points around the same centres are classified too.
    const fresh = clusters([30, 30, 30], 16, 0.3, 7, 99);
    const freshCorrect = fresh.filter((point) => argMax(applyHead(head, point.embedding, uniform(3))) === point.label).length;
    assert.ok(freshCorrect >= 88, `${freshCorrect}/90 new points`);
  });

  it('keeps the shipped model’s opinion for a genre no fix is about, and learns an invented genre', () => {
    // Base labels x, y; the user only fixes tracks as y and as the new genre "new" (base says x for those).
    const data = clusters([40, 40, 40], 12, 0.25, 3);
    const base = [new Float32Array([0.9, 0.1]), new Float32Array([0.1, 0.9]), new Float32Array([0.8, 0.2])];
    const labels = ['x', 'y', 'new'];
    // Half of each cluster is fixed; the rest (x's cluster whole) is unconfirmed.
    const examples: HeadExample[] = data.map((d, i) => ({ ...d, baseProbabilities: base[d.label], label: d.label !== 0 && i % 2 === 0 ? d.label : null }));
    const { head } = trainHead(examples, labels, ['x', 'y'], [0, 1, -1]);
    const predicted = (label: number) => data.filter((d) => d.label === label).map((d) => labels[argMax(applyHead(head, d.embedding, base[d.label]))]);
    const invented = predicted(2).filter((genre) => genre === 'new').length;
    assert.ok(invented >= 36, `the invented genre is predicted for its tracks: ${invented}/40`);
    assert.ok(predicted(1).every((genre) => genre === 'y'));
    const unfixed = predicted(0).filter((genre) => genre === 'x').length;
    assert.ok(unfixed >= 36, `tracks of the unfixed genre x stay x: ${unfixed}/40`);
  });

  it('is deterministic for a seed', () => {
    const examples = clusters([10, 10], 8, 0.5, 1).map((d) => ({ ...d, baseProbabilities: uniform(2) }));
    const a = trainHead(examples, ['a', 'b'], ['a', 'b'], [0, 1]).head;
    const b = trainHead(examples, ['a', 'b'], ['a', 'b'], [0, 1]).head;
    assert.deepEqual(a, b);
  });

  it('weighs classes by n / (classes present × count)', () => {
    assert.deepEqual(balancedClassWeights([0, 0, 0, 1], 3), [4 / 6, 2, 0]);
  });
});

describe('retrain recipe', () => {
  it('validates with folds grouped by artist and reports out-of-fold accuracy', () => {
    const data = clusters([24, 24], 10, 0.3, 5);
    // 12 artists of 4 tracks each; one artist per class... every artist sings one genre.
    const examples = data.map((d, i) => ({ ...d, baseProbabilities: uniform(2), group: `artist:${d.label}-${Math.floor(i / 4)}` }));
    const progress: number[] = [];
    const output = runRetrain({ labels: ['a', 'b'], baseLabels: ['a', 'b'], baseIndex: [0, 1], examples, unconfirmed: [] }, (p) => progress.push(p.step));
    assert.ok(output.validation);
    assert.equal(output.validation.folds, 5);
    assert.equal(output.validation.groups, 12);
    assert.equal(output.validation.tracks, 48);
    assert.ok(output.validation.accuracy > 0.95, `accuracy ${output.validation.accuracy}`);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
  });

  it('skips validation with too few tracks or a single artist', () => {
    assert.equal(validationFolds([{ group: 'a' }, { group: 'b' }]), 0);
    assert.equal(validationFolds(Array.from({ length: 20 }, () => ({ group: 'one artist' }))), 0);
    assert.equal(validationFolds(Array.from({ length: 20 }, (_, i) => ({ group: `g${i % 3}` }))), 3);
  });
});
