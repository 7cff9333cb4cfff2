import type { Db } from '../open.js';

/** Small key/value state of the library (the meta table). */
export class MetaRepo {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;
  private readonly prefixStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.deleteStmt = db.prepare('DELETE FROM meta WHERE key = ?');
    // Keys in [prefix, prefix + U+FFFF): every key that starts with the prefix.
    this.prefixStmt = db.prepare('SELECT key, value FROM meta WHERE key >= ? AND key < ?');
  }

  get(key: string): string | null {
    return (this.getStmt.get(key) as string | undefined) ?? null;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }

  withPrefix(prefix: string): Array<{ key: string; value: string }> {
    return this.prefixStmt.all(prefix, `${prefix}\uffff`) as Array<{ key: string; value: string }>;
  }
}
