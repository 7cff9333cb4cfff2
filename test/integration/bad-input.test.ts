import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createCore } from '../../core/index.js';
import { WINDOW_SECONDS } from '../../core/audio/windows.js';
import { synthesize, toneSamples, writeWav } from '../helpers/audio.js';
import { listTracksJson, runTimbre, TIMBRE_BIN } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

type TrackJson = Awaited<ReturnType<typeof listTracksJson>>[number];

/**
 * A folder of hostile inputs scanned by the real CLI: each file is either analysed or carries a
 * readable error, the scan completes with exit 0, and `timbre tracks --json` shows every outcome.
 */
describe('bad input', () => {
  const temp = makeTempDir();
  const music = join(temp.dir, 'music');
  const db = join(temp.dir, 'library.db');
  const longName = `${'a'.repeat(240)}.wav`;
  const deepDir = join(music, ...Array.from({ length: 12 }, (_, i) => `${'deep'.repeat(20)}${i}`));
  let tracks: TrackJson[] = [];
  let scanStderr = '';
  const track = (relative: string) => tracks.find((candidate) => candidate.path === join(music, relative));

  before(async () => {
    mkdirSync(music);
    writeFileSync(join(music, 'empty.mp3'), '');
    synthesize(join(temp.dir, 'whole.mp3'), { seconds: 4, outputArgs: ['-b:a', '64k'] });
    const whole = readFileSync(join(temp.dir, 'whole.mp3'));
    writeFileSync(join(music, 'truncated.mp3'), whole.subarray(0, Math.floor(whole.length * 0.4)));
    writeFileSync(join(music, 'random.flac'), randomBytes(50_000));
    writeFileSync(join(music, 'random.mp3'), pseudoRandomBytes(50_000));
    mkdirSync(join(music, 'x.mp3'));
    writeWav(join(music, 'x.mp3', 'inside.wav'), toneSamples(1));
    symlinkSync(music, join(music, 'x.mp3', 'loop-to-top'));
    symlinkSync('self-loop.mp3', join(music, 'self-loop.mp3'));
    writeFileSync(Buffer.concat([Buffer.from(`${music}/caf`), Buffer.from([0xe9]), Buffer.from('.wav')]), readFileSync(join(music, 'x.mp3', 'inside.wav')));
    writeWav(join(music, longName), toneSamples(1));
    mkdirSync(deepDir, { recursive: true });
    writeWav(join(deepDir, 'deep.wav'), toneSamples(1));
    writeThreeHourMp3(join(music, 'three-hours.mp3'), temp.dir);

    const result = await runTimbre(['scan', music, '--db', db, '--jobs', '2']);
    scanStderr = result.stderr;
    assert.equal(result.code, 0, result.stderr);
    tracks = await listTracksJson(db);
  });
  after(() => temp.cleanup());

  it('scan completes and every track ends analysed or with an error', () => {
    assert.match(scanStderr, /analysed \d+ tracks/);
    for (const t of tracks) {
      assert.ok(t.status === 'done' || (t.status === 'error' && typeof t.error === 'string' && t.error.length > 5), `${t.path}: ${t.status}`);
    }
  });

  it('a zero-byte file gets "empty"', () => {
    assert.deepEqual([track('empty.mp3')?.status, track('empty.mp3')?.error], ['error', 'the file is empty (0 bytes)']);
  });

  it('a truncated MP3 is analysed from the part that is there', () => {
    assert.equal(track('truncated.mp3')?.status, 'done');
  });

  it('random bytes named .flac or .mp3 get a decode error that says so', () => {
    for (const file of ['random.flac', 'random.mp3']) {
      assert.equal(track(file)?.status, 'error', file);
      assert.match(track(file)!.error!, /could not decode the audio: not a decodable audio file/, file);
    }
  });

  it('a directory named x.mp3 is a folder: its contents are analysed, it is no track', () => {
    assert.equal(track('x.mp3'), undefined);
    assert.equal(track('x.mp3/inside.wav')?.status, 'done');
  });

  it('symlink loops end: a looping link is an error, a cycle back to the top adds no duplicates', () => {
    assert.deepEqual([track('self-loop.mp3')?.status, track('self-loop.mp3')?.error], ['error', 'symbolic link loop']);
    assert.equal(tracks.filter((t) => t.path.endsWith('inside.wav')).length, 1);
  });

  it('a non-UTF-8 name is analysed', () => {
    const latin1 = tracks.find((t) => t.path.startsWith(join(music, 'caf')));
    assert.equal(latin1?.status, 'done', latin1?.error ?? '');
  });

  it('very long names and deep paths are analysed', () => {
    assert.equal(track(longName)?.status, 'done');
    assert.ok(join(deepDir, 'deep.wav').length > 1000);
    assert.equal(tracks.find((t) => t.path === join(deepDir, 'deep.wav'))?.status, 'done');
  });

  it('a 3-hour file is analysed from windows, not decoded whole', async () => {
    const long = track('three-hours.mp3')!;
    assert.equal(long.status, 'done', long.error ?? '');
    assert.ok((long.durationSec as number) > 3 * 3600 - 60, `duration ${long.durationSec}`);
    const core = await createCore({ dbPath: db, autoStart: false, jobs: 1 });
    try {
      const preview = core.library.getTrack(long.id as number)!.melPreview!;
      const analysedSeconds = preview.frames * preview.secondsPerFrame;
      assert.ok(Math.abs(analysedSeconds - 3 * WINDOW_SECONDS) < 2, `analysed ${analysedSeconds} s of audio`);
    } finally {
      await core.shutdown();
    }
  });
});

