import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../../core/index.js';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { listTracksJson, TIMBRE_BIN } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

describe('watching', () => {
  it('analyses added files, keeps identity across a rename, and drops deleted files', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    writeWav(join(music, 'first.wav'), toneSamples(1));
    const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, watch: true });
    const removed: number[] = [];
    core.events.on('track-updated', ({ id, track }) => {
      if (!track) removed.push(id);
    });
    try {
      const folder = await core.library.addFolder(music);
      await waitFor('the folder to be watched', () => core.library.listFolders().find((f) => f.id === folder.id)?.watching);
      await core.library.whenIdle();
      assert.equal(core.library.listTracks().length, 1);

      writeWav(join(music, 'added.wav'), toneSamples(1, { frequency: 660 }));
      const added = await waitFor('the new file to be analysed', () =>
        core.library.listTracks().find((t) => t.path.endsWith('added.wav') && t.status === 'done'),
      );
      core.library.setUserData(added.id, { rating: 3 });

      renameSync(join(music, 'added.wav'), join(music, 'renamed.wav'));
      const renamed = await waitFor('the rename to be seen', () => core.library.listTracks().find((t) => t.path.endsWith('renamed.wav')));
      assert.equal(renamed.id, added.id);
      assert.deepEqual([renamed.rating, renamed.status], [3, 'done']);

      rmSync(join(music, 'first.wav'));
      await waitFor('the deleted file to leave the library', () => core.library.listTracks().length === 1, 15_000);
      assert.equal(removed.length, 1);
      assert.equal(core.library.listTracks()[0].id, added.id, 'the renamed track survived the move window');
    } finally {
      await core.shutdown();
      temp.cleanup();
    }
  });

  it('`timbre watch` keeps analysing new files and names those that fail, until SIGINT, then exits cleanly', async () => {
    const temp = makeTempDir();
    const music = join(temp.dir, 'music');
    mkdirSync(music);
    const db = join(temp.dir, 'library.db');
    const child = spawn(process.execPath, [TIMBRE_BIN, 'watch', music, '--db', db, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the watcher to start', () => stderr.includes('watching'));
      writeWav(join(music, 'late.wav'), toneSamples(1));
      const broken = join(music, 'broken.flac');
      writeFileSync(broken, Buffer.from('not audio at all '.repeat(100)));
      await waitFor('the file to be analysed', async () => (await listTracksJson(db)).some((t) => t.status === 'done'));
      // Its failure may reach the command together with the other track's result (one 'tracks-updated').
      await waitFor('the failure to be reported', () => stderr.includes(`failed: ${broken}: `));
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
      temp.cleanup();
    }
  });
});
