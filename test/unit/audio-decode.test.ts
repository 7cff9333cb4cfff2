import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeAudio,
  decodeAudioBatch,
  DecodeError,
  DecodeErrorLog,
  openUnlinkedTemporary,
  StoppedDecodeError,
  temporaryDirectory,
  type TemporaryOpener,
} from '../../core/audio/decode.js';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';
import {
  decodeAnalysisExcerpt,
  EXCERPT_SECONDS,
  excerptFromDecoded,
  MIDDLE_EXCERPT_LIMIT_SECONDS,
  planExcerpt,
  WINDOW_SECONDS,
} from '../../core/audio/windows.js';
import { processState, zombieChildren } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

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

test('planExcerpt: 30 s of audio per track, long tracks from three spread windows', () => {
  assert.deepEqual(planExcerpt(60), { decodeWindows: [{ offsetSeconds: 15, durationSeconds: EXCERPT_SECONDS }], keepMiddle: false });
  for (const unsure of [undefined, null, 0, Number.NaN, 20]) {
    assert.deepEqual(planExcerpt(unsure), { decodeWindows: [{ offsetSeconds: 0, durationSeconds: MIDDLE_EXCERPT_LIMIT_SECONDS }], keepMiddle: true });
  }
  const long = planExcerpt(3 * 3600);
  assert.equal(long.decodeWindows.length, 3);
  const centres = long.decodeWindows.map((w) => (w.offsetSeconds + w.durationSeconds / 2) / (3 * 3600));
  [0.2, 0.5, 0.8].forEach((expected, i) => assert.ok(Math.abs(centres[i] - expected) < 1e-9, `centre ${centres[i]}`));
  assert.ok(long.decodeWindows.every((w) => w.durationSeconds === WINDOW_SECONDS));
});

test('excerptFromDecoded keeps the middle 30 s of audio decoded from the start, whatever the tags said', () => {
  const plan = planExcerpt(null);
  const decoded = Float32Array.from({ length: 50 * 22050 }, (_, i) => i);
  const excerpt = excerptFromDecoded(plan, decoded);
  assert.equal(excerpt.samples.length, EXCERPT_SECONDS * 22050);
  assert.equal(excerpt.samples[0], 10 * 22050);
  assert.deepEqual(excerpt.windows, [{ offsetSeconds: 10, durationSeconds: EXCERPT_SECONDS }]);
  const short = excerptFromDecoded(plan, decoded.subarray(0, 12 * 22050));
  assert.equal(short.samples.length, 12 * 22050);
  assert.deepEqual(short.windows, [{ offsetSeconds: 0, durationSeconds: 12 }]);
});

test('decodeAnalysisExcerpt of a 60-s file decodes its middle 30 s', async () => {
  const file = synthesize('minute.ogg', "aevalsrc='0.5*sin(2*PI*(100+t*2)*t)':d=60:s=22050", ['-c:a', 'libvorbis']);
  const tagged = await decodeAnalysisExcerpt(file, 60);
  const untagged = await decodeAnalysisExcerpt(file);
  for (const excerpt of [tagged, untagged]) {
    assert.ok(Math.abs(excerpt.samples.length / 22050 - EXCERPT_SECONDS) < 0.1, `decoded ${excerpt.samples.length / 22050} s`);
    assert.ok(Math.abs(excerpt.windows[0].offsetSeconds - 15) < 0.1, `offset ${excerpt.windows[0].offsetSeconds}`);
  }
  // The seek lands where the middle starts: both excerpts hold the same audio.
  let largest = 0;
  for (let i = 22050; i < 2 * 22050; i++) largest = Math.max(largest, Math.abs(tagged.samples[i] - untagged.samples[i]));
  assert.ok(largest < 0.05, `largest difference ${largest}`);
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
  const rates = [0, 1, 2].map((window) => crossingsPerSecond((window + 0.5) * WINDOW_SECONDS));
  assert.ok(rates[0] < rates[1] && rates[1] < rates[2], `instantaneous frequencies ${rates}`);
});

