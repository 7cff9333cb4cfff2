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

/**
 * File names are stored and passed around as strings (SQLite text, JSON, the API), but on Linux a name
 * is any bytes. A byte that is not part of valid UTF-8 is kept as the character U+F700 + byte
 * (U+F780–U+F7FF, private use), and a name that really holds one of those characters has its UTF-8
 * bytes kept the same way, so every name maps to one string and back to its exact bytes.
 */
const BYTE_ESCAPE_BASE = 0xf700;
const isByteEscape = (codePoint: number): boolean => codePoint >= BYTE_ESCAPE_BASE + 0x80 && codePoint <= BYTE_ESCAPE_BASE + 0xff;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A file name's bytes as a string that fsPath turns back into the same bytes. */
export function nameFromBytes(bytes: Buffer): string {
  const plain = bytes.toString('utf8');
  if (Buffer.from(plain, 'utf8').equals(bytes) && !hasByteEscapes(plain)) return plain;
  let name = '';
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes[i]);
    let char: string | null = null;
    if (length > 0 && i + length <= bytes.length) {
      try {
        char = strictUtf8.decode(bytes.subarray(i, i + length));
      } catch {
        char = null;
      }
    }
    if (char !== null && !isByteEscape(char.codePointAt(0)!)) {
      name += char;
      i += length;
    } else {
      name += String.fromCodePoint(BYTE_ESCAPE_BASE + bytes[i]);
      i += 1;
    }
  }
  return name;
}

/** The path to hand the file system: the string itself, or the exact bytes of a name nameFromBytes kept. */
export function fsPath(path: string): string | Buffer {
  if (!hasByteEscapes(path)) return path;
  const parts: Buffer[] = [];
  for (const char of path) {
    const codePoint = char.codePointAt(0)!;
    parts.push(isByteEscape(codePoint) ? Buffer.of(codePoint - BYTE_ESCAPE_BASE) : Buffer.from(char, 'utf8'));
  }
  return Buffer.concat(parts);
}

function hasByteEscapes(text: string): boolean {
  return /[\uf780-\uf7ff]/.test(text);
}

function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
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
 * and reported through `onSkipped`, as is a folder that cannot be read. A name that is not valid UTF-8
 * is listed as nameFromBytes keeps it (fsPath opens it). Yields to the event loop between directories.
 */
export async function listAudioFiles(root: string, { onSkipped }: { onSkipped?: (folder: SkippedFolder) => void } = {}): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const visited = new Set<string>();
  const pending = [root];
  const rootStats = statSync(root);
  visited.add(`${rootStats.dev}:${rootStats.ino}`);
  const realRoot = realPath(root);
  const outsideRoot = (path: string): string | null => outsideOf(realPath(path), realRoot);

  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(fsPath(dir), { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      // Its files are not in the library: say so, or the user never learns why.
      onSkipped?.({ path: dir, reason: `could not read the folder: ${describeFileError(error)}` });
      continue;
    }
    for (const entry of entries) {
      const name = nameFromBytes(entry.name);
      if (isHiddenName(name)) continue;
      const path = join(dir, name);

      let stats: Stats | null = null;
      let statError: unknown = null;
      let leadsOut: string | null = null;
      if (entry.isSymbolicLink() || entry.isDirectory()) {
        try {
          stats = statSync(fsPath(path));
          if (entry.isSymbolicLink()) leadsOut = outsideRoot(path);
        } catch (error) {
          statError = error;
        }
        if (stats?.isDirectory() && leadsOut) {
          onSkipped?.({ path, reason: `a link to ${leadsOut}, outside the library folder: not followed` });
          continue;
        }
        if (stats?.isDirectory()) {
          const key = `${stats.dev}:${stats.ino}`;
          if (!visited.has(key)) {
            visited.add(key);
            pending.push(path);
          }
          continue;
        }
      }
      if (!isAudioPath(name)) continue;
      if (!stats && !statError) {
        try {
          stats = statSync(fsPath(path));
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
      found.push({ path, ...fileStamp(stats), error: null });
    }
    await nextTurn();
  }
  return found;
}

/** The real path of `path` when it lies outside the folder `root` (a link leading out), else null. */
export function realPathOutside(path: string, root: string): string | null {
  return outsideOf(realPath(path), realPath(root));
}

/** realpathSync for a path as nameFromBytes keeps it (Node's own realpathSync turns bytes into text, the system's does not). */
export function realPath(path: string): string {
  const target = fsPath(path);
  return typeof target === 'string' ? realpathSync(target) : nameFromBytes(realpathSync.native(target, { encoding: 'buffer' }));
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
    fd = openSync(fsPath(path), 'r');
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
