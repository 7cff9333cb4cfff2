import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ART_SIZE, artFilePath } from '../../core/library/art.js';
import { prepareTrack } from '../../core/workers/analyse-track.js';
import { synthesize } from '../helpers/audio.js';
import { makeImage, synthesizeWithCover } from '../helpers/art.js';
import { makeTempDir } from '../helpers/temp.js';

const temp = makeTempDir('timbre-art-');
after(() => temp.cleanup());
const artDir = join(temp.dir, 'art');

async function artOf(path: string): Promise<string | null | undefined> {
  const prepared = await prepareTrack({ type: 'analyse', seq: 1, trackId: 1, path }, artDir);
  assert.ok('tags' in prepared && prepared.tags, 'the track was prepared with its tags');
  return prepared.tags.artHash;
}

describe('album art', () => {
  it('comes from an embedded picture, as one square thumbnail per picture', async () => {
    const image = join(temp.dir, 'red.jpg');
    makeImage(image, { color: 'red', width: 500, height: 300 });
    const one = join(temp.dir, 'embedded', 'one.mp3');
    const two = join(temp.dir, 'embedded', 'two.mp3');
    mkdirSync(join(temp.dir, 'embedded'));
    synthesizeWithCover(one, image);
    synthesizeWithCover(two, image, { frequency: 660 });
    const hash = await artOf(one);
    assert.match(hash ?? '', /^[0-9a-f]{32}$/);
    assert.equal(await artOf(two), hash, 'the same picture is the same thumbnail');
    const thumbnail = artFilePath(artDir, hash!)!;
    const { width, height, format } = await sharp(thumbnail).metadata();
    assert.deepEqual([width, height, format], [ART_SIZE, ART_SIZE, 'webp']);
    const { dominant } = await sharp(thumbnail).stats();
    assert.ok(dominant.r > 200 && dominant.g < 60, `the thumbnail is red, got ${JSON.stringify(dominant)}`);
    assert.equal(readdirSync(artDir).length, 1);
  });

  it('falls back to cover.jpg (any case) in the track folder, else to nothing', async () => {
    const album = join(temp.dir, 'album');
    mkdirSync(album);
    const track = join(album, '01.mp3');
    synthesize(track, { seconds: 1 });
    assert.equal(await artOf(track), null);
    makeImage(join(album, 'Cover.JPG'), { color: 'blue' });
    const hash = await artOf(track);
    assert.match(hash ?? '', /^[0-9a-f]{32}$/);
    const { dominant } = await sharp(artFilePath(artDir, hash!)!).stats();
    assert.ok(dominant.b > 200 && dominant.r < 60, `the thumbnail is blue, got ${JSON.stringify(dominant)}`);
  });

  it('ignores a picture that is not an image', async () => {
    const folder = join(temp.dir, 'broken');
    mkdirSync(folder);
    writeFileSync(join(folder, 'folder.jpg'), 'not a jpeg at all');
    const track = join(folder, '01.mp3');
    synthesize(track, { seconds: 1 });
    assert.equal(await artOf(track), null);
  });

  it('names only hashes as thumbnail files', () => {
    assert.equal(artFilePath(artDir, '../../etc/passwd'), null);
    assert.equal(artFilePath(artDir, 'ab'), null);
  });
});
