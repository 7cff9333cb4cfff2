import type { Db } from '../open.js';

export interface FolderRow {
  id: number;
  path: string;
  addedAt: number;
  lastScanAt: number | null;
  error: string | null;
  trackCount: number;
}

const SELECT_FOLDER = `
  SELECT f.id, f.path, f.added_at AS addedAt, f.last_scan_at AS lastScanAt, f.error,
         (SELECT count(*) FROM tracks t WHERE t.folder_id = f.id) AS trackCount
  FROM folders f`;

/** Music folders the user registered. */
export class FoldersRepo {
  private readonly insertStmt;
  private readonly byPathStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly deleteStmt;
  private readonly scannedStmt;
  private readonly errorStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING');
    this.byPathStmt = db.prepare(`${SELECT_FOLDER} WHERE f.path = ?`);
    this.byIdStmt = db.prepare(`${SELECT_FOLDER} WHERE f.id = ?`);
    this.listStmt = db.prepare(`${SELECT_FOLDER} ORDER BY f.path`);
    this.deleteStmt = db.prepare('DELETE FROM folders WHERE id = ?');
    this.scannedStmt = db.prepare('UPDATE folders SET last_scan_at = ?, error = NULL WHERE id = ?');
    this.errorStmt = db.prepare('UPDATE folders SET error = ? WHERE id = ?');
  }

  /** Registers `path` (idempotent) and returns its row. */
  add(path: string, now = Date.now()): FolderRow {
    this.insertStmt.run(path, now);
    return this.byPathStmt.get(path) as FolderRow;
  }

  get(id: number): FolderRow | null {
    return (this.byIdStmt.get(id) as FolderRow | undefined) ?? null;
  }

  list(): FolderRow[] {
    return this.listStmt.all() as FolderRow[];
  }

  /** Deletes the folder with its tracks, features and jobs (foreign-key cascade). */
  remove(id: number): void {
    this.deleteStmt.run(id);
  }

  markScanned(id: number, at = Date.now()): void {
    this.scannedStmt.run(at, id);
  }

  setError(id: number, error: string | null): void {
    this.errorStmt.run(error, id);
  }
}
