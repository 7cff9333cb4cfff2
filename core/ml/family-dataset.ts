import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { GENRE_FAMILIES, GENRE_FAMILY_IDS, genreFamilies, placeGenre } from '../genres/tree.js';
import { readTags } from '../library/tags.js';
import { AUDIO_EXTENSIONS } from '../library/files.js';
import { readFolderDataset, type LabelledClip } from './dataset.js';

/**
 * A clip labelled with the genre families it belongs to. A clip's families are a set: the model is
 * asked that its top family be one of them, so an umbrella genre ("Pop/Rock": pop, rock, metal or punk)
 * counts as one positive among its members rather than as several.
 */
export interface FamilyClip extends LabelledClip {
  /** Indices into the dataset's `labels` (the tree's families); empty: no family the model can hear. */
  families: number[];
  /** Which source folder the clip came from (its index in `FamilyDataset.sources`). */
  source: number;
}

export type FamilyLayout = 'allmusic-metadata' | 'genre-folders' | 'family-folders';

export interface FamilySource {
  root: string;
  layout: FamilyLayout;
  /** True when every clip has exactly one source genre (a genre-folder or one-family dataset). */
  singleLabel: boolean;
  /** The source's own genres (genre folders), for accuracy and kappa over them. */
  genres?: string[];
  groupedByArtist: boolean;
}

export interface FamilyDataset {
  /** The tree's family names, in its order: the labels of every family model. */
  labels: string[];
  clips: FamilyClip[];
  sources: FamilySource[];
}

/**
 * Where a --data argument points: a folder, optionally prefixed with a family id ("soundtrack=DIR"):
 * then every audio file under DIR is that family, and its first-level subfolders (a game's package,
 * an album) are the groups that never straddle a split.
 */
export interface FamilySourceSpec {
  root: string;
  family?: string;
}

export function parseFamilySourceSpec(argument: string): FamilySourceSpec {
  const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(argument);
  if (!match) return { root: argument };
  if (!GENRE_FAMILY_IDS.includes(match[1])) throw new Error(`'${match[1]}' is not a genre family (known: ${GENRE_FAMILY_IDS.join(', ')})`);
  return { root: match[2], family: match[1] };
}

/**
 * Reads one or more datasets into one family dataset. Layouts: DIR/metadata.tsv with columns file,
 * artist, genres (AllMusic, ';'-separated: mer4q-dev); DIR/<genre>/<files> with an optional
 * artists.tsv (emotify-dev); FAMILY=DIR for a folder of one family. Artists are matched across
 * datasets by name, so one artist's clips land in one fold whichever dataset holds them.
 */
export async function readFamilyDataset(specs: readonly FamilySourceSpec[]): Promise<FamilyDataset> {
  const labels = GENRE_FAMILIES.map((family) => family.name);
  const clips: FamilyClip[] = [];
  const sources: FamilySource[] = [];
  for (const spec of specs) {
    const source = sources.length;
    const read = spec.family ? await readFamilyFolder(spec.root, spec.family) : await readGenreSource(spec.root);
    sources.push(read.source);
    for (const clip of read.clips) clips.push({ ...clip, families: clip.familyIds.map((id) => GENRE_FAMILY_IDS.indexOf(id)), source });
  }
  return { labels, clips, sources };
}

type ReadClip = LabelledClip & { familyIds: readonly string[] };

async function readGenreSource(root: string): Promise<{ source: FamilySource; clips: ReadClip[] }> {
  const metadata = path.join(root, 'metadata.tsv');
  const text = await readFile(metadata, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text !== null) {
    const clips = parseAllMusicMetadata(text, root, metadata);
    return { source: { root, layout: 'allmusic-metadata', singleLabel: false, groupedByArtist: true }, clips };
  }
  const folders = await readFolderDataset(root);
  const unplaced = folders.labels.filter((label) => placeGenre(label).kind !== 'families');
  if (unplaced.length) {
    throw new Error(`${root}: the genre folders ${unplaced.join(', ')} are not in the genre tree (give FAMILY=${root} for a folder of one family)`);
  }
  return {
    source: { root, layout: 'genre-folders', singleLabel: true, genres: folders.labels, groupedByArtist: folders.groupedByArtist },
    clips: folders.clips.map((clip) => ({
      ...clip,
      group: clip.group.startsWith('artist:') ? artistGroup(clip.group.slice('artist:'.length)) : clip.group,
      familyIds: genreFamilies(clip.label),
    })),
  };
}

/** metadata.tsv rows (file, artist, genres): each clip's families are the union of its genres' families. */
export function parseAllMusicMetadata(text: string, root: string, name = 'metadata.tsv'): ReadClip[] {
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim());
  const columns = header.split('\t').map((column) => column.trim().toLowerCase());
  const [file, artist, genres] = ['file', 'artist', 'genres'].map((column) => columns.indexOf(column));
  if (file < 0 || artist < 0 || genres < 0) throw new Error(`${name}: expected columns file, artist, genres`);
  return rows.map((row) => {
    const cells = row.split('\t');
    const spellings = (cells[genres] ?? '').split(';').map((genre) => genre.trim()).filter(Boolean);
    const familyIds = [...new Set(spellings.flatMap((genre) => genreFamilies(genre)))];
    const who = cells[artist]?.trim();
    return {
      file: path.join(root, cells[file].trim()),
      label: spellings.join(';'),
      group: who ? artistGroup(who) : `file:${cells[file].trim()}`,
      familyIds,
    };
  });
}

/** Group key of an artist, the same in every dataset. */
export function artistGroup(artist: string): string {
  return `artist:${artist.trim().toLowerCase()}`;
}

async function readFamilyFolder(root: string, family: string): Promise<{ source: FamilySource; clips: ReadClip[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const clips: ReadClip[] = [];
  for (const entry of entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const files = entry.isDirectory() ? await audioFilesUnder(path.join(root, entry.name)) : AUDIO_EXTENSIONS.has(path.extname(entry.name).slice(1).toLowerCase()) ? [path.join(root, entry.name)] : [];
    for (const file of files) {
      // Long tracks are analysed in three windows, as a scan does: that needs their duration.
      const durationSec = await readTags(file).then((tags) => tags.durationSec, () => null);
      clips.push({ file, label: family, group: `${family}:${entry.isDirectory() ? entry.name : file}`, durationSec, familyIds: [family] });
    }
  }
  if (clips.length === 0) throw new Error(`${root}: no audio files`);
  return { source: { root, layout: 'family-folders', singleLabel: true, genres: [family], groupedByArtist: true }, clips };
}

async function audioFilesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await audioFilesUnder(full)));
    else if (entry.isFile() && AUDIO_EXTENSIONS.has(path.extname(entry.name).slice(1).toLowerCase())) found.push(full);
  }
  return found;
}
