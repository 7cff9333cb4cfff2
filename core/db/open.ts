import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/types.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a library database in WAL mode with foreign keys on and a busy timeout,
 * and brings its schema up to date. `:memory:` works for tests.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = allMigrations): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // Before anything writes to it (WAL mode would change the file): another program's database is refused.
  if (isForeignDatabase(db)) {
    db.close();
    throw new Error(`${path} is an SQLite database of another program, not a Timbre library; it was left untouched`);
  }
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only a power loss may drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  startWritesImmediately(db);
  migrate(db, migrations);
  return db;
}

/** How long a statement waits for another process's write to finish before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Makes every `db.transaction(fn)()` begin IMMEDIATE: it takes the write lock at BEGIN, waiting out
 * the busy timeout. A deferred transaction that reads, then writes, gets SQLITE_BUSY at once when
 * another process (the app beside a CLI scan) committed after its read: SQLite cannot upgrade a stale
 * snapshot, so the busy timeout never helps. `.deferred` stays there for a read-only snapshot.
 */
function startWritesImmediately(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn) => transaction(fn).immediate) as Db['transaction'];
}

/**
 * Applies the migrations newer than the database's user_version, each in its own transaction. Another
 * process (the app and a CLI scan) may be opening the same new database at once: each transaction takes
 * the write lock when it begins (IMMEDIATE, waiting out the busy timeout) and skips a migration the other
 * process applied meanwhile, instead of both creating the same tables.
 */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const schemaVersion = () => db.pragma('user_version', { simple: true }) as number;
  const current = schemaVersion();
  if (current > latest) {
    throw new Error(`the library database has schema version ${current}, newer than this Timbre (${latest}); update Timbre`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      if (schemaVersion() >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** Tables but no Timbre schema version: a file Timbre did not create. One statement, so one snapshot. */
function isForeignDatabase(db: Db): boolean {
  return db.prepare(`
    SELECT (SELECT user_version FROM pragma_user_version) = 0
       AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%')`).pluck().get() === 1;
}
