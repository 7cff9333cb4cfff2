import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closePairs, type DuplicateCandidate } from '../../core/duplicates/find.js';
import { PROFILE_DIMS } from '../../core/duplicates/profile.js';
import { seededUniform } from '../../core/ml/random.js';

/** The rule closePairs applies, checked on every pair: lengths within 1 s or 1 %, profiles within 1.5 + 3 % of the larger norm. */
function bruteForce(candidates: readonly DuplicateCandidate[]): string[] {
  const norm = (p: Float32Array) => Math.hypot(...p);
  const found: string[] = [];
  for (const a of candidates) {
    for (const b of candidates) {
      if (a.trackId >= b.trackId || !a.profile || !b.profile || !a.durationSec || !b.durationSec) continue;
      const slack = Math.max(1, 0.01 * Math.min(a.durationSec, b.durationSec));
      if (Math.abs(a.durationSec - b.durationSec) > slack) continue;
      let sum = 0;
      for (let d = 0; d < PROFILE_DIMS; d++) sum += (a.profile[d] - b.profile[d]) ** 2;
      const limit = 1.5 + 0.03 * Math.max(norm(a.profile), norm(b.profile));
      if (sum <= limit * limit) found.push(`${a.trackId}:${b.trackId}`);
    }
  }
  return found.sort();
}

test('closePairs finds exactly the pairs a comparison of every pair finds, across cell edges and equal lengths', () => {
  const random = seededUniform(3);
  const candidates: DuplicateCandidate[] = [];
  const base = (id: number, durationSec: number | null, profile: Float32Array | null): DuplicateCandidate => ({ trackId: id, path: `/m/${id}`, size: id, contentFingerprint: null, durationSec, profile });
  for (let id = 1; id <= 1500; id++) {
    const previous = candidates.at(-1);
    if (previous?.profile && id % 3 === 0) {
      // A near copy: some within the tolerance, some just past it, in length or profile.
      const spread = id % 4 === 0 ? 6 : 3;
      const profile = previous.profile.map((value) => value + (random() - 0.5) * spread);
      const duration = previous.durationSec! + (id % 2 ? 0 : (random() - 0.3) * 5);
      candidates.push(base(id, duration, profile));
    } else {
      const profile = Float32Array.from({ length: PROFILE_DIMS }, (_, d) => (d === 0 ? -200 : 0) + (random() - 0.5) * 80);
      candidates.push(base(id, id % 50 === 0 ? null : 30 + Math.round(random() * 40), id % 70 === 0 ? null : profile));
    }
  }
  const found = closePairs(candidates).map(([a, b]) => (a < b ? `${a}:${b}` : `${b}:${a}`));
  assert.equal(new Set(found).size, found.length, 'each pair once');
  const expected = bruteForce(candidates);
  assert.ok(expected.length > 100 && expected.length < 450, `${expected.length} close pairs of 500 near copies`);
  assert.deepEqual(found.sort(), expected);
});
