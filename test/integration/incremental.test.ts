import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../core/index.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

describe('incremental rescan', () => {
  it('queues nothing for an unchanged library, and a renamed or moved file keeps its id, analysis and user data', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    const other = join(temp.dir, 'other');
    mkdirSync(music);
    mkdirSync(other);
    for (let i = 0; i < 4; i++) writeWav(join(music, `t${i}.wav`), toneSamples(1, { frequency: 200 + 100 * i }));
    const dbPath = join(temp.dir, 'library.db');
    const core = await createCore({ dbPath, jobs: 2 });
    let again: Awaited<ReturnType<typeof createCore>> | null = null;
    try {
      const folder = await core.library.addFolder(music);
      const otherFolder = await core.library.addFolder(other);
      await core.library.whenIdle();
      const first = core.library.listTracks();
      assert.equal(first.length, 4);
      assert.ok(first.every((track) => track.status === 'done'), JSON.stringify(first));
      const id = first.find((track) => track.path.endsWith('t0.wav'))!.id;
      core.library.setUserData(id, { rating: 5 });
      core.genres.setTrackGenres([id], ['Minimal']);
      const analysedAt = core.library.getTrack(id)!.analysedAt;
      await core.shutdown();

      // A new session (as after a restart): nothing changed, nothing is queued.
      again = await createCore({ dbPath, jobs: 2 });
      const unchanged = await again.library.scanFolder(folder.id);
      assert.deepEqual([unchanged.unchanged, unchanged.queued], [4, 0]);
      assert.equal(again.library.progress().total, 0);

      renameSync(join(music, 't0.wav'), join(music, 'renamed.wav'));
      const renamed = await again.library.scanFolder(folder.id);
      assert.deepEqual([renamed.moved, renamed.added, renamed.removed, renamed.queued], [1, 0, 0, 0]);

      // Moved into another registered folder: the new folder's scan claims the track.
      renameSync(join(music, 'renamed.wav'), join(other, 'moved.wav'));
      const moved = await again.library.scanFolder(otherFolder.id);
      assert.deepEqual([moved.moved, moved.queued], [1, 0]);
      const track = again.library.getTrack(id)!;
      assert.equal(track.path, join(other, 'moved.wav'));
      assert.equal(track.folderId, otherFolder.id);
      assert.deepEqual([track.rating, track.confirmedGenres, track.genre, track.status], [5, ['Minimal'], 'Minimal', 'done']);
      assert.equal(track.analysedAt, analysedAt, 'not analysed again');
      assert.equal((await again.library.scanFolder(folder.id)).removed, 0);
      assert.equal(again.library.listTracks().length, 4);
    } finally {
      await core.shutdown();
      await again?.shutdown();
      temp.cleanup();
    }
  });
});
