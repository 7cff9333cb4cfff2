/**
 * SQLite failures a user can act on, in words: another process holding the library, a full disk, a
 * read-only or vanished database file. Anything else keeps its own message.
 */
export function isDatabaseBusy(error: unknown): boolean {
  return sqliteCode(error)?.startsWith('SQLITE_BUSY') === true || sqliteCode(error)?.startsWith('SQLITE_LOCKED') === true;
}

export function describeDatabaseError(error: unknown): string {
  const code = sqliteCode(error) ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return 'the library database is busy: another Timbre process (a scan, the app) is writing to it; try again in a moment';
  }
  if (code.startsWith('SQLITE_FULL')) return 'the disk holding the library database is full: free some space and try again (nothing was saved)';
  if (code.startsWith('SQLITE_READONLY')) return 'the library database cannot be written (read-only file or folder): nothing was saved';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return `the library database could not be read or written (${code}): nothing was saved`;
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return `the library database is damaged (${code})`;
  return error instanceof Error ? error.message : String(error);
}

function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}