test('decodeAudioBatch decodes several files in one ffmpeg process, sample for sample as decodeAudio does', async () => {
  const tone = synthesize('batch-tone.wav', 'sine=frequency=330:duration=3:sample_rate=44100', ['-ac', '2']);
  const long = synthesize('batch-long.ogg', "aevalsrc='0.5*sin(2*PI*(100+t*2)*t)':d=40:s=22050", ['-c:a', 'libvorbis']);
  const items = [
    { file: tone },
    { file: long, windows: [{ offsetSeconds: 5, durationSeconds: 2 }] },
    { file: long, windows: [{ offsetSeconds: 1, durationSeconds: 1 }, { offsetSeconds: 30, durationSeconds: 1.5 }] },
  ];
  const batch = await decodeAudioBatch(items);
  for (const [i, item] of items.entries()) {
    const result = batch[i];
    assert.equal(result.status, 'fulfilled');
    if (result.status !== 'fulfilled') continue;
    assert.deepEqual(result.value, await decodeAudio(item.file, { windows: item.windows }), `item ${i}`);
  }
});

test('decodeAudioBatch: a bad file or one without audio in the window keeps its own error, the others decode', async () => {
  const tone = synthesize('batch-good.flac', 'sine=frequency=220:duration=2:sample_rate=22050');
  const garbage = join(dir, 'batch-garbage.flac');
  writeFileSync(garbage, Buffer.from('random bytes, not audio '.repeat(50)));
  const [good, bad, pastTheEnd] = await decodeAudioBatch([
    { file: tone },
    { file: garbage },
    { file: tone, windows: [{ offsetSeconds: 60, durationSeconds: 5 }] },
  ]);
  assert.equal(good.status === 'fulfilled' && Math.round(good.value.length / 22050), 2);
  assert.ok(bad.status === 'rejected' && bad.reason instanceof DecodeError);
  assert.match((bad as PromiseRejectedResult).reason.message, /invalid data|not a decodable/);
  assert.ok(pastTheEnd.status === 'rejected' && /no audio/.test((pastTheEnd.reason as Error).message));
});

/** An MP3 with a block of garbage bytes written over its middle, beside the clean one it was made from. */
function damagedMp3(): { clean: string; damaged: string } {
  const clean = synthesize('whole.mp3', 'sine=frequency=440:duration=20:sample_rate=44100', ['-c:a', 'libmp3lame', '-b:a', '128k']);
  const bytes = readFileSync(clean);
  let state = 12345;
  const middle = Math.floor(bytes.length / 2);
  for (let i = 0; i < 16_000; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[middle + i] = state >>> 24;
  }
  const damaged = join(dir, 'damaged.mp3');
  writeFileSync(damaged, bytes);
  return { clean, damaged };
}

test('decodeAudioBatch tells which file of a batch ffmpeg decoded with errors, and decodes it still', async () => {
  const { clean, damaged } = damagedMp3();
  const reported = new Map<number, { count: number; first: string }>();
  const items = [{ file: clean }, { file: damaged, windows: [{ offsetSeconds: 2, durationSeconds: 6 }, { offsetSeconds: 8, durationSeconds: 6 }] }, { file: clean, windows: [{ offsetSeconds: 5, durationSeconds: 10 }] }];
  const results = await decodeAudioBatch(items, { onDecodeErrors: (item, errors) => reported.set(item, errors) });
  assert.ok(results.every((result) => result.status === 'fulfilled'));
  assert.deepEqual([...reported.keys()], [1]);
  assert.ok(reported.get(1)!.count > 0);
  assert.match(reported.get(1)!.first, /Invalid data|missing|corrupt|error/i);

  const alone: Array<{ count: number }> = [];
  await decodeAudio(damaged, { onDecodeErrors: (errors) => alone.push(errors) });
  await decodeAudio(clean, { onDecodeErrors: (errors) => alone.push(errors) });
  assert.equal(alone.length, 1, 'decoded alone, the damaged file is reported and the clean one is not');
});

test('DecodeErrorLog counts errors by the input ffmpeg names, with the decoder line that explains them', () => {
  const log = new DecodeErrorLog();
  log.push('[mp3float @ 0x5649312e0f80] Header missing\nError while decoding stream #3:0: Invalid data found when processing input\nError while dec');
  log.push('oding stream #3:0: Invalid data found when processing input\n[aist#5:0/flac @ 0x55] [dec:flac @ 0x56] Error submitting packet to decoder: Invalid data found when processing input\n');
  log.push('[mp3 @ 0x1] Estimating duration from bitrate, this may be inaccurate');
  const errors = log.end();
  assert.deepEqual([...errors.keys()], [3, 5]);
  assert.deepEqual(errors.get(3), { count: 2, first: 'Header missing: Invalid data found when processing input' });
  assert.equal(errors.get(5)!.count, 1);
});