describe('bad input: unreadable file (chmod 000)', () => {
  it('records "permission denied" for a reader without permission; root, which ignores file modes, analyses it', async (t) => {
    const temp = makeTempDir();
    try {
      const music = join(temp.dir, 'music');
      mkdirSync(music);
      writeWav(join(music, 'locked.wav'), toneSamples(1));
      chmodSync(join(music, 'locked.wav'), 0o000);
      const asRoot = process.getuid?.() === 0;
      // Root reads anyway, so the denied branch runs as user nobody, which must reach node, the checkout and the folder.
      if (asRoot) {
        chmodSync(temp.dir, 0o777);
        chmodSync(music, 0o755);
      }
      const unprivileged = asRoot ? (nobodyCanRunTimbre() ? { uid: NOBODY, gid: NOBODY } : null) : {};
      t.diagnostic(
        !asRoot
          ? 'running unprivileged: checking the denied branch'
          : unprivileged
            ? 'running as root: the denied branch runs as uid 65534 (nobody), then root analyses the file'
            : 'running as root and user nobody cannot run this checkout: only the root branch (analysed) is checked',
      );
      if (unprivileged) {
        const db = join(temp.dir, 'library.db');
        const result = await runTimbre(['scan', music, '--db', db, '--jobs', '1'], unprivileged);
        assert.equal(result.code, 0, result.stderr);
        const [locked] = await listTracksJson(db);
        assert.equal(locked.status, 'error');
        assert.equal(locked.error, 'permission denied: the file is not readable');
      }
      if (asRoot) {
        const rootDb = join(temp.dir, 'root.db');
        assert.equal((await runTimbre(['scan', music, '--db', rootDb, '--jobs', '1'])).code, 0);
        assert.equal((await listTracksJson(rootDb))[0].status, 'done');
      }
    } finally {
      temp.cleanup();
    }
  });
});

const NOBODY = 65534;

function nobodyCanRunTimbre(): boolean {
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(TIMBRE_BIN)}, 4)`], { uid: NOBODY, gid: NOBODY });
  return probe.status === 0;
}

describe('bad input: file deleted between listing and decoding', () => {
  it('records "file not found" and the run goes on', async () => {
    const temp = makeTempDir();
    try {
      const music = join(temp.dir, 'music');
      mkdirSync(music);
      writeWav(join(music, 'stays.wav'), toneSamples(1));
      writeWav(join(music, 'vanishes.wav'), toneSamples(1, { frequency: 330 }));
      const db = join(temp.dir, 'library.db');
      const core = await createCore({ dbPath: db, jobs: 1, autoStart: false });
      try {
        const folder = await core.library.addFolder(music);
        const scan = await core.library.scanFolder(folder.id);
        assert.equal(scan.queued, 2);
        rmSync(join(music, 'vanishes.wav'));
        core.library.resume();
        await core.library.whenIdle();
      } finally {
        await core.shutdown();
      }
      const tracks = await listTracksJson(db);
      const vanished = tracks.find((t) => t.path.endsWith('vanishes.wav'))!;
      assert.deepEqual([vanished.status, vanished.error], ['error', 'file not found (deleted or moved after the scan)']);
      assert.equal(tracks.find((t) => t.path.endsWith('stays.wav'))!.status, 'done');
    } finally {
      temp.cleanup();
    }
  });
});

/**
 * A 3-hour MP3 made cheaply: 10 s of 8 kbit/s mono MP3 frames (no Xing/ID3 headers) repeated; MP3 frames
 * are self-contained, so the concatenation is one valid 3-hour stream of about 11 MB.
 */
function writeThreeHourMp3(path: string, scratch: string): void {
  const chunkPath = join(scratch, 'chunk.mp3');
  synthesize(chunkPath, {
    source: 'sine=frequency=330:sample_rate=8000',
    seconds: 10,
    outputArgs: ['-ac', '1', '-b:a', '8k', '-write_xing', '0', '-id3v2_version', '0', '-write_id3v1', '0'],
  });
  const chunk = readFileSync(chunkPath);
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < (3 * 3600) / 10; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Fixed noise (a SHA-256 chain): ffmpeg guesses a format from these bytes the same way on every run. */
function pseudoRandomBytes(length: number): Buffer {
  const blocks: Buffer[] = [];
  let block = createHash('sha256').update('timbre bad input').digest();
  for (let total = 0; total < length; total += block.length) {
    blocks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(blocks).subarray(0, length);
}
