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

      const listed = JSON.parse(await timbre('list', '--json')) as Array<{ name: string; aliases: string[]; confirmedTrackCount: number }>;
      assert.deepEqual(listed.map(({ name, confirmedTrackCount }) => [name, confirmedTrackCount]), [['Hip-Hop', 1], ['Jazz', 1], ['Turntablism', 1]]);
      assert.ok(listed[0].aliases.includes('hiphopmusic'), 'built-in synonyms are listed');

      await timbre('rename', 'turntablism', 'Scratch');
      await timbre('merge', 'Scratch', 'hiphop');
      assert.deepEqual(shown(), [['Hip-Hop', 'Jazz'], ['Hip-Hop']]);
      assert.match(await timbre('list'), /^\s+0 +2 {2}Hip-Hop +Hip-Hop +also: .*scratch.*turntablism/m);

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

  it('lists the genres the files\' tags spell, placed in the genre tree, and merges two tag spellings', async () => {
    const temp = makeTempDir('timbre-genre-cli-tags-');
    try {
      const dbPath = join(temp.dir, 'library.db');
      const setUp = openDatabase(dbPath);
      setUp.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)`).run(temp.dir);
      const insert = setUp.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
      const tag = setUp.prepare('INSERT INTO track_genres (track_id, position, genre) VALUES (?, 0, ?)');
      const tagged = ['Alt. Rock', 'Alternative Rock', 'Alternative Rock', 'Klassik', 'Hip Hop', 'Rap', 'Vaporwave'];
      tagged.forEach((genre, index) => {
        insert.run(index + 1, join(temp.dir, `${index + 1}.mp3`));
        tag.run(index + 1, genre);
      });
      setUp.close();
      const timbre = async (...args: string[]) => {
        const result = await runTimbre(['genre', ...args, '--db', dbPath]);
        assert.equal(result.code, 0, `timbre genre ${args.join(' ')}: ${result.stderr}`);
        return result.stdout;
      };
      type Entry = { name: string; tagTrackCount: number; confirmedTrackCount: number; placement: { kind: string; families?: string[] } };
      const list = async () => JSON.parse(await timbre('list', '--json')) as Entry[];

      const entries = await list();
      const byName = new Map(entries.map((entry) => [entry.name, entry]));
      assert.deepEqual([...byName.keys()].sort(), ['Alt. Rock', 'Alternative Rock', 'Hip-Hop', 'Klassik', 'Rap', 'Vaporwave']);
      assert.equal(byName.get('Alternative Rock')!.tagTrackCount, 2);
      assert.deepEqual(byName.get('Alt. Rock')!.placement, { kind: 'families', families: ['rock'] });
      assert.deepEqual(byName.get('Klassik')!.placement, { kind: 'families', families: ['classical'] });
      assert.deepEqual(byName.get('Vaporwave')!.placement, { kind: 'unknown' });
      assert.match(await timbre('list'), /^\s+1 +0 {2}Vaporwave +\(unknown\)/m);

      const suggestions = JSON.parse(await timbre('suggest', '--json')) as Array<{ target: string; spellings: Array<{ spelling: string }> }>;
      const rock = suggestions.find((suggestion) => suggestion.target === 'Alternative Rock');
      assert.deepEqual(rock?.spellings.map((entry) => entry.spelling), ['Alternative Rock', 'Alt. Rock']);
      assert.ok(suggestions.some((suggestion) => suggestion.target === 'Hip-Hop' && suggestion.spellings.some((entry) => entry.spelling === 'Rap')));

      assert.match(await timbre('merge', 'Alt. Rock', 'Alternative Rock'), /edit #1: merge genre Alt\. Rock into Alternative Rock/);
      assert.equal((await list()).find((entry) => entry.name === 'Alternative Rock')!.tagTrackCount, 3);
      assert.ok(!(await list()).some((entry) => entry.name === 'Alt. Rock'));

      await timbre('map', 'Vaporwave', 'electronic');
      assert.deepEqual((await list()).find((entry) => entry.name === 'Vaporwave')!.placement, { kind: 'families', families: ['electronic'] });
      await timbre('undo');
      assert.deepEqual((await list()).find((entry) => entry.name === 'Vaporwave')!.placement, { kind: 'unknown' });
      await timbre('undo');
      assert.ok((await list()).some((entry) => entry.name === 'Alt. Rock'), 'the merge is undone');

      const listing = await runTimbre(['tracks', '--db', dbPath]);
      assert.equal(listing.code, 0, listing.stderr);
      assert.match(listing.stdout, /^ +ID +LENGTH +STATUS +GENRE +TRACK$/m, 'plain `timbre tracks` has a header');
      assert.match(listing.stdout, /^ +5 +--:-- +pending +Hip-Hop +/m, 'named as the app names it');
      assert.match(listing.stdout, /^ +4 +--:-- +pending +Klassik +/m, 'and a genre column');

      const unknown = await runTimbre(['genre', 'merge', 'Polka', 'Rock', '--db', dbPath]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no genre 'Polka' in the library/);
    } finally {
      temp.cleanup();
    }
  });
});
