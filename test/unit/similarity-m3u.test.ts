import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { formatM3u8, parseM3u8, parseM3u8Locations, readM3u8File, writeM3u8File, type PlaylistEntry } from '../../core/similarity/m3u.js';

const root = path.resolve(os.tmpdir(), 'timbre-m3u-fixture');
const entries: PlaylistEntry[] = [
  { path: path.join(root, 'music', 'Björk', 'Jóga.flac'), durationSec: 305, artist: 'Björk', title: 'Jóga' },
  { path: path.join(root, 'other', 'a b', 'track #2.mp3'), durationSec: 61.4, artist: 'Some Band', title: 'Two - Live' },
  { path: path.join(root, 'untagged.ogg') },
];

test('M3U8 text: header, EXTINF lines and relative paths from the playlist folder', () => {
  const playlistFile = path.join(root, 'playlists', 'mix.m3u8');
  const text = formatM3u8(entries, playlistFile, 'relative');
  const lines = text.split('\n');
  assert.equal(lines[0], '#EXTM3U');
  assert.equal(lines[1], '#EXTINF:305,Björk - Jóga');
  assert.equal(lines[2], path.join('..', 'music', 'Björk', 'Jóga.flac'));
  assert.equal(lines[3], '#EXTINF:61,Some Band - Two - Live');
  assert.equal(lines[5], '#EXTINF:-1,untagged.ogg');
  assert.equal(lines[6], path.join('..', 'untagged.ogg'));
  assert.ok(text.endsWith('\n'));
});

for (const style of ['relative', 'absolute'] as const) {
  test(`M3U8 round trip through a file (${style} paths)`, async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-m3u-'));
    try {
      const playlistFile = path.join(directory, 'sub', '..', 'mix.m3u8');
      await writeM3u8File(playlistFile, entries, style);
      const raw = await readFile(playlistFile, 'utf8');
      assert.equal(raw.includes(root), style === 'absolute');
      const read = await readM3u8File(playlistFile);
      assert.deepEqual(
        read.map((entry) => entry.path),
        entries.map((entry) => entry.path),
      );
      assert.deepEqual(read[0], entries[0]);
      assert.deepEqual(read[1], { ...entries[1], durationSec: 61 });
      assert.deepEqual(read[2], { path: entries[2].path, title: 'untagged.ogg' });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
}

test('import tolerates a BOM, CRLF, comments, blank lines, plain M3U, file URLs and web URLs', () => {
  const playlistFile = path.join(root, 'lists', 'old.m3u');
  const absolute = path.join(root, 'abs', 'song.mp3');
  const text = [
    '\uFEFF#EXTM3U',
    '# a comment',
    '#EXTINF:200 tvg-id="x",Artist - Title',
    'rel/one.mp3',
    '',
    '#EXT-X-SOMETHING:1',
    'two.mp3',
    pathToFileURL(absolute).href,
    'https://radio.example/stream',
    '',
  ].join('\r\n');
  assert.deepEqual(parseM3u8(text, playlistFile), [
    { path: path.join(root, 'lists', 'rel', 'one.mp3'), durationSec: 200, artist: 'Artist', title: 'Title' },
    { path: path.join(root, 'lists', 'two.mp3') },
    { path: absolute },
    { path: 'https://radio.example/stream' },
  ]);
});

test('a title with a line break cannot inject a path line', async () => {
  const text = formatM3u8([{ path: path.join(root, 'x.mp3'), artist: 'A', title: 'evil\n/etc/passwd' }], path.join(root, 'p.m3u8'));
  const parsed = parseM3u8(text, path.join(root, 'p.m3u8'));
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0].title, 'evil /etc/passwd');
  // Written bytes are UTF-8 without a BOM.
  const directory = await mkdtemp(path.join(os.tmpdir(), 'timbre-m3u-'));
  try {
    const file = path.join(directory, 'u.m3u8');
    await writeM3u8File(file, [entries[0]]);
    const bytes = await readFile(file);
    assert.notEqual(bytes[0], 0xef);
    assert.ok(bytes.toString('utf8').includes('Björk - Jóga'));
    await writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
    assert.deepEqual(await readM3u8File(file), [entries[0]]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('parseM3u8Locations keeps locations as written (an upload has no folder to resolve them from)', () => {
  const text = `\uFEFF#EXTM3U\r\n#EXTINF:61,Band - Song\r\n../music/song.mp3\r\n# a comment\r\n${path.join(root, 'abs.mp3')}\r\nhttp://radio.example/stream\r\n`;
  assert.deepEqual(parseM3u8Locations(text), [
    { path: '../music/song.mp3', durationSec: 61, artist: 'Band', title: 'Song' },
    { path: path.join(root, 'abs.mp3') },
    { path: 'http://radio.example/stream' },
  ]);
});
