import type { Database } from 'better-sqlite3';

/** One schema step. Once released, a migration is never edited: add the next number instead. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
  /**
   * For a migration whose number was reserved while later ones were released first: whether its change
   * is in a database already past its number. One that is not is applied then (see migrate).
   */
  isApplied?(db: Database): boolean;
}
