import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSignal } from '../../core/features/analyze.js';
import { initBackend } from '../../core/ml/backend.js';
import { loadClassifier } from '../../core/ml/classifier.js';
import { decideGenre } from '../../core/ml/unsure.js';
import { outsideTheTreeSounds } from '../helpers/outside-audio.js';

before(async () => {
  await initBackend();
});

test('the shipped model leaves sounds outside the genre tree (noise, a speech-like voice, sound effects) unsure', async () => {
  const classifier = await loadClassifier();
  try {
    assert.ok(classifier.labels.includes('Soundtrack') && classifier.labels.length >= 17, 'the default model names the tree\'s families');
    const decisions = outsideTheTreeSounds().map(({ name, samples }) => {
      const { melDb, fma518 } = analyzeSignal(samples);
      const prediction = classifier.classifyMel(melDb, fma518);
      return { name, ...decideGenre(prediction.probabilities, prediction.unsureThreshold) };
    });
    for (const decision of decisions) {
      assert.equal(decision.genre, null, `${decision.name}: named ${decision.genre} at ${decision.confidence.toFixed(2)} (candidates ${decision.candidates.map((c) => c.genre).join(', ')})`);
      assert.ok(decision.candidates.length > 0);
    }
  } finally {
    classifier.dispose();
  }
});
