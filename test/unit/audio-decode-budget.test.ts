import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { decodeAudio, decodeAudioBatch } from '../../core/audio/decode.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

const BUDGET_MS = 2000;
const skip = process.platform === 'win32' ? 'named pipes are a POSIX test device' : false;

/** A file ffmpeg waits on for ever: a named pipe nobody writes to. */
function stuckFile(dir: string): string {
  const path = join(dir, 'stuck.wav');
  execFileSync('mkfifo', [path]);
  return path;
}

describe('a decode time budget per file', { skip }, () => {
  it('a file that keeps ffmpeg waiting fails alone once its budget is spent', async () => {
    const temp = makeTempDir();
    try {
      const started = performance.now();
      await assert.rejects(decodeAudio(stuckFile(temp.dir), { budgetMs: BUDGET_MS }), /decoding took longer than 2 s and was stopped/);
      assert.ok(performance.now() - started < BUDGET_MS + 3000);
    } finally {
      temp.cleanup();
    }
  });

  it('its batch finishes: the other files are decoded, within about two budgets', async () => {
    const temp = makeTempDir();
    try {
      const good = [0, 1, 2].map((i) => {
        const path = join(temp.dir, `good-${i}.wav`);
        writeWav(path, toneSamples(1, { frequency: 300 + 100 * i }));
        return path;
      });
      const items = [good[0], stuckFile(temp.dir), good[1], good[2]].map((file) => ({ file }));
      const started = performance.now();
      const results = await decodeAudioBatch(items, { budgetMs: BUDGET_MS });
      const elapsed = performance.now() - started;
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason), /took longer than 2 s/);
      for (const index of [0, 2, 3]) assert.ok((results[index] as PromiseFulfilledResult<Float32Array>).value.length > 20_000);
      assert.ok(elapsed < 2 * BUDGET_MS + 5000, `the batch took ${elapsed} ms`);
    } finally {
      temp.cleanup();
    }
  });
});
