import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintFile, fsPath, isAudioPath, listAudioFiles, nameFromBytes } from '../../core/library/files.js';
import { makeTempDir } from '../helpers/temp.js';

describe('listing audio files', () => {
  it('recurses, keeps audio extensions of any case, skips hidden files and non-audio', async () => {
    const temp = makeTempDir();
    try {
      mkdirSync(join(temp.dir, 'a', 'b'), { recursive: true });
      mkdirSync(join(temp.dir, '.hidden'));
      for (const name of ['a/one.MP3', 'a/b/two.flac', 'three.opus', 'cover.jpg', '.dot.mp3', '.hidden/four.mp3']) {
        writeFileSync(join(temp.dir, name), 'x');
      }
      const found = (await listAudioFiles(temp.dir)).map((file) => file.path.slice(temp.dir.length + 1)).sort();
      assert.deepEqual(found, ['a/b/two.flac', 'a/one.MP3', 'three.opus']);
    } finally {
      temp.cleanup();
    }
  });

  it('knows the formats ffmpeg decodes', () => {
    for (const ext of ['mp3', 'flac', 'ogg', 'oga', 'opus', 'm4a', 'mp4', 'aac', 'alac', 'wav', 'aiff', 'aif', 'wma', 'ape', 'wv', 'mpc']) {
      assert.ok(isAudioPath(`/x/song.${ext}`), ext);
    }
    assert.ok(!isAudioPath('/x/notes.txt'));
  });

  it('treats a directory named x.mp3 as a folder, and ends symlink loops', async () => {
    const temp = makeTempDir();
    try {
      mkdirSync(join(temp.dir, 'x.mp3'));
      writeFileSync(join(temp.dir, 'x.mp3', 'inside.wav'), 'x');
      symlinkSync(temp.dir, join(temp.dir, 'x.mp3', 'back-to-root')); // directory cycle
      symlinkSync('self.mp3', join(temp.dir, 'self.mp3')); // ELOOP
      const found = await listAudioFiles(temp.dir);
      const byName = new Map(found.map((file) => [file.path.slice(temp.dir.length + 1), file]));
      assert.deepEqual([...byName.keys()].sort(), ['self.mp3', 'x.mp3/inside.wav']);
      assert.equal(byName.get('x.mp3/inside.wav')!.error, null);
      assert.equal(byName.get('self.mp3')!.error, 'symbolic link loop');
    } finally {
      temp.cleanup();
    }
  });

  it('lists names that are not valid UTF-8 as strings that open the same file', { skip: process.platform !== 'linux' }, async () => {
    const temp = makeTempDir();
    try {
      const folderBytes = Buffer.concat([Buffer.from(`${temp.dir}/dossier-`), Buffer.from([0xff])]);
      mkdirSync(folderBytes);
      const latin1Name = Buffer.concat([folderBytes, Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.mp3')]);
      writeFileSync(latin1Name, 'x');
      const [file] = await listAudioFiles(temp.dir);
      assert.equal(file.error, null);
      assert.equal(file.size, 1);
      assert.ok(Buffer.isBuffer(fsPath(file.path)));
      assert.deepEqual(fsPath(file.path), latin1Name);
      assert.equal(readFileSync(fsPath(file.path), 'utf8'), 'x');
    } finally {
      temp.cleanup();
    }
  });
});

describe('file names as strings', () => {
  it('maps any bytes to a string and back, valid UTF-8 to itself', () => {
    const samples = [
      Buffer.from('plain/café.mp3'),
      Buffer.from([0x61, 0xe9, 0x62]),
      Buffer.from([0xff, 0xfe, 0x80]),
      Buffer.from([0xe2, 0x82]), // A sequence cut short.
      Buffer.from([0xc0, 0xaf]), // Overlong.
      Buffer.from([0xed, 0xa0, 0x80]), // A surrogate.
      Buffer.from('\uf7e9 private use, as the escapes are'),
      Buffer.concat([Buffer.from('\uf7e9'), Buffer.from([0xe9])]),
    ];
    for (const bytes of samples) {
      const name = nameFromBytes(bytes);
      assert.equal(Buffer.from(fsPath(name)).toString('hex'), bytes.toString('hex'), name);
    }
    assert.equal(nameFromBytes(Buffer.from('plain/café.mp3')), 'plain/café.mp3');
    assert.equal(fsPath('plain/café.mp3'), 'plain/café.mp3');
    assert.notEqual(nameFromBytes(Buffer.from([0xe9])), nameFromBytes(Buffer.from('\uf7e9')));
  });
});

describe('content fingerprint', () => {
  it('matches equal content under any name, differs when content differs, null when empty', () => {
    const temp = makeTempDir();
    try {
      const big = Buffer.alloc(300_000, 7);
      writeFileSync(join(temp.dir, 'a'), big);
      writeFileSync(join(temp.dir, 'b'), big);
      big[big.length - 1] = 8; // a change in the last 64 KiB
      writeFileSync(join(temp.dir, 'c'), big);
      writeFileSync(join(temp.dir, 'empty'), '');
      const fp = (name: string, size: number) => fingerprintFile(join(temp.dir, name), size);
      assert.equal(fp('a', big.length), fp('b', big.length));
      assert.notEqual(fp('a', big.length), fp('c', big.length));
      assert.equal(fp('empty', 0), null);
      assert.equal(fp('missing', 10), null);
    } finally {
      temp.cleanup();
    }
  });
});
