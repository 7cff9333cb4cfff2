import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
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
