import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCore, type CoreEventMap } from '../../core/index.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

describe('library service', () => {
  it('adds, lists and removes folders with events; paused cores queue without analysing', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    writeWav(join(music, 'a.wav'), toneSamples(0.5));
    writeWav(join(music, 'b.wav'), toneSamples(0.5, { frequency: 880 }));
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
    const seen: { [E in keyof CoreEventMap]: CoreEventMap[E][] } = { progress: [], 'track-updated': [], 'tracks-updated': [], 'folder-updated': [], 'retrain-progress': [], 'model-changed': [] };
    core.events.on('track-updated', (event) => seen['track-updated'].push(event));
    core.events.on('folder-updated', (event) => seen['folder-updated'].push(event));
    try {
      const folder = await core.library.addFolder(music);
      assert.equal(folder.path, music);
      assert.equal(folder.scanning, true);
      assert.equal((await core.library.addFolder(`${music}/`)).id, folder.id, 'adding again finds the same folder');
      const summary = await core.library.scanFolder(folder.id);
      assert.equal(summary.files, 2);

      const [listed] = core.library.listFolders();
      assert.deepEqual([listed.trackCount, listed.scanning, listed.watching, listed.error], [2, false, false, null]);
      assert.ok(seen['folder-updated'].some((event) => event.folder?.scanning === false && event.folder.trackCount === 2));
      assert.equal(seen['track-updated'].filter((event) => event.track?.status === 'pending').length, 2);

      const progress = core.library.progress();
      assert.deepEqual([progress.paused, progress.total, progress.done], [true, 2, 0]);
      await core.library.whenIdle(); // Paused with nothing running counts as idle.

      const track = core.library.listTracks()[0];
      assert.throws(() => core.library.setUserData(track.id, { rating: 7 }), /rating must be an integer from 0 to 5/);
      assert.equal(core.library.setUserData(track.id, { rating: 2 })!.rating, 2);
      assert.equal(core.library.setUserData(track.id, {})!.rating, 2, 'an absent key keeps its value');
      assert.equal(core.library.setUserData(track.id, { rating: null })!.rating, null);
      assert.equal(core.library.setUserData(99_999, { rating: 1 }), null);
      assert.equal(core.library.getTrack(99_999), null);
      assert.equal(core.library.getTrack(track.id)!.melPreview, null, 'not analysed yet');

      await assert.rejects(core.library.addFolder(join(music, 'a.wav')), /not a folder/);
      await assert.rejects(core.library.addFolder(join(temp.dir, 'missing')), /folder not found/);

      await core.library.removeFolder(folder.id);
      assert.deepEqual(core.library.listFolders(), []);
      assert.deepEqual(core.library.listTracks(), []);
      assert.equal(seen['track-updated'].filter((event) => event.track === null).length, 2);
      assert.ok(seen['folder-updated'].some((event) => event.id === folder.id && event.folder === null));
      assert.equal(core.library.progress().total, 0, 'their jobs went with them');
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });
});
