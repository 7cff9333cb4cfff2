import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio, DecodeError } from '../../core/audio/decode.js';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';
import { analysisWindows, decodeAnalysisExcerpt, WINDOW_SECONDS } from '../../core/audio/windows.js';

const dir = mkdtempSync(join(tmpdir(), 'timbre-decode-'));

function synthesize(name: string, lavfi: string, extra: string[] = []): string {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', lavfi, ...extra, file]);
  return file;
}

test('resolveFfmpeg prefers TIMBRE_FFMPEG and explains a bad path', () => {
  assert.throws(() => resolveFfmpeg({ TIMBRE_FFMPEG: join(dir, 'missing-ffmpeg') }), /TIMBRE_FFMPEG/);
  const fake = join(dir, 'my-ffmpeg');
  writeFileSync(fake, '');
  assert.deepEqual(resolveFfmpeg({ TIMBRE_FFMPEG: fake }), { path: fake, source: 'TIMBRE_FFMPEG' });
  assert.equal(resolveFfmpeg({}).source === 'PATH' || resolveFfmpeg({}).source === 'ffmpeg-static', true);
});

test('decodes to mono float32 at 22,050 Hz', async () => {
  const file = synthesize('tone.flac', 'sine=frequency=441:duration=2:sample_rate=44100', ['-ac', '2']);
  const samples = await decodeAudio(file);
  assert.ok(Math.abs(samples.length - 2 * 22050) <= 32, `length ${samples.length}`);
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  // lavfi's sine has amplitude 1/8.
  assert.ok(Math.abs(peak - 0.125) < 0.01, `peak ${peak}`);
});

test('a file that is not audio gets a readable DecodeError', async () => {
  const file = join(dir, 'noise.flac');
  writeFileSync(file, Buffer.from('this is not a flac file at all'.repeat(20)));
  await assert.rejects(decodeAudio(file), (error: unknown) => {
    assert.ok(error instanceof DecodeError);
    assert.match(error.message, /invalid data|not a decodable|ffmpeg failed/);
    return true;
  });
});

test('analysisWindows: short tracks whole, long tracks three spread windows', () => {
  assert.deepEqual(analysisWindows(30), [{ offsetSeconds: 0, durationSeconds: 30 }]);
  assert.equal(analysisWindows(undefined)[0].offsetSeconds, 0);
  const long = analysisWindows(3 * 3600);
  assert.equal(long.length, 3);
  const centres = long.map((w) => (w.offsetSeconds + w.durationSeconds / 2) / (3 * 3600));
  [0.2, 0.5, 0.8].forEach((expected, i) => assert.ok(Math.abs(centres[i] - expected) < 1e-9, `centre ${centres[i]}`));
  assert.ok(long.every((w) => w.durationSeconds === WINDOW_SECONDS));
});

test('decodeAnalysisExcerpt of a long file decodes only its windows, in order', async () => {
  // A tone whose frequency rises with time: each window's pitch tells where it came from.
  const file = synthesize('chirp.ogg', "aevalsrc='0.5*sin(2*PI*(100+t*2)*t)':d=200:s=22050", ['-c:a', 'libvorbis']);
  const excerpt = await decodeAnalysisExcerpt(file, 200);
  assert.equal(excerpt.windows.length, 3);
  const seconds = excerpt.samples.length / 22050;
  assert.ok(Math.abs(seconds - 3 * WINDOW_SECONDS) < 0.5, `decoded ${seconds} s`);
  const crossingsPerSecond = (from: number) => {
    let count = 0;
    const start = Math.round(from * 22050);
    for (let i = start + 1; i < start + 22050; i++) {
      if (excerpt.samples[i - 1] < 0 && excerpt.samples[i] >= 0) count++;
    }
    return count;
  };
  const rates = [5, 25, 45].map(crossingsPerSecond);
  assert.ok(rates[0] < rates[1] && rates[1] < rates[2], `instantaneous frequencies ${rates}`);
});
