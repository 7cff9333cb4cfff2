import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusionReport, type ConfusionPair } from '../../core/retrain/confusion.js';

describe('confusion report', () => {
  it('counts, row-normalises and scores a hand-computed example', () => {
    const cell = (confirmed: string, predicted: string, times: number) => Array.from({ length: times }, () => ({ confirmed, predicted }));
    const pairs: ConfusionPair[] = [
      ...cell('Jazz', 'Jazz', 2),
      ...cell('Jazz', 'Rock', 1),
      ...cell('Rock', 'Rock', 3),
      ...cell('Rock', 'Jazz', 1),
      ...cell('Rock', 'Blues', 1),
      ...cell('Pop', 'Rock', 1),
    ].map((pair, i) => ({ ...pair, trackId: i + 1 }));
    const report = confusionReport({ id: 3, name: 'm 1 + fixes #1' }, pairs);
    assert.equal(report.versionId, 3);
    assert.equal(report.versionName, 'm 1 + fixes #1');
    assert.deepEqual(report.labels, ['Blues', 'Jazz', 'Pop', 'Rock']);
    assert.deepEqual(report.counts, [
      [0, 0, 0, 0],
      [0, 2, 0, 1],
      [0, 0, 0, 1],
      [1, 1, 0, 3],
    ]);
    assert.deepEqual(report.rowNormalised, [
      [0, 0, 0, 0],
      [0, 2 / 3, 0, 1 / 3],
      [0, 0, 0, 1],
      [0.2, 0.2, 0, 0.6],
    ]);
    assert.equal(report.tracks, 9);
    assert.equal(report.accuracy, 5 / 9);
    // Chance agreement: (0·1 + 3·3 + 1·0 + 5·5) / 81 = 34/81; kappa = (45/81 − 34/81) / (47/81) = 11/47.
    assert.ok(Math.abs(report.kappa! - 11 / 47) < 1e-12, `kappa ${report.kappa}`);
    assert.deepEqual(report.perClass, [
      { genre: 'Blues', precision: 0, recall: null, support: 0 },
      { genre: 'Jazz', precision: 2 / 3, recall: 2 / 3, support: 3 },
      { genre: 'Pop', precision: null, recall: 0, support: 1 },
      { genre: 'Rock', precision: 3 / 5, recall: 3 / 5, support: 5 },
    ]);
  });

  it('has no accuracy or kappa without tracks, and no kappa when chance agreement is total', () => {
    const empty = confusionReport({ id: 1, name: 'm' }, []);
    assert.deepEqual([empty.labels, empty.counts, empty.accuracy, empty.kappa, empty.tracks], [[], [], null, null, 0]);
    const single = confusionReport({ id: 1, name: 'm' }, [{ trackId: 1, confirmed: 'Rock', predicted: 'Rock' }]);
    assert.equal(single.accuracy, 1);
    assert.equal(single.kappa, null);
  });
});
