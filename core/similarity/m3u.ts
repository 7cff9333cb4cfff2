import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PathStyle } from './types.js';

/**
 * Extended M3U playlists in UTF-8 (.m3u8), the format every player reads:
 *
 *   #EXTM3U
 *   #EXTINF:215,Artist - Title
 *   relative/or/absolute/path.mp3
 */

export interface PlaylistEntry {
  /** Absolute path of the track (or a URL, kept as written). */
  path: string;
  durationSec?: number | null;
  artist?: string | null;
  title?: string | null;
}

/**
 * The M3U8 text of `entries` for a playlist file at `playlistFile`. Relative paths are taken from
 * the playlist's folder; a track on another drive (Windows) falls back to its absolute path.
 */
export function formatM3u8(entries: readonly PlaylistEntry[], playlistFile: string, style: PathStyle = 'relative'): string {
  const base = path.dirname(path.resolve(playlistFile));
  const lines = ['#EXTM3U'];
  for (const entry of entries) {
    const seconds = entry.durationSec && entry.durationSec > 0 ? Math.round(entry.durationSec) : -1;
    const label = [entry.artist, entry.title].filter((part) => part && part.trim()).join(' - ') || path.basename(entry.path);
    lines.push(`#EXTINF:${seconds},${singleLine(label)}`);
    lines.push(style === 'relative' && !isUrl(entry.path) ? relativeLocation(base, entry.path) : entry.path);
  }
  return `${lines.join('\n')}\n`;
}

/** Parses M3U/M3U8 text; relative locations resolve against `playlistFile`'s folder. */
export function parseM3u8(text: string, playlistFile: string): PlaylistEntry[] {
  const base = path.dirname(path.resolve(playlistFile));
  return parseM3u8Locations(text).map((entry) => ({ ...entry, path: resolveLocation(base, entry.path) }));
}

/**
 * Parses M3U/M3U8 text keeping each location as written (`path` may be relative): for text whose
 * file is not known, e.g. an upload.
 */
export function parseM3u8Locations(text: string): PlaylistEntry[] {
  const entries: PlaylistEntry[] = [];
  let pending: Omit<PlaylistEntry, 'path'> | null = null;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      if (line.toUpperCase().startsWith('#EXTINF:')) pending = parseExtinf(line.slice('#EXTINF:'.length));
      continue; // #EXTM3U and every other directive or comment
    }
    entries.push({ path: line, ...(pending ?? {}) });
    pending = null;
  }
  return entries;
}

/** Writes the playlist, creating its folder if needed. */
export async function writeM3u8File(file: string, entries: readonly PlaylistEntry[], style: PathStyle = 'relative'): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, formatM3u8(entries, file, style), 'utf8');
}

export async function readM3u8File(file: string): Promise<PlaylistEntry[]> {
  return parseM3u8(await readFile(file, 'utf8'), file);
}

/** "#EXTINF:<seconds>[ attributes],<Artist - Title>" → duration, artist, title. */
function parseExtinf(value: string): Omit<PlaylistEntry, 'path'> {
  const comma = value.indexOf(',');
  const head = comma < 0 ? value : value.slice(0, comma);
  const label = comma < 0 ? '' : value.slice(comma + 1).trim();
  const seconds = Number.parseFloat(head.trim().split(/\s+/)[0]);
  const entry: Omit<PlaylistEntry, 'path'> = {};
  if (Number.isFinite(seconds) && seconds > 0) entry.durationSec = seconds;
  const dash = label.indexOf(' - ');
  if (dash >= 0) {
    entry.artist = label.slice(0, dash).trim();
    entry.title = label.slice(dash + 3).trim();
  } else if (label) {
    entry.title = label;
  }
  return entry;
}

function relativeLocation(base: string, file: string): string {
  const absolute = path.resolve(file);
  const relative = path.relative(base, absolute);
  // path.relative returns an absolute path when there is no relative one (another drive).
  return !relative || path.isAbsolute(relative) ? absolute : relative;
}

/** A location as a path or URL: file:// URLs become paths, relative paths resolve against `base`. */
export function resolveLocation(base: string, location: string): string {
  if (location.toLowerCase().startsWith('file://')) return fileURLToPath(location);
  if (isUrl(location)) return location;
  return path.resolve(base, location);
}

export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(location);
}

function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
