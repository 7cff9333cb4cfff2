import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { DuplicatesService } from '../../core/duplicates/service.js';
import { synthesize } from '../helpers/audio.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

/** A melody over pink noise: changes enough over time for a fingerprint to tell it apart. */
function melody(seed: number): string {
  const notes = [0, 3, 5, 7, 10, 12, 7, 5].map((step) => 220 * 2 ** ((step + seed) / 12));
  const expression = notes.map((frequency, i) => `${0.3}*sin(2*PI*${frequency.toFixed(2)}*t)*between(mod(t\\,4)\\,${i * 0.5}\\,${i * 0.5 + 0.5})`).join('+');
  return `aevalsrc='${expression}+0.05*sin(2*PI*${55 * (seed + 1)}*t)':s=44100`;
}

describe('duplicates', () => {
  const temp = makeTempDir('timbre-duplicates-');
  after(() => temp.cleanup());

  it('finds one recording in two encodings and a byte-identical copy, and keeps them out of "sounds like" results', async () => {
    const music = join(temp.dir, 'music');
    const tracks = {
      flac: join(music, 'song.flac'),
      mp3: join(music, 'song (128k).mp3'),
      copy: join(music, 'copy of other.ogg'),
    };
    mkdirSync(music);
    synthesize(tracks.flac, { source: melody(0), seconds: 24, tags: { title: 'Song' }, outputArgs: ['-c:a', 'flac'] });
    synthesize(tracks.mp3, { source: melody(0), seconds: 24, tags: { title: 'Song' }, outputArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] });
    for (let seed = 1; seed <= 5; seed++) {
      synthesize(join(music, `other-${seed}.ogg`), { source: melody(seed * 2), seconds: 24, tags: { title: `Other ${seed}` }, outputArgs: ['-c:a', 'libvorbis'] });
    }
    copyFileSync(join(music, 'other-1.ogg'), tracks.copy);
    const dbPath = join(temp.dir, 'library.db');
    const scan = await runTimbre(['scan', music, '--db', dbPath, '--jobs', '1']);
    assert.equal(scan.code, 0, scan.stderr);

    const db = openDatabase(dbPath);
    try {
      const ids = new TracksRepo(db);
      const id = (path: string) => ids.idByPath(path)!;
      const groups = new DuplicatesService(db).groups();
      const asPaths = groups.map((group) => ({ kind: group.kind, ids: group.tracks.map((track) => track.trackId).sort((a, b) => a - b) }));
      assert.deepEqual(
        asPaths.sort((a, b) => a.ids[0] - b.ids[0]),
        [
          { kind: 'same recording', ids: [id(tracks.flac), id(tracks.mp3)].sort((a, b) => a - b) },
          { kind: 'identical', ids: [id(join(music, 'other-1.ogg')), id(tracks.copy)].sort((a, b) => a - b) },
        ].sort((a, b) => a.ids[0] - b.ids[0]),
      );
      const song = groups.find((group) => group.kind === 'same recording')!;
      assert.deepEqual(song.tracks.map((track) => track.format).sort(), ['FLAC', 'MP3']);
      assert.ok(song.tracks.every((track) => Math.abs(track.durationSec! - 24) < 0.2));
      assert.equal(song.tracks.find((track) => track.format === 'MP3')!.bitrate, 128);
    } finally {
      db.close();
    }

    const similar = await runTimbre(['similar', tracks.flac, '-n', '7', '--db', dbPath, '--json']);
    assert.equal(similar.code, 0, similar.stderr);
    const paths = (JSON.parse(similar.stdout) as Array<{ file: string }>).map((neighbour) => neighbour.file);
    assert.ok(!paths.includes(tracks.mp3), `the seed's other encoding is not "like" it: ${paths.join(', ')}`);
    const copies = paths.filter((path) => path === tracks.copy || path === join(music, 'other-1.ogg'));
    assert.equal(copies.length, 1, `one file of a duplicated recording at most: ${paths.join(', ')}`);
    assert.equal(paths.length, 5, 'every other recording once');
  });
});
