import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdirSync, readFileSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTags } from '../../core/library/tags.js';
import { synthesize } from '../helpers/audio.js';
import { listTracksJson, runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

/**
 * Files that lie about their length: made whole with ffmpeg, then cut short in their bytes, so the
 * header (FLAC's STREAMINFO, the MP3's Xing frame count) still gives the full length.
 */
describe('truncated files', () => {
  const temp = makeTempDir('timbre-integrity-');
  after(() => temp.cleanup());

  it('a truncated FLAC and a truncated MP3 are analysed, marked with where their audio ends, and shown with the decoded length', async () => {
    const flac = join(temp.dir, 'cut.flac');
    const mp3 = join(temp.dir, 'half.mp3');
    const whole = join(temp.dir, 'whole.ogg');
    synthesize(flac, { source: 'anoisesrc=color=pink:amplitude=0.3:sample_rate=44100', seconds: 30, tags: { title: 'Cut' }, outputArgs: ['-c:a', 'flac'] });
    synthesize(mp3, { source: 'sine=frequency=440:sample_rate=44100', seconds: 60, tags: { title: 'Half' }, outputArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] });
    synthesize(whole, { source: 'sine=frequency=330', seconds: 5, tags: { title: 'Whole' }, outputArgs: ['-c:a', 'libvorbis'] });
    truncateSync(flac, Math.floor(statSync(flac).size * 0.1));
    truncateSync(mp3, Math.floor(statSync(mp3).size / 2));
    assert.ok(Math.abs((await readTags(flac)).durationSec! - 30) < 0.1, 'the FLAC header still says 0:30');
    assert.ok(Math.abs((await readTags(mp3)).durationSec! - 60) < 0.2, 'the MP3 header still says 1:00');
    assert.ok(readFileSync(mp3).length > 0);

    const db = join(temp.dir, 'library.db');
    const scan = await runTimbre(['scan', temp.dir, '--db', db, '--jobs', '1']);
    assert.equal(scan.code, 0, scan.stderr);
    const tracks = await listTracksJson(db);
    const byName = (name: string) => tracks.find((track) => String(track.path).endsWith(name))!;

    const cutFlac = byName('cut.flac');
    assert.equal(cutFlac.status, 'done', 'the analysis of what decoded is kept');
    assert.match(String(cutFlac.error), /^truncated: the audio ends at 0:0[2-4] of 0:30/);
    assert.ok((cutFlac.durationSec as number) > 2 && (cutFlac.durationSec as number) < 4.5, `duration ${cutFlac.durationSec}`);
    assert.equal(typeof cutFlac.tempoBpm, 'number', 'its features were stored');

    const halfMp3 = byName('half.mp3');
    assert.equal(halfMp3.status, 'done');
    assert.match(String(halfMp3.error), /^truncated: the audio ends at 0:(29|30|31) of 1:00/);
    assert.ok(Math.abs((halfMp3.durationSec as number) - 30) < 1.5, `duration ${halfMp3.durationSec}`);

    const fine = byName('whole.ogg');
    assert.equal(fine.error, null, 'a whole file is not flagged');
  });

  it('an MP3 with garbage written into its middle is analysed and marked as damaged; the clean file it came from is not', async () => {
    const folder = join(temp.dir, 'damage');
    const clean = join(folder, 'clean.mp3');
    const damaged = join(folder, 'damaged.mp3');
    mkdirSync(folder);
    synthesize(clean, { source: 'anoisesrc=color=pink:amplitude=0.3:sample_rate=44100', seconds: 60, tags: { title: 'Clean' }, outputArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] });
    const bytes = readFileSync(clean);
    let state = 99;
    for (let i = 0, middle = Math.floor(bytes.length / 2); i < 16_000; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      bytes[middle + i] = state >>> 24;
    }
    writeFileSync(damaged, bytes);

    const db = join(folder, 'library.db');
    const scan = await runTimbre(['scan', folder, '--db', db, '--jobs', '1']);
    assert.equal(scan.code, 0, scan.stderr);
    const tracks = await listTracksJson(db);
    const byName = (name: string) => tracks.find((track) => String(track.path).endsWith(name))!;
    assert.equal(byName('damaged.mp3').status, 'done', 'the analysis of what decoded is kept');
    assert.match(String(byName('damaged.mp3').error), /^damaged: \d+ decode errors? in the analysed audio \(first: .+\)/);
    assert.equal(typeof byName('damaged.mp3').tempoBpm, 'number');
    assert.equal(byName('clean.mp3').status, 'done');
    assert.equal(byName('clean.mp3').error, null, 'a clean file is not flagged');
  });
});
