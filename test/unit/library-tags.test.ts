import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import type { IAudioMetadata } from 'music-metadata';
import { MAX_GENRES_PER_TRACK, readTags, tagsFromMetadata } from '../../core/library/tags.js';
import { synthesize } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

describe('tags', () => {
  it('reads title, artist, album, year, genres and stream properties', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'tagged.flac');
      synthesize(path, {
        seconds: 2,
        tags: { title: 'Tone', artist: 'Oscillator', album: 'Lab', date: '1999', genre: 'Ambient; Drone' },
        outputArgs: ['-ar', '44100'],
      });
      const tags = await readTags(path);
      assert.equal(tags.title, 'Tone');
      assert.equal(tags.artist, 'Oscillator');
      assert.equal(tags.album, 'Lab');
      assert.equal(tags.year, 1999);
      assert.deepEqual(tags.genres, ['Ambient', 'Drone']);
      assert.equal(tags.sampleRate, 44100);
      assert.ok(Math.abs(tags.durationSec! - 2) < 0.05, `duration ${tags.durationSec}`);
    } finally {
      temp.cleanup();
    }
  });

  it('reads Ogg Vorbis and Opus durations from the last page', async () => {
    const temp = makeTempDir();
    try {
      for (const [name, codec] of [['v.ogg', 'libvorbis'], ['o.opus', 'libopus']]) {
        const path = join(temp.dir, name);
        synthesize(path, { seconds: 5, outputArgs: ['-c:a', codec] });
        const tags = await readTags(path);
        assert.ok(tags.durationSec && Math.abs(tags.durationSec - 5) < 0.02, `${name}: duration ${tags.durationSec}`);
      }
    } finally {
      temp.cleanup();
    }
  });

  it('finds the duration of an MP3 without a Xing header (second, scanning pass)', async () => {
    const temp = makeTempDir();
    try {
      const path = join(temp.dir, 'plain.mp3');
      synthesize(path, { seconds: 4, outputArgs: ['-write_xing', '0', '-b:a', '64k'] });
      const tags = await readTags(path);
      assert.ok(tags.durationSec && Math.abs(tags.durationSec - 4) < 0.2, `duration ${tags.durationSec}`);
      assert.equal(tags.title, null);
      assert.deepEqual(tags.genres, []);
    } finally {
      temp.cleanup();
    }
  });
});

describe('bounded tags', () => {
  it(`keeps at most ${MAX_GENRES_PER_TRACK} genres of a tag stuffed with 100,000`, () => {
    const genre = [Array.from({ length: 100_000 }, (_, i) => `Genre ${i}`).join('; ')];
    const tags = tagsFromMetadata({ common: { genre }, format: {} } as unknown as IAudioMetadata);
    assert.equal(tags.genres.length, MAX_GENRES_PER_TRACK);
    assert.equal(tags.genres[0], 'Genre 0');
  });
});
