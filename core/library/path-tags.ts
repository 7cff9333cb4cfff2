import { basename, extname, relative, sep } from 'node:path';

/**
 * Tags inferred from where a file lies, for files whose own tags say nothing: the common layouts
 * Artist/Album/NN Title.ext, Artist/Album/CD1/NN Title.ext, Album/NN Title.ext,
 * "Artist - Album"/NN Title.ext and "NN - Artist - Title.ext".
 */
export interface PathTags {
  title: string;
  artist: string | null;
  album: string | null;
  trackNo: number | null;
  discNo: number | null;
}

/** A disc folder inside an album folder: "CD1", "Disc 2", "disk_3". */
const DISC_FOLDER = /^(?:cd|disc|disk)[\s_-]*(\d{1,2})$/i;
/** A leading track number: "07 ", "07. ", "07 - ", "1-07 " (disc-track), "A2 " is left alone. */
const TRACK_PREFIX = /^(?:(\d{1,2})[-.](?=\d))?(\d{1,3})(?:\s*[-.)_]\s*|\s+)(?=\S)/;
/** A year around an album folder's name: "1994 - Album", "[1994] Album", "Album (1994)". */
const YEAR_PREFIX = /^[[(]?(?:19|20)\d\d[\])]?\s*(?:-\s*)?(?=\S)/;
const YEAR_SUFFIX = /\s*[[(](?:19|20)\d\d[\])]$/;
const ARTIST_SEPARATOR = ' - ';

/**
 * `root` is the library folder the file was found in: folders above it (home, Music) say nothing
 * about the music. Underscores read as spaces.
 */
export function inferTagsFromPath(path: string, root?: string): PathTags {
  const inside = root ? relative(root, path) : path;
  const parts = inside.split(sep).filter(Boolean);
  const fileName = basename(parts.pop() ?? path);
  const folders = root ? parts : parts.slice(-3);

  let discNo: number | null = null;
  const last = folders.at(-1);
  const disc = last ? DISC_FOLDER.exec(last) : null;
  if (disc) {
    discNo = Number(disc[1]);
    folders.pop();
  }

  let stem = readable(basename(fileName, extname(fileName)));
  let trackNo: number | null = null;
  const prefix = TRACK_PREFIX.exec(stem);
  if (prefix) {
    if (prefix[1] !== undefined) discNo ??= Number(prefix[1]);
    trackNo = Number(prefix[2]);
    stem = stem.slice(prefix[0].length);
  }

  let artist: string | null = null;
  let album: string | null = null;
  const albumFolder = folders.at(-1);
  const artistFolder = folders.at(-2);
  if (albumFolder !== undefined) {
    album = readable(albumFolder);
    if (artistFolder !== undefined) {
      artist = readable(artistFolder);
    } else if (album.includes(ARTIST_SEPARATOR)) {
      [artist, album] = splitOnce(album);
    }
    album = album.replace(YEAR_PREFIX, '').replace(YEAR_SUFFIX, '') || album;
  }

  let title = stem;
  if (stem.includes(ARTIST_SEPARATOR)) {
    const [before, after] = splitOnce(stem);
    // "Artist - Title" when no folder named the artist, or when it repeats the folder's artist.
    if (artist === null || before.toLowerCase() === artist.toLowerCase()) {
      artist = before;
      title = after;
    }
  }
  return { title: title || stem || fileName, artist: artist || null, album: album || null, trackNo, discNo };
}

function readable(name: string): string {
  return name.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

function splitOnce(text: string): [string, string] {
  const at = text.indexOf(ARTIST_SEPARATOR);
  return [text.slice(0, at).trim(), text.slice(at + ARTIST_SEPARATOR.length).trim()];
}
