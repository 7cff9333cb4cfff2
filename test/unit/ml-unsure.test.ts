import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideGenre } from '../../core/ml/unsure.js';

describe('decideGenre', () => {
  it('names the top genre at or above the threshold', () => {
    const decision = decideGenre({ rock: 0.2, jazz: 0.7, pop: 0.1 }, 0.7);
    assert.equal(decision.genre, 'jazz');
    assert.equal(decision.confidence, 0.7);
    assert.deepEqual(decision.candidates.map((candidate) => candidate.genre), ['jazz', 'rock', 'pop']);
  });

  it('is unsure below the threshold, and still gives the candidates', () => {
    const decision = decideGenre({ rock: 0.35, pop: 0.4, jazz: 0.25 }, 0.5, 2);
    assert.equal(decision.genre, null);
    assert.equal(decision.confidence, 0.4);
    assert.deepEqual(decision.candidates, [
      { genre: 'pop', probability: 0.4 },
      { genre: 'rock', probability: 0.35 },
    ]);
  });

  it('breaks ties by label order and ignores non-finite values', () => {
    assert.equal(decideGenre({ b: 0.6, a: 0.6, c: Number.NaN }, 0.5).genre, 'b');
    assert.deepEqual(decideGenre({}, 0.5), { genre: null, confidence: 0, candidates: [] });
  });
});
