import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { onTrackUpdates } from '../../core/events.js';
import { createCore, type CoreEventMap, type TrackUpdate } from '../../core/index.js';
import { expandHome, TRACK_CHANGES_WINDOW_MS, type Library } from '../../core/library/service.js';
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
    core.events.on('tracks-updated', (event) => seen['tracks-updated'].push(event));
    core.events.on('folder-updated', (event) => seen['folder-updated'].push(event));
    const trackUpdates: TrackUpdate[] = [];
    onTrackUpdates(core.events, (updates) => trackUpdates.push(...updates));
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
      assert.equal(trackUpdates.filter((update) => update.track?.status === 'pending').length, 2);
      assert.equal(seen['tracks-updated'].length, 1, "a scan's new tracks are announced in one event");

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
      assert.equal(expandHome('~/Music'), join(homedir(), 'Music'), '"~" in the add-folder box is the home folder');
      assert.equal(expandHome('~'), homedir());
      assert.equal(expandHome('/srv/~music'), '/srv/~music');
      await assert.rejects(core.library.addFolder('~/surely-no-such-folder-for-timbre'), new RegExp(`folder not found: ${join(homedir(), 'surely-no-such-folder-for-timbre')}`));

      await core.library.removeFolder(folder.id);
      assert.deepEqual(core.library.listFolders(), []);
      assert.deepEqual(core.library.listTracks(), []);
      assert.equal(trackUpdates.filter((update) => update.track === null).length, 2);
      assert.equal(seen['tracks-updated'].length, 2, "a removed folder's tracks are announced in one event");
      assert.ok(seen['folder-updated'].some((event) => event.id === folder.id && event.folder === null));
      assert.equal(core.library.progress().total, 0, 'their jobs went with them');
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });

  it('gathers the track changes of analysis into one event per window; none is lost when idle or closing', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    for (const [i, frequency] of [440, 550, 660].entries()) writeWav(join(music, `${i}.wav`), toneSamples(0.5, { frequency }));
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
    const library = core.library as Library;
    const events: Array<{ single: boolean; ids: number[]; statuses: Array<string | null> }> = [];
    core.events.on('track-updated', ({ id, track }) => events.push({ single: true, ids: [id], statuses: [track?.status ?? null] }));
    core.events.on('tracks-updated', ({ updates }) =>
      events.push({ single: false, ids: updates.map((update) => update.id), statuses: updates.map((update) => update.track?.status ?? null) }),
    );
    const settle = () => new Promise((resolve) => setTimeout(resolve, TRACK_CHANGES_WINDOW_MS + 50));
    try {
      await core.library.scanFolder((await core.library.addFolder(music)).id);
      const [a, b, c] = core.library.listTracks().map((track) => track.id);
      events.length = 0;

      library.notifyTrackChangedSoon(a);
      library.notifyTrackChangedSoon(b);
      library.notifyTrackChangedSoon(a);
      assert.equal(events.length, 0, 'nothing goes out before the window closes');
      await settle();
      assert.deepEqual(events.splice(0), [{ single: false, ids: [a, b], statuses: ['pending', 'pending'] }]);
      library.notifyTrackChangedSoon(c);
      await settle();
      assert.deepEqual(events.splice(0), [{ single: true, ids: [c], statuses: ['pending'] }], 'a lone change is still a track-updated');

      library.notifyTrackChangedSoon(b);
      await core.library.whenIdle();
      assert.deepEqual(events.splice(0), [{ single: true, ids: [b], statuses: ['pending'] }], 'idle means subscribers have heard every change');

      // The runner's changes arrive gathered: the three tracks it claims at once are one event, and each
      // track's last update says it is analysed.
      core.library.resume();
      await core.library.whenIdle();
      assert.deepEqual(events[0], { single: false, ids: [a, b, c], statuses: ['analysing', 'analysing', 'analysing'] });
      const last = new Map(events.flatMap(({ ids, statuses }) => ids.map((id, i) => [id, statuses[i]] as const)));
      assert.deepEqual([...last.entries()].sort(), [[a, 'done'], [b, 'done'], [c, 'done']]);
      events.length = 0;

      library.notifyTrackChangedSoon(a);
      await core.shutdown();
      assert.deepEqual(events, [{ single: true, ids: [a], statuses: ['done'] }], 'closing sends what was gathered');
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });
});
