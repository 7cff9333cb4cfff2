import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Extensions of the audio formats ffmpeg decodes that Timbre picks up. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  'mp3', 'mp2', 'flac', 'ogg', 'oga', 'opus', 'spx', 'm4a', 'm4b', 'mp4', 'aac', 'alac', 'wav', 'wave', 'w64',
  'aiff', 'aif', 'aifc', 'caf', 'wma', 'asf', 'ape', 'wv', 'mpc', 'tta', 'ac3', 'eac3', 'dts', 'mka', 'webm',
  'au', 'snd', 'amr', 'dsf', 'dff', 'tak', 'ra',
]);

export function isAudioPath(path: string): boolean {
  return AUDIO_EXTENSIONS.has(extname(path).slice(1).toLowerCase());
}

/** Hidden files and folders (".Trash", "._song.mp3" from macOS) are never part of the library. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

/** An audio file found on disk; `error` is set when it cannot be analysed at all (the track records it). */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
  error: string | null;
}

export function fileStamp(stats: Stats): { size: number; mtimeMs: number } {
  return { size: stats.size, mtimeMs: Math.trunc(stats.mtimeMs) };
}

/** A folder the listing did not enter, and why. */
export interface SkippedFolder {
  path: string;
  reason: string;
}

/**
 * Lists the audio files under `root`, following symbolic links that stay inside it but never entering
 * a directory twice (so link loops end). A link that leads out of `root` is refused: a linked file is
 * listed with the reason as its error (so it is never analysed or served), a linked folder is skipped
 * and reported through `onSkipped`, as is a folder that cannot be read. Names that are not valid UTF-8
 * are reported with an error, since paths pass through JSON, SQLite text and ffmpeg's command line as
 * UTF-8. Yields to the event loop between directories.
 */
export async function listAudioFiles(root: string, { onSkipped }: { onSkipped?: (folder: SkippedFolder) => void } = {}): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const visited = new Set<string>();
  const pending = [root];
  const rootStats = statSync(root);
  visited.add(`${rootStats.dev}:${rootStats.ino}`);
  const realRoot = realpathSync(root);
  const outsideRoot = (path: string | Buffer): string | null => outsideOf(realpathSync(path).toString(), realRoot);

  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      // Its files are not in the library: say so, or the user never learns why.
      onSkipped?.({ path: dir, reason: `could not read the folder: ${describeFileError(error)}` });
      continue;
    }
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      if (isHiddenName(name)) continue;
      const path = join(dir, name);
      const validName = Buffer.from(name, 'utf8').equals(entry.name);
      const rawPath = validName ? path : Buffer.concat([Buffer.from(join(dir, '/')), entry.name]);

      let stats: Stats | null = null;
      let statError: unknown = null;
      let leadsOut: string | null = null;
      if (entry.isSymbolicLink() || entry.isDirectory()) {
        try {
          stats = statSync(rawPath);
          if (entry.isSymbolicLink()) leadsOut = outsideRoot(rawPath);
        } catch (error) {
          statError = error;
        }
        if (stats?.isDirectory() && leadsOut) {
          onSkipped?.({ path, reason: `a link to ${leadsOut}, outside the library folder: not followed` });
          continue;
        }
        if (stats?.isDirectory()) {
          const key = `${stats.dev}:${stats.ino}`;
          if (!visited.has(key) && validName) {
            visited.add(key);
            pending.push(path);
          }
          continue;
        }
      }
      if (!isAudioPath(name)) continue;
      if (!stats && !statError) {
        try {
          stats = statSync(rawPath);
        } catch (error) {
          statError = error;
        }
      }
      if (!stats) {
        // A dangling link or a link loop that looks like a track: recorded, so the user sees why.
        found.push({ path, size: 0, mtimeMs: 0, error: describeFileError(statError) });
        continue;
      }
      if (!stats.isFile()) continue;
      if (leadsOut) {
        found.push({ path, size: 0, mtimeMs: 0, error: outsideLibraryReason(leadsOut) });
        continue;
      }
      found.push({
        path,
        ...fileStamp(stats),
        error: validName ? null : 'the file name is not valid UTF-8; rename the file so Timbre can open it',
      });
    }
    await nextTurn();
  }
  return found;
}

/** The real path of `path` when it lies outside the folder `root` (a link leading out), else null. */
export function realPathOutside(path: string, root: string): string | null {
  return outsideOf(realpathSync(path), realpathSync(root));
}

function outsideOf(real: string, realRoot: string): string | null {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep) ? null : real;
}

/** Why a file reached through a link that leads out of the library is refused. */
export function outsideLibraryReason(real: string): string {
  return `a link to ${real}, outside the library folder: it is not read or played`;
}

const FINGERPRINT_CHUNK = 64 * 1024;

/**
 * A content fingerprint that recognises a renamed or moved file without reading it whole: SHA-1 of
 * the size and the first and last 64 KiB. null for empty or unreadable files.
 */
export function fingerprintFile(path: string, size: number): string | null {
  if (size <= 0) return null;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const hash = createHash('sha1').update(String(size));
    const head = Buffer.allocUnsafe(Math.min(FINGERPRINT_CHUNK, size));
    hash.update(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
    if (size > FINGERPRINT_CHUNK) {
      const tailLength = Math.min(FINGERPRINT_CHUNK, size - FINGERPRINT_CHUNK);
      const tail = Buffer.allocUnsafe(tailLength);
      hash.update(tail.subarray(0, readSync(fd, tail, 0, tailLength, size - tailLength)));
    }
    return hash.digest('hex');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Turns file-system errors into reasons a user can act on. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found (deleted or moved after the scan)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the file is not readable';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENAMETOOLONG':
      return 'the file name is too long for the system';
    case 'EISDIR':
      return 'not a regular file';
    case 'EIO':
      return 'input/output error while reading the file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
