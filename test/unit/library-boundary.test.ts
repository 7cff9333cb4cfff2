import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import { startWebServer, TOKEN_HEADER } from '../../core/api/server.js';
import { createCore } from '../../core/index.js';
import { listAudioFiles, type SkippedFolder } from '../../core/library/files.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

/** A music folder with a real track, a link to a track inside it, and links that lead out of it. */
function libraryWithLinksOut(dir: string): { music: string; secret: string } {
  const music = join(dir, 'music');
  const outside = join(dir, 'outside');
  mkdirSync(join(music, 'album'), { recursive: true });
  mkdirSync(outside);
  writeWav(join(music, 'album', 'real.wav'), toneSamples(1));
  const secret = join(outside, 'secret.wav');
  writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');
  writeWav(join(outside, 'elsewhere.wav'), toneSamples(1));
  symlinkSync(secret, join(music, 'passwd.wav'));
  symlinkSync(outside, join(music, 'linked-folder'));
  symlinkSync(join(music, 'album', 'real.wav'), join(music, 'alias.wav'));
  return { music, secret };
}

describe('staying inside the library', () => {
  it('a scan refuses links that lead out of the music folder, with the reason, and follows those that stay in', async () => {
    const temp = makeTempDir();
    try {
      const { music } = libraryWithLinksOut(temp.dir);
      const skipped: SkippedFolder[] = [];
      const found = await listAudioFiles(music, { onSkipped: (folder) => skipped.push(folder) });
      const byName = new Map(found.map((file) => [file.path.slice(music.length + 1), file]));
      assert.deepEqual([...byName.keys()].sort(), ['album/real.wav', 'alias.wav', 'passwd.wav']);
      assert.equal(byName.get('album/real.wav')!.error, null);
      assert.equal(byName.get('alias.wav')!.error, null, 'a link inside the library is fine');
      assert.match(byName.get('passwd.wav')!.error ?? '', /a link to .*outside[/\\]secret\.wav, outside the library folder: it is not read or played/);
      assert.deepEqual(skipped, [{ path: join(music, 'linked-folder'), reason: `a link to ${join(temp.dir, 'outside')}, outside the library folder: not followed` }]);
    } finally {
      temp.cleanup();
    }
  });

  it('an unreadable sub-folder is reported, not skipped in silence', { skip: process.getuid?.() === 0 ? 'root reads every folder' : false }, async () => {
    const temp = makeTempDir();
    try {
      const locked = join(temp.dir, 'locked');
      mkdirSync(locked);
      writeWav(join(locked, 'hidden.wav'), toneSamples(1));
      chmodSync(locked, 0o000);
      const skipped: SkippedFolder[] = [];
      await listAudioFiles(temp.dir, { onSkipped: (folder) => skipped.push(folder) });
      chmodSync(locked, 0o755);
      assert.equal(skipped.length, 1);
      assert.match(skipped[0].reason, /could not read the folder: permission denied/);
    } finally {
      temp.cleanup();
    }
  });

  it('media is served only for files really inside a library folder, and only to GET and HEAD', async () => {
    const temp = makeTempDir();
    const { music } = libraryWithLinksOut(temp.dir);
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
    const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
    const server = await startWebServer({ dispatcher, token: 't'.repeat(32) });
    try {
      const folder = await core.library.addFolder(music);
      const summary = await core.library.scanFolder(folder.id);
      assert.deepEqual(summary.skippedFolders.map((skipped) => skipped.path), [join(music, 'linked-folder')]);
      const tracks = new Map(core.library.listTracks().map((track) => [track.path.slice(music.length + 1), track]));
      const link = tracks.get('passwd.wav')!;
      assert.equal(link.status, 'error', 'never analysed');
      assert.match(link.error ?? '', /outside the library folder/);

      const media = (track: { id: number }, method = 'GET') =>
        fetch(`http://127.0.0.1:${server.port}/media/${track.id}`, { method, headers: { [TOKEN_HEADER]: server.token } });
      const refused = await media(link);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /outside every library folder: it is not served/);
      assert.equal((await media(tracks.get('album/real.wav')!)).status, 200);
      assert.equal((await media(tracks.get('alias.wav')!, 'HEAD')).status, 200);
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const reply = await media(tracks.get('album/real.wav')!, method);
        assert.equal(reply.status, 405, method);
        assert.equal(reply.headers.get('allow'), 'GET, HEAD');
      }
    } finally {
      await server.close();
      dispatcher.close();
      await core.shutdown();
      temp.cleanup();
    }
  });

  it('media of a file whose name is not UTF-8 is its bytes', { skip: process.platform !== 'linux' && 'only Linux allows such names' }, async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    writeWav(join(temp.dir, 'tone.wav'), toneSamples(1));
    const content = readFileSync(join(temp.dir, 'tone.wav'));
    writeFileSync(Buffer.concat([Buffer.from(`${music}/caf`), Buffer.from([0xe9]), Buffer.from('.wav')]), content);
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
    const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
    const server = await startWebServer({ dispatcher, token: 't'.repeat(32) });
    try {
      await core.library.scanFolder((await core.library.addFolder(music)).id);
      const [track] = core.library.listTracks();
      const reply = await fetch(`http://127.0.0.1:${server.port}/media/${track.id}`, { headers: { [TOKEN_HEADER]: server.token } });
      assert.equal(reply.status, 200);
      assert.ok(Buffer.from(await reply.arrayBuffer()).equals(content));
    } finally {
      await server.close();
      dispatcher.close();
      await core.shutdown();
      temp.cleanup();
    }
  });
});
