import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, sep } from 'node:path';
import { fsPath, realPath } from '../library/files.js';

/**
 * Serves a track's file for the audio element, honouring HTTP Range requests so the player can seek,
 * and its album art. Shared by the web server and Electron's timbre-media: protocol.
 */
export interface MediaResponse {
  status: 200 | 206 | 404 | 416;
  headers: Record<string, string>;
  /** The bytes to send; null for errors. */
  body: ReadStream | null;
}

const AUDIO_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.webm': 'audio/webm',
  '.wma': 'audio/x-ms-wma',
};

/** The file to serve for a track, or why none is: see libraryMediaFile. */
export type MediaFile = { path: string } | { status: 403 | 404; reason: string };

/** Media requests read files; nothing else is answered. */
export const MEDIA_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * The real path of a track's file, if it lies inside one of the library's folders (also resolved): a
 * symbolic link in a music folder that points elsewhere (at /etc/passwd) is refused, with the reason.
 */
export function libraryMediaFile(path: string | null, folders: readonly string[]): MediaFile {
  if (!path) return { status: 404, reason: 'no such track' };
  let real: string;
  try {
    real = realPath(path);
  } catch {
    return { status: 404, reason: "the track's file is missing" };
  }
  for (const folder of folders) {
    let root: string;
    try {
      root = realPath(folder);
    } catch {
      continue;
    }
    if (real.startsWith(root.endsWith(sep) ? root : root + sep)) return { path: real };
  }
  return { status: 403, reason: `the track's file is ${real}, outside every library folder: it is not served` };
}

export function audioContentType(path: string): string {
  return AUDIO_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Parses a single "bytes=a-b" range against a file size; null means "the whole file", 'unsatisfiable' a bad range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Multi-range and unknown units are allowed to fall back to the whole file (RFC 9110 §14.2).
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export async function mediaResponse(path: string | null, rangeHeader: string | undefined): Promise<MediaResponse> {
  const info = path ? await stat(fsPath(path)).catch(() => null) : null;
  if (!path || !info?.isFile()) return { status: 404, headers: {}, body: null };
  const size = info.size;
  const base = { 'Content-Type': audioContentType(path), 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null };
  }
  if (!range) {
    return { status: 200, headers: { ...base, 'Content-Length': String(size) }, body: createReadStream(fsPath(path)) };
  }
  return {
    status: 206,
    headers: {
      ...base,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
    },
    body: createReadStream(fsPath(path), { start: range.start, end: range.end }),
  };
}

/**
 * Serves an album-art thumbnail (core/library/art.ts). Its URL names the track and the art's content
 * hash, so the browser may keep it: new art comes with a new URL.
 */
export async function artResponse(path: string | null): Promise<MediaResponse> {
  const info = path ? await stat(path).catch(() => null) : null;
  if (!path || !info?.isFile()) return { status: 404, headers: {}, body: null };
  return {
    status: 200,
    headers: { 'Content-Type': 'image/webp', 'Content-Length': String(info.size), 'Cache-Control': 'private, max-age=31536000, immutable' },
    body: createReadStream(path),
  };
}
