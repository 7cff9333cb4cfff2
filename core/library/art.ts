import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Album art: a track's picture is its embedded front cover, else a cover image in its folder
 * (cover, folder, front, album; jpg, png or webp). Each picture becomes one square thumbnail, made
 * once and named by the hash of the picture's bytes, so the twelve tracks of an album (and any
 * rescan) share one file in the art cache. Runs in the analysis workers: files only, never the database.
 */

/** Thumbnail edge in pixels: sharp at 2× the largest place it is shown (the album page, 128 CSS px). */
export const ART_SIZE = 256;
const ART_HASH_LENGTH = 32;
/** Cover file names in order of preference; the extension is any of COVER_EXTENSIONS. */
const COVER_NAMES = ['cover', 'folder', 'front', 'album', 'albumart'];
const COVER_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'];

export interface Picture {
  data: Uint8Array;
}

/** The thumbnail file of an art hash; the hash is checked, so a request cannot name another file. */
export function artFilePath(artDir: string, hash: string): string | null {
  return /^[0-9a-f]+$/.test(hash) && hash.length === ART_HASH_LENGTH ? join(artDir, `${hash}.webp`) : null;
}

/**
 * The track's art hash, making its thumbnail if the cache lacks it; null when the track has no
 * picture or none that decodes (a damaged embedded picture falls back to the folder's cover).
 */
export async function trackArt(trackPath: string, embedded: Picture | null, artDir: string): Promise<string | null> {
  if (embedded) {
    const hash = await thumbnail(embedded.data, artDir);
    if (hash) return hash;
  }
  const cover = await folderCover(dirname(trackPath));
  return cover ? thumbnail(cover, artDir) : null;
}

/** Cover images by folder, so an album's tracks read its folder once per worker. */
const coverPathByFolder = new Map<string, { mtimeMs: number; coverPath: string | null }>();
const COVER_CACHE_LIMIT = 256;

async function folderCover(folder: string): Promise<Uint8Array | null> {
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat) return null;
  let cached = coverPathByFolder.get(folder);
  if (!cached || cached.mtimeMs !== folderStat.mtimeMs) {
    const names = await readdir(folder).catch(() => [] as string[]);
    const byLowerName = new Map(names.map((name) => [name.toLowerCase(), name]));
    let coverPath: string | null = null;
    search: for (const base of COVER_NAMES) {
      for (const extension of COVER_EXTENSIONS) {
        const name = byLowerName.get(base + extension);
        if (name) {
          coverPath = join(folder, name);
          break search;
        }
      }
    }
    if (coverPathByFolder.size >= COVER_CACHE_LIMIT) coverPathByFolder.clear();
    cached = { mtimeMs: folderStat.mtimeMs, coverPath };
    coverPathByFolder.set(folder, cached);
  }
  return cached.coverPath ? readFile(cached.coverPath).catch(() => null) : null;
}

type Sharp = typeof import('sharp').default;
let sharpLoad: Promise<Sharp | null> | null = null;

/** sharp (libvips), loaded once; null, said once, where its prebuilt binary does not load. */
function loadSharp(): Promise<Sharp | null> {
  sharpLoad ??= import('sharp').then(
    (module) => {
      const sharp = module.default;
      // Thumbnails are made once each: libvips' operation cache would only hold memory.
      sharp.cache(false);
      return sharp;
    },
    (error: unknown) => {
      console.error(`timbre: album art unavailable, the image library did not load: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    },
  );
  return sharpLoad;
}

/** Makes (or finds) the thumbnail of a picture; null when it does not decode as an image. */
export async function thumbnail(picture: Uint8Array, artDir: string): Promise<string | null> {
  const hash = createHash('sha256').update(picture).digest('hex').slice(0, ART_HASH_LENGTH);
  const file = join(artDir, `${hash}.webp`);
  if (await stat(file).then((info) => info.size > 0, () => false)) return hash;
  const sharp = await loadSharp();
  if (!sharp) return null;
  try {
    const webp = await sharp(picture, { failOn: 'error' })
      .rotate()
      .resize(ART_SIZE, ART_SIZE, { fit: 'cover', withoutEnlargement: false })
      .webp({ quality: 80 })
      .toBuffer();
    await mkdir(artDir, { recursive: true });
    // Another worker may be writing the same picture: each writes its own file and renames it into place.
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await writeFile(partial, webp);
    await rename(partial, file);
    return hash;
  } catch {
    return null;
  }
}