/** This process's open descriptors, where the system lists them (Linux); null elsewhere. */
function openDescriptors(): number | null {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : null;
}

/** Temporary PCM files of this process still in the folder. */
function leftoverTemporaries(): string[] {
  return readdirSync(temporaryDirectory()).filter((name) => name.startsWith(`timbre-pcm-${process.pid}-`));
}

test('openUnlinkedTemporary: when the name cannot be removed (Windows keeps open files), no descriptor or file is left', () => {
  const before = openDescriptors();
  const refuse = () => {
    throw Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });
  };
  assert.throws(() => openUnlinkedTemporary(refuse), /EPERM/);
  assert.deepEqual(leftoverTemporaries(), []);
  assert.equal(openDescriptors(), before);
});

test('decodeAudioBatch without temporary files decodes each file alone, with the same samples and its own errors', async () => {
  const tone = synthesize('alone-tone.wav', 'sine=frequency=440:duration=2:sample_rate=22050');
  const garbage = join(dir, 'alone-garbage.flac');
  writeFileSync(garbage, Buffer.from('random bytes, not audio '.repeat(50)));
  const before = openDescriptors();
  let opened = 0;
  // The second output cannot be had: the first one must be closed, and every file decoded alone.
  const refuse = () => {
    throw new Error('EPERM: operation not permitted');
  };
  const failSecond = () => openUnlinkedTemporary(++opened === 2 ? refuse : undefined);
  const [good, bad, windowed] = await decodeAudioBatch(
    [{ file: tone }, { file: garbage }, { file: tone, windows: [{ offsetSeconds: 0.5, durationSeconds: 1 }] }],
    {},
    failSecond,
  );
  assert.equal(opened, 2);
  assert.ok(good.status === 'fulfilled');
  assert.deepEqual(good.value, await decodeAudio(tone));
  assert.ok(bad.status === 'rejected' && /invalid data|not a decodable/.test((bad.reason as Error).message));
  assert.ok(windowed.status === 'fulfilled' && Math.round(windowed.value.length / 22050) === 1);
  assert.deepEqual(leftoverTemporaries(), []);
  assert.equal(openDescriptors(), before);
});

test('decodeAudioBatch stopped by its signal answers once its ffmpeg is killed and reaped, and decodes nothing alone after', async () => {
  const tone = synthesize('stop-tone.wav', 'sine=frequency=440:duration=1:sample_rate=22050');
  // Opening a named pipe waits for a writer, which never comes: ffmpeg hangs, as on a stalled network mount.
  const stalled = join(dir, 'stalled.wav');
  execFileSync('mkfifo', [stalled]);
  const noTemporary: TemporaryOpener = () => {
    throw new Error('EPERM: operation not permitted');
  };
  // Batched, and with every file decoded alone (Windows, or no temporary file): the tone first, then the pipe.
  for (const [openTemporary, expected, ffmpegRuns] of [
    [openUnlinkedTemporary, ['stopped', 'stopped'], 1],
    [noTemporary, ['decoded', 'stopped'], 2],
  ] as const) {
    const abort = new AbortController();
    const processes: number[] = [];
    let stalledPid = 0;
    const answer = decodeAudioBatch(
      [{ file: tone }, { file: stalled }],
      {
        signal: abort.signal,
        onProcess: (items, pid) => {
          if (pid !== null) processes.push(pid);
          if (pid !== null && items.includes(1)) stalledPid = pid;
        },
      },
      openTemporary,
    );
    await waitFor('ffmpeg to open the pipe', () => stalledPid > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    abort.abort();
    const results = await answer;
    assert.equal(processState(stalledPid), '', 'reaped before the batch answered');
    assert.deepEqual(
      results.map((result) => (result.status === 'fulfilled' ? 'decoded' : result.reason instanceof StoppedDecodeError ? 'stopped' : String(result.reason))),
      expected,
    );
    assert.equal(processes.length, ffmpegRuns, 'no file is decoded alone after the stop');
  }
  assert.deepEqual(zombieChildren(), []);
});
