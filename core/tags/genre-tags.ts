import { extname } from 'node:path';
import { File, Id3v2Settings, TagTypes, type Tag } from 'node-taglib-sharp';
import { MemoryFileAbstraction } from './memory-file.js';

// Write genre names as text ("Rock"), never as ID3v1 numeric codes ("(17)"): other players and
// Timbre's own reader then see exactly the name the user chose.
Id3v2Settings.useNumericGenres = false;

interface TagFormat {
  /** The tag a file of this format gets when it has none yet. */
  mainTag: TagTypes;
  field: string;
}

const ID3V2: TagFormat = { mainTag: TagTypes.Id3v2, field: 'ID3v2 TCON' };
const XIPH: TagFormat = { mainTag: TagTypes.Xiph, field: 'Vorbis comment GENRE' };
const APPLE: TagFormat = { mainTag: TagTypes.Apple, field: 'MP4 ©gen' };

/**
 * Audio formats whose genre Timbre writes, by extension. node-taglib-sharp picks the container parser
 * from the mime type; each rewrites only tag structures and never re-encodes audio. The genre goes
 * into every tag the file already has (e.g. ID3v2 and ID3v1), or into the main tag if it has none.
 */
export const GENRE_TAG_FORMATS: Readonly<Record<string, TagFormat>> = {
  mp3: ID3V2,
  mp2: ID3V2,
  aac: ID3V2,
  aif: ID3V2,
  aiff: ID3V2,
  flac: XIPH,
  ogg: XIPH,
  oga: XIPH,
  opus: XIPH,
  m4a: APPLE,
  m4b: APPLE,
  mp4: APPLE,
  wav: { mainTag: TagTypes.RiffInfo, field: 'RIFF INFO IGNR' },
  // Left out on purpose: WMA/ASF (node-taglib-sharp 6.0.3 writes ffmpeg-made files that no longer
  // decode) and Matroska/WebM (it fails to parse ffmpeg-made files).
};

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
  return withTagFile(bytes, format, name, genresByTag).map(({ tag, genres }) => ({ tag, genres }));
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
  let before: Array<TagGenres & { type: TagTypes }>;
  try {
    if (file.isPossiblyCorrupt) {
      throw new Error(`${name} looks damaged (${file.corruptionReasons.join('; ')}); Timbre does not write tags to it`);
    }
    if (!file.isWritable) throw new Error(`${name}: node-taglib-sharp cannot write this file's tags`);
    const onDisk = file.tagTypesOnDisk;
    dropTagsAddedOnOpen(file, format);
    // A tag created just now (node-taglib-sharp fills it from the others) had no genre in the file.
    before = genresByTag(file).map((tag) => (onDisk && !(onDisk & tag.type) ? { ...tag, genres: [] } : tag));
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
  return { bytes: written, before: before.map(({ tag, genres }) => ({ tag, genres })), after };
}

function withTagFile<T>(bytes: Uint8Array, format: string, name: string, use: (file: File) => T): T {
  const file = File.createFromAbstraction(new MemoryFileAbstraction(name, bytes), format);
  try {
    dropTagsAddedOnOpen(file, format);
    return use(file);
  } finally {
    file.dispose();
  }
}

/**
 * node-taglib-sharp creates default tags in memory on open (ID3v1 for MP3; ID3v2 and movie tags for
 * WAV); saving would add them to files that never had them. Keep only the tags on disk, plus the
 * format's main tag when those cannot hold a genre list: none at all (Ogg reports none, as its comment
 * lives in the codec header), or only ID3v1 (one genre from a fixed list).
 */
function dropTagsAddedOnOpen(file: File, format: string): void {
  const onDisk = file.tagTypesOnDisk;
  const keep = onDisk & ~TagTypes.Id3v1 ? onDisk : onDisk | GENRE_TAG_FORMATS[format.slice('taglib/'.length)].mainTag;
  const added = file.tagTypes & ~keep;
  if (added) file.removeTags(added);
}

function genresByTag(file: File): Array<TagGenres & { type: TagTypes }> {
  const tags: Array<TagGenres & { type: TagTypes }> = [];
  for (let type = 1; type <= file.tagTypes; type *= 2) {
    if (!(file.tagTypes & type)) continue;
    const tag: Tag | undefined = file.getTag(type, false);
    // RIFF INFO strings keep their C terminator; it is not part of the genre.
    if (tag) tags.push({ type, tag: TagTypes[type] ?? `tag${type}`, genres: (tag.genres ?? []).map((genre) => genre.replace(/\0+$/, '')) });
  }
  return tags;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
