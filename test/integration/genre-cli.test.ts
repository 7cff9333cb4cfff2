import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

describe('timbre genre (library tracks)', () => {
  it('set, list, rename, merge, history, undo and redo work on the confirmed genres the app shows', async () => {
    const temp = makeTempDir('timbre-genre-cli-');
    try {
      const dbPath = join(temp.dir, 'library.db');
      const paths = ['a.mp3', 'b.mp3'].map((name) => {
        writeFileSync(join(temp.dir, name), 'not audio: these edits touch the database only\n');
        return realpathSync(join(temp.dir, name));
      });
      const setUp = openDatabase(dbPath);
      setUp.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)`).run(temp.dir);
      const insert = setUp.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
      paths.forEach((path, index) => insert.run(index + 1, path));
      setUp.close();
      const timbre = async (...args: string[]) => {
        const result = await runTimbre(['genre', ...args, '--db', dbPath]);
        assert.equal(result.code, 0, `timbre genre ${args.join(' ')}: ${result.stderr}`);
        return result.stdout;
      };
      const shown = () => {
        const db = openDatabase(dbPath);
        try {
          const tracks = new TracksRepo(db);
          return [1, 2].map((id) => tracks.summary(id)!.confirmedGenres);
        } finally {
          db.close();
        }
      };

      assert.match(await timbre('set', paths[0], 'hip hop', 'Jazz'), /track 1: confirmed genre \(none\) → 'Hip-Hop', 'Jazz'\nedit #1 recorded/);
      await timbre('set', paths[1], 'Turntablism');
      assert.deepEqual(shown(), [['Hip-Hop', 'Jazz'], ['Turntablism']]);
      assert.match(await timbre('set', paths[1], 'turntablism'), /nothing to change/);

      const listed = JSON.parse(await timbre('list', '--json')) as Array<{ name: string; aliases: string[]; trackCount: number }>;
      assert.deepEqual(listed.map(({ name, trackCount }) => [name, trackCount]), [['Hip-Hop', 1], ['Jazz', 1], ['Turntablism', 1]]);
      assert.ok(listed[0].aliases.includes('hiphopmusic'), 'built-in synonyms are listed');

      await timbre('rename', 'turntablism', 'Scratch');
      await timbre('merge', 'Scratch', 'hiphop');
      assert.deepEqual(shown(), [['Hip-Hop', 'Jazz'], ['Hip-Hop']]);
      assert.match(await timbre('list'), /^\s+2 {2}Hip-Hop {2}\(also: .*scratch.*turntablism/m);

      assert.match(await timbre('undo'), /undid edit #4: merge genre Scratch into Hip-Hop/);
      assert.match(await timbre('undo'), /undid edit #3: rename genre Turntablism → Scratch/);
      assert.deepEqual(shown(), [['Hip-Hop', 'Jazz'], ['Turntablism']]);
      assert.match(await timbre('redo'), /redid edit #3/);
      assert.deepEqual(shown(), [['Hip-Hop', 'Jazz'], ['Scratch']]);
      const history = await timbre('history');
      assert.match(history, /^#4 .* undone +merge genre Scratch into Hip-Hop$/m);
      assert.match(history, /^#3 .* done +rename genre Turntablism → Scratch$/m);
    } finally {
      temp.cleanup();
    }
  });
});
