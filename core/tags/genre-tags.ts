import { extname } from 'node:path';
import { File, Id3v2Settings, TagTypes, type Tag } from 'node-taglib-sharp';
import { MemoryFileAbstraction } from './memory-file.js';

// Write genre names as text ("Rock"), never as ID3v1 numeric codes ("(17)"): other players and
// Timbre's own reader then see exactly the name the user chose.
Id3v2Settings.useNumericGenres = false;

/**
 * Audio formats whose genre Timbre writes, by extension, and which tag field that is. node-taglib-sharp
 * chooses the container parser from the mime type; every one of these rewrites only tag structures and
 * never re-encodes audio.
 */
export const GENRE_TAG_FORMATS: Readonly<Record<string, string>> = {
  mp3: 'ID3v2 TCON (and ID3v1/APE genre if present)',
  mp2: 'ID3v2 TCON',
  aac: 'ID3v2 TCON / APE Genre',
  flac: 'Vorbis comment GENRE',
  ogg: 'Vorbis comment GENRE',
  oga: 'Vorbis comment GENRE',
  opus: 'Vorbis comment GENRE',
  m4a: 'MP4 ©gen',
  m4b: 'MP4 ©gen',
  mp4: 'MP4 ©gen',
  aif: 'ID3v2 TCON',
  aiff: 'ID3v2 TCON',
  wav: 'RIFF INFO IGNR / ID3v2 TCON',
  wma: 'ASF WM/Genre',
  asf: 'ASF WM/Genre',
  ape: 'APE Genre',
  mka: 'Matroska GENRE',
  webm: 'Matroska GENRE',
};

/** Tag types that node-taglib-sharp adds to some formats on open even when the file has none. */
const OPTIONAL_TRAILER_TAGS = TagTypes.Id3v1 | TagTypes.Ape;

/** The genre values of one tag inside a file, e.g. { tag: 'Id3v2', genres: ['Hip-Hop'] }. */
export interface TagGenres {
  tag: string;
  genres: string[];
}

export class UnsupportedTagFormatError extends Error {
  override readonly name = 'UnsupportedTagFormatError';
}

/** The node-taglib-sharp mime type for a path, or an UnsupportedTagFormatError naming what is supported. */
export function tagFormatOf(path: string): string {
  const extension = extname(path).slice(1).toLowerCase();
  if (!(extension in GENRE_TAG_FORMATS)) {
    throw new UnsupportedTagFormatError(
      `Timbre cannot write tags to .${extension || '(no extension)'} files; supported: ${Object.keys(GENRE_TAG_FORMATS).join(', ')}`,
    );
  }
  return `taglib/${extension}`;
}

/** Reads each tag's genres from a file's bytes. */
export function readGenreTags(bytes: Uint8Array, format: string, name = 'file'): TagGenres[] {
  return withTagFile(bytes, format, name, (file) => genresByTag(file));
}

/**
 * Returns the file's bytes with `genres` as the genre of every tag the file carries (a file with no
 * tag at all gets its format's main one), and each tag's genres before and after. Only the genre
 * field changes; the written result is read back and some tag must hold exactly `genres`.
 */
export function writeGenreTags(
  bytes: Uint8Array,
  format: string,
  genres: readonly string[],
  name = 'file',
): { bytes: Buffer; before: TagGenres[]; after: TagGenres[] } {
  const abstraction = new MemoryFileAbstraction(name, bytes);
  const file = File.createFromAbstraction(abstraction, format);
  let before: TagGenres[];
  try {
    if (file.isPossiblyCorrupt) {
      throw new Error(`${name} looks damaged (${file.corruptionReasons.join('; ')}); Timbre does not write tags to it`);
    }
    if (!file.isWritable) throw new Error(`${name}: node-taglib-sharp cannot write this file's tags`);
    dropTagsAddedOnOpen(file);
    before = genresByTag(file);
    file.tag.genres = [...genres];
    file.save();
  } finally {
    file.dispose();
  }
  const written = abstraction.contents();
  const after = readGenreTags(written, format, name);
  // Some tags cannot hold every genre (ID3v1 keeps one, from a fixed list); the main tag must hold them all.
  if (!after.some((tag) => sameList(tag.genres, genres))) {
    throw new Error(`${name}: the genre did not survive writing (read back ${JSON.stringify(after)})`);
  }
  return { bytes: written, before, after };
}

function withTagFile<T>(bytes: Uint8Array, format: string, name: string, use: (file: File) => T): T {
  const file = File.createFromAbstraction(new MemoryFileAbstraction(name, bytes), format);
  try {
    dropTagsAddedOnOpen(file);
    return use(file);
  } finally {
    file.dispose();
  }
}

/**
 * node-taglib-sharp creates ID3v1 (and for some formats APE) tags in memory on open; saving would add
 * them to files that never had them. Drop those unless they are the only tag the format can hold.
 */
function dropTagsAddedOnOpen(file: File): void {
  const added = file.tagTypes & ~file.tagTypesOnDisk & OPTIONAL_TRAILER_TAGS;
  if (added && file.tagTypes & ~added) file.removeTags(added);
}

function genresByTag(file: File): TagGenres[] {
  const tags: TagGenres[] = [];
  for (let type = 1; type <= file.tagTypes; type *= 2) {
    if (!(file.tagTypes & type)) continue;
    const tag: Tag | undefined = file.getTag(type, false);
    if (tag) tags.push({ tag: TagTypes[type] ?? `tag${type}`, genres: [...(tag.genres ?? [])] });
  }
  return tags;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
