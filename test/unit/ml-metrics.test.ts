import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationReport, confusionMatrix } from '../../core/ml/metrics.js';
import { groupedFolds } from '../../core/ml/splits.js';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

test('confusion matrix counts truth rows against predicted columns', () => {
  assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3), [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
});

test('accuracy, kappa, macro-F1 and per-class scores match a hand-computed example', () => {
  // truth a a a a b b b c c c ; predicted a a a b b b c c c a
  const truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0];
  const report = classificationReport(truth, predicted, ['a', 'b', 'c']);
  assert.deepEqual(report.confusion, [
    [3, 1, 0],
    [0, 2, 1],
    [1, 0, 2],
  ]);
  close(report.accuracy, 0.7);
  // p_e = (4·4 + 3·3 + 3·3) / 100 = 0.34; kappa = (0.7 − 0.34) / 0.66
  close(report.kappa, 0.36 / 0.66);
  // a: P 3/4 R 3/4 F1 0.75; b: P 2/3 R 2/3; c: P 2/3 R 2/3
  close(report.perClass.a.precision, 0.75);
  close(report.perClass.a.recall, 0.75);
  close(report.perClass.b.precision, 2 / 3);
  close(report.perClass.c.recall, 2 / 3);
  close(report.macroF1, (0.75 + 2 / 3 + 2 / 3) / 3);
  assert.equal(report.perClass.a.support, 4);
  assert.equal(report.n, 10);
});

test('a class never predicted gets precision 0 (sklearn zero_division=0) and kappa 0 for constant predictions', () => {
  const report = classificationReport([0, 1, 1, 0], [0, 0, 0, 0], ['x', 'y']);
  close(report.accuracy, 0.5);
  close(report.kappa, 0);
  assert.equal(report.perClass.y.precision, 0);
  assert.equal(report.perClass.y.f1, 0);
  close(report.perClass.x.f1, 2 / 3);
});

test('grouped folds keep every group in one fold and balance labels', () => {
  const items = Array.from({ length: 120 }, (_, i) => ({ label: i % 4, group: `artist${Math.floor(i / 3) % 30}` }));
  const folds = groupedFolds(items, 5, 3, 4);
  const foldOfGroup = new Map<string, number>();
  items.forEach((item, i) => {
    assert.ok(folds[i] >= 0 && folds[i] < 5);
    const seen = foldOfGroup.get(item.group);
    if (seen !== undefined) assert.equal(folds[i], seen, `${item.group} straddles folds`);
    foldOfGroup.set(item.group, folds[i]);
  });
  for (let fold = 0; fold < 5; fold++) {
    const size = folds.filter((f) => f === fold).length;
    assert.ok(size >= 16 && size <= 32, `fold ${fold} has ${size} items`);
  }
  assert.deepEqual(groupedFolds(items, 5, 3, 4), folds, 'the same seed gives the same folds');
  assert.throws(() => groupedFolds(items.slice(0, 3), 5, 1, 4), /groups/);
});
