import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../core/index.js';
import { MAX_TAG_FRAMES, readTags } from '../../core/library/tags.js';
import { synthesize, toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

const FRAMES = 250_000;

/** An MP3 whose ID3v2.3 tag holds `frames` genre frames (the file of the audit: 250,000). */
function mp3WithHugeTag(dir: string, scratch: string, frames: number): string {
  const plain = join(scratch, 'plain.mp3');
  synthesize(plain, { seconds: 2, outputArgs: ['-c:a', 'libmp3lame', '-id3v2_version', '0', '-write_id3v1', '0'] });
  const parts: Buffer[] = [];
  for (let i = 0; i < frames; i++) {
    const text = Buffer.from(`\x00Genre ${i}`, 'latin1');
    const header = Buffer.alloc(10);
    header.write('TCON', 0, 'latin1');
    header.writeUInt32BE(text.length, 4);
    parts.push(header, text);
  }
  const body = Buffer.concat(parts);
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  for (let i = 9, size = body.length; i >= 6; i--, size >>= 7) header[i] = size & 0x7f;
  const path = join(dir, 'pathological.mp3');
  writeFileSync(path, Buffer.concat([header, body, readFileSync(plain)]));
  return path;
}

describe('a file with a pathological tag', () => {
  it(`a ${FRAMES.toLocaleString('en')}-frame ID3 tag is refused at once, and its batch (and the file's audio) is analysed`, { timeout: 180_000 }, async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1 });
    try {
      const pathological = mp3WithHugeTag(music, temp.dir, FRAMES);
      for (let i = 0; i < 3; i++) writeWav(join(music, `innocent-${i}.wav`), toneSamples(1, { frequency: 300 + 50 * i }));

      const started = performance.now();
      await assert.rejects(readTags(pathological), new RegExp(`over ${MAX_TAG_FRAMES} frames; its tags are not read`));
      assert.ok(performance.now() - started < 5000, 'refused within its budget, not after minutes of parsing');

      const folder = await core.library.addFolder(music);
      await core.library.scanFolder(folder.id);
      await core.library.whenIdle();
      const tracks = core.library.listTracks();
      assert.equal(tracks.length, 4);
      for (const track of tracks) assert.equal(track.status, 'done', `${track.path}: ${track.error}`);
      assert.deepEqual(tracks.find((track) => track.path === pathological)!.genres, [], 'none of its 250,000 genres were stored');
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });
});
