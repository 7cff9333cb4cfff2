import type { Database } from 'better-sqlite3';

/** One schema step. Once released, a migration is never edited: add the next number instead. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
