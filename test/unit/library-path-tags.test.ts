import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { inferTagsFromPath } from '../../core/library/path-tags.js';

const root = join('/home', 'ana', 'Music');
const infer = (...parts: string[]) => inferTagsFromPath(join(root, ...parts), root);

describe('tags inferred from the path', () => {
  it('reads Artist/Album/NN Title.ext', () => {
    assert.deepEqual(infer('Drascula', 'Soundtrack', '03 Castle Theme.ogg'), {
      title: 'Castle Theme',
      artist: 'Drascula',
      album: 'Soundtrack',
      trackNo: 3,
      discNo: null,
    });
  });

  it('takes the album from above a disc folder, and the disc from it or a disc-track prefix', () => {
    assert.deepEqual(infer('Artist', 'Album', 'CD2', '01 - Song.mp3'), { title: 'Song', artist: 'Artist', album: 'Album', trackNo: 1, discNo: 2 });
    assert.deepEqual(infer('Artist', 'Album', '2-05 Song.flac'), { title: 'Song', artist: 'Artist', album: 'Album', trackNo: 5, discNo: 2 });
  });

  it('reads "Artist - Album" folders and strips a year around the album', () => {
    assert.deepEqual(infer('Nina Simone - 1965 - Pastel Blues', '07. Sinnerman.mp3'), {
      title: 'Sinnerman',
      artist: 'Nina Simone',
      album: 'Pastel Blues',
      trackNo: 7,
      discNo: null,
    });
    assert.equal(infer('Artist', 'Album (1999)', '01 x.mp3').album, 'Album');
    assert.equal(infer('Artist', '[1999] Album', '01 x.mp3').album, 'Album');
  });

  it('reads "NN - Artist - Title" and "Artist - Title" file names when no folder names the artist', () => {
    assert.deepEqual(infer('Mixtape', '04 - Björk - Jóga.mp3'), { title: 'Jóga', artist: 'Björk', album: 'Mixtape', trackNo: 4, discNo: null });
    assert.deepEqual(infer('Miles Davis - So What.mp3'), { title: 'So What', artist: 'Miles Davis', album: null, trackNo: null, discNo: null });
  });

  it('keeps a hyphenated title when a folder already names a different artist', () => {
    assert.equal(infer('Artist', 'Album', '01 Intro - Reprise.mp3').title, 'Intro - Reprise');
    assert.equal(infer('Artist', 'Album', '01 Artist - Intro.mp3').title, 'Intro');
  });

  it('says nothing about folders above the library folder, and reads underscores as spaces', () => {
    assert.deepEqual(infer('My_Song.wav'), { title: 'My Song', artist: null, album: null, trackNo: null, discNo: null });
    assert.deepEqual(infer('Some_Album', 'a.wav'), { title: 'a', artist: null, album: 'Some Album', trackNo: null, discNo: null });
  });

  it('leaves a number that is the title alone', () => {
    assert.equal(infer('1999.mp3').title, '1999');
    assert.equal(infer('2001 A Space Odyssey.mp3').title, '2001 A Space Odyssey');
  });
});
