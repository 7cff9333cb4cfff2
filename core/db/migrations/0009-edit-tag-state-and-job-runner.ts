import type { Migration } from './types.js';

/**
 * Where an edit's tag writes stand, recorded only once known: 'writing' is committed with the edit,
 * before any file is touched; 'written', 'partly-written' or 'not-written' once the writes are done; a
 * crash in between leaves 'writing', which the next start settles as 'interrupted'. `tag_files` is how
 * many files the edit set out to write, `tag_note` what the history adds to the summary.
 *
 * And which process runs a running job (`jobs.runner`, its RunnerRegistry key): the running jobs of a
 * process that was killed go back to the queue even while other processes are alive, instead of
 * waiting forever for a process that is gone.
 */
export const migration: Migration = {
  version: 9,
  name: 'edit-tag-state-and-job-runner',
  up(db) {
    db.exec(`
      ALTER TABLE edits ADD COLUMN tag_state TEXT CHECK (tag_state IN ('writing', 'written', 'partly-written', 'not-written', 'interrupted'));
      ALTER TABLE edits ADD COLUMN tag_files INTEGER;
      ALTER TABLE edits ADD COLUMN tag_note TEXT;
      CREATE INDEX edits_writing_tags ON edits(tag_state) WHERE tag_state = 'writing';
      ALTER TABLE jobs ADD COLUMN runner TEXT;
    `);
  },
};
