import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Whether the library database file is still the one that was opened. SQLite keeps writing to an open
 * file that was deleted or replaced, so every edit would be acknowledged and then lost at the next
 * start: such a library refuses edits instead (LibraryUnavailableError).
 */
export class LibraryUnavailableError extends Error {
  override readonly name = 'LibraryUnavailableError';
}

export class LibraryFile {
  private readonly identity: { dev: number; ino: number } | null;

  constructor(private readonly path: string) {
    this.identity = path === ':memory:' ? null : identityOf(path);
  }

  /** Throws LibraryUnavailableError when the file is gone, replaced or can no longer be written. */
  check(): void {
    const problem = this.problem();
    if (problem) throw new LibraryUnavailableError(`${problem}: nothing can be saved; restart Timbre (the change was not made)`);
  }

  problem(): string | null {
    if (!this.identity) return null;
    let now: { dev: number; ino: number; mode: number };
    try {
      now = statSync(this.path);
    } catch {
      return `the library database ${this.path} was deleted while Timbre was running`;
    }
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino) {
      return `the library database ${this.path} was replaced by another file while Timbre was running`;
    }
    // The owner's write bit too: access() grants root everything, yet a read-only library is meant as one.
    if ((now.mode & 0o200) === 0 || !writable(this.path) || !writable(dirname(this.path))) {
      return `the library database ${this.path} (or its folder) can no longer be written`;
    }
    return null;
  }
}

function identityOf(path: string): { dev: number; ino: number } {
  const { dev, ino } = statSync(path);
  return { dev, ino };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
