import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TagJournalRepo } from '../../core/db/repos/tag-journal.js';

it('0009 gives edits a tag-write state, shown in the history only once settled', () => {
  const db = openDatabase(':memory:', migrations.slice(0, 9));
  const columns = (db.pragma('table_info(edits)') as Array<{ name: string }>).map((column) => column.name);
  assert.deepEqual(columns.slice(-3), ['tag_state', 'tag_files', 'tag_note']);
  assert.throws(() => db.prepare(`INSERT INTO edits (kind, summary, undo_data, redo_data, created_at, changed_at, tag_state) VALUES ('k', 's', '{}', '{}', 0, 0, 'maybe')`).run(), /CHECK/);

  const journal = new TagJournalRepo(db);
  const plain = journal.insertEdit({ kind: 'set', summary: 'a.mp3 → Jazz', undoData: {}, redoData: {} });
  const tagged = journal.insertEdit({ kind: 'set', summary: 'b.mp3 → Jazz', undoData: {}, redoData: {} });
  journal.beginEditTagWrites(tagged, 2);
  assert.equal(journal.edit(plain)!.summary, 'a.mp3 → Jazz');
  assert.equal(journal.edit(tagged)!.summary, 'b.mp3 → Jazz (writing tags)');
  journal.settleEditTagWrites(tagged, 2, ['b.mp3: disk full']);
  assert.equal(journal.edit(tagged)!.summary, 'b.mp3 → Jazz (tags written to 1 of 2 files; NOT written: b.mp3: disk full)');
  assert.equal(journal.settleInterruptedEditTagWrites(), 0, 'a settled edit is not settled again');
  db.close();
});

it("0009 records which runner runs a job: a killed runner's jobs are re-queued while other runners live", () => {
  const db = openDatabase(':memory:', migrations.slice(0, 9));
  assert.ok((db.pragma('table_info(jobs)') as Array<{ name: string }>).some((column) => column.name === 'runner'));
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  for (const id of [1, 2, 3]) db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`).run(id, `/music/${id}.mp3`);
  const jobs = new JobsRepo(db);
  for (const id of [1, 2, 3]) jobs.enqueue('analyse', id, { trackId: id }, 3);
  jobs.claim('analyse', 'killed');
  jobs.claim('analyse', 'alive');
  jobs.claim('analyse', null);
  assert.deepEqual(jobs.requeueOrphaned(['alive'], false), [1], "only the killed runner's job");
  const states = db.prepare('SELECT track_id AS trackId, state, runner, attempts FROM jobs ORDER BY track_id').all();
  assert.deepEqual(states, [
    { trackId: 1, state: 'queued', runner: null, attempts: 0 },
    { trackId: 2, state: 'running', runner: 'alive', attempts: 1 },
    { trackId: 3, state: 'running', runner: null, attempts: 1 },
  ]);
  assert.deepEqual(jobs.requeueOrphaned(['alive'], true), [3], 'an unowned job only when asked');
  db.close();
});
