import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDispatcher } from '../../core/api/dispatch.js';
import type { TrackDetail, TrackPage } from '../../core/api/contract.js';
import { createCore } from '../../core/index.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { runTimbre } from '../helpers/cli.js';
import { dispatchCaller } from '../helpers/dispatch.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const TRACKS = 4;
const ALL = { offset: 0, limit: 100 };
/** How soon another process's work must show in an open app. */
const SEEN_WITHIN_MS = 5000;

describe('another process on the same library', () => {
  it('a CLI scan and a CLI genre edit reach a running app within 5 s: list, track panel, folders', { timeout: 180_000 }, async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    for (let i = 0; i < TRACKS; i++) writeWav(join(music, `tone-${i}.wav`), toneSamples(1, { frequency: 220 + 40 * i }));
    const dbPath = join(temp.dir, 'library.db');
    // The app analyses nothing itself (paused): whatever it shows came from the CLI.
    const core = await createCore({ dbPath, jobs: 1, autoStart: false, followOtherProcesses: true });
    const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
    const call = dispatchCaller(() => dispatcher);
    try {
      assert.equal((await call<TrackPage>('queryTracks', ALL)).total, 0);
      const folderEvents: unknown[] = [];
      dispatcher.subscribe((event) => {
        if (event === 'folders-changed') folderEvents.push(event);
      });

      const scan = await runTimbre(['scan', music, '--db', dbPath, '--jobs', '1']);
      assert.equal(scan.code, 0, scan.stderr);
      const scanned = Date.now();
      const page = await waitFor(
        'the CLI-scanned tracks, analysed, in the app',
        async () => {
          const tracks = await call<TrackPage>('queryTracks', ALL);
          return tracks.total === TRACKS && tracks.rows.every((row) => row.status === 'done') && tracks;
        },
        SEEN_WITHIN_MS,
      );
      assert.ok(Date.now() - scanned <= SEEN_WITHIN_MS + 200);
      assert.equal((await call<Array<{ trackCount: number }>>('listFolders'))[0]?.trackCount, TRACKS);
      assert.ok(folderEvents.length > 0, 'the folder list was told to refresh');

      const target = page.rows.find((row) => row.fileName === 'tone-0.wav')!;
      const edit = await runTimbre(['genre', 'set', join(music, 'tone-0.wav'), 'Ambient', '--db', dbPath]);
      assert.equal(edit.code, 0, edit.stderr);
      await waitFor(
        'the CLI genre edit in the app',
        async () => {
          const detail = await call<TrackDetail>('getTrack', { id: target.id });
          const row = (await call<TrackPage>('queryTracks', ALL)).rows.find((candidate) => candidate.id === target.id);
          return detail.confirmedGenres.includes('Ambient') && row?.confirmedGenres.includes('Ambient');
        },
        SEEN_WITHIN_MS,
      );
    } finally {
      dispatcher.close();
      await core.shutdown();
      temp.cleanup();
    }
  });
});
