import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodedEnd, findTruncation } from '../../core/audio/integrity.js';
import { planExcerpt } from '../../core/audio/windows.js';

const SR = 22050;

describe('truncation from the analysis excerpt', () => {
  it('a short file decoded whole: the end is where the decode stopped', () => {
    const plan = planExcerpt(30);
    assert.deepEqual(decodedEnd(plan, 2.9 * SR, SR), { endSeconds: 2.9, beforeSeconds: null });
    assert.equal(findTruncation(30, plan, 2.9 * SR, SR)?.problem, 'truncated: the audio ends at 0:03 of 0:30 (the header\'s length)');
    assert.equal(findTruncation(30, plan, 30 * SR, SR), null, 'whole');
    assert.equal(findTruncation(30, plan, 29 * SR, SR), null, 'within the slack of a header estimate');
    assert.equal(findTruncation(null, plan, 2 * SR, SR), null, 'no header length to compare');
  });

  it('a middle window cut short, and three windows of which the last came back empty', () => {
    assert.equal(findTruncation(60, planExcerpt(60), 15 * SR, SR)?.decodedSeconds, 30);
    const plan = planExcerpt(240);
    const truncation = findTruncation(240, plan, 20 * SR, SR)!;
    assert.equal(truncation.problem, "truncated: the audio ends between 2:05 and 3:07 of 4:00 (the header's length)");
    assert.equal(truncation.decodedSeconds, 125);
    assert.equal(findTruncation(240, plan, 30 * SR, SR), null, 'every window full: nothing to say');
  });
});
