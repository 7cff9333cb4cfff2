import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { onTrackUpdates } from '../../core/events.js';
import { createCore } from '../../core/index.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';

describe('core.genres', () => {
  it('every genre change reaches subscribers as track updates carrying the new confirmed genres; a bulk change is one event', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    writeWav(join(music, 'a.wav'), toneSamples(0.3));
    writeWav(join(music, 'b.wav'), toneSamples(0.3, { frequency: 880 }));
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
    try {
      const folder = await core.library.addFolder(music);
      await core.library.scanFolder(folder.id);
      const [a, b] = core.library.listTracks().map((track) => track.id);
      const events: Array<{ id: number; genres: string[] | undefined; genre: string | null | undefined }> = [];
      onTrackUpdates(core.events, (updates) => updates.forEach(({ id, track }) => events.push({ id, genres: track?.confirmedGenres, genre: track?.genre })));
      const take = () => events.splice(0).sort((x, y) => x.id - y.id);
      const eventCounts = { single: 0, batched: 0 };
      core.events.on('track-updated', () => eventCounts.single++);
      core.events.on('tracks-updated', () => eventCounts.batched++);

      core.genres.setTrackGenres([a, b], ['hip hop', 'Jazz']);
      assert.deepEqual(eventCounts, { single: 0, batched: 1 }, 'two tracks edited at once: one event');
      assert.deepEqual(take(), [
        { id: a, genres: ['Hip-Hop', 'Jazz'], genre: 'Hip-Hop' },
        { id: b, genres: ['Hip-Hop', 'Jazz'], genre: 'Hip-Hop' },
      ]);
      core.genres.removeTrackGenre([b], 'hip-hop');
      assert.deepEqual(eventCounts, { single: 1, batched: 1 }, 'one track edited: a track-updated, as before');
      assert.deepEqual(take(), [{ id: b, genres: ['Jazz'], genre: 'Jazz' }]);
      core.genres.renameGenre('Hip-Hop', 'Rap Music');
      assert.deepEqual(take(), [{ id: a, genres: ['Rap Music', 'Jazz'], genre: 'Rap Music' }]);
      core.genres.undo();
      assert.deepEqual(take(), [{ id: a, genres: ['Hip-Hop', 'Jazz'], genre: 'Hip-Hop' }]);
      core.genres.undo();
      assert.deepEqual(take(), [{ id: b, genres: ['Hip-Hop', 'Jazz'], genre: 'Hip-Hop' }]);
      core.genres.undo();
      assert.deepEqual(take(), [
        { id: a, genres: [], genre: null },
        { id: b, genres: [], genre: null },
      ]);
      assert.equal(core.library.getTrack(a)!.confirmedGenres.length, 0);
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });
});
