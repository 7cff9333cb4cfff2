import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Audio file extensions the folder dataset picks up. */
const AUDIO_EXTENSIONS = new Set(['.mp3', '.wav', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.wma', '.aiff', '.aif']);

export interface LabelledClip {
  file: string;
  label: string;
  /** Who made it; clips of one artist never straddle a train/test split. Unknown: the file itself. */
  group: string;
  /** The track's duration when known (long tracks are analysed in three windows); absent: decode all. */
  durationSec?: number | null;
}

/** Labelled clips from anywhere (a genre-folder dataset, the library). */
export interface LabelledDataset {
  /** Genre names, sorted: the label order of every model trained on this dataset. */
  labels: string[];
  clips: LabelledClip[];
  /** True when the artist of every clip is known. */
  groupedByArtist: boolean;
}

export interface FolderDataset extends LabelledDataset {
  root: string;
}

/**
 * Reads the common genre-dataset layout: DIR/<genre>/<audio files>, with an optional
 * DIR/artists.tsv (columns genre, file, artist; header line) naming each clip's artist.
 */
export async function readFolderDataset(root: string): Promise<FolderDataset> {
  const entries = await readdir(root, { withFileTypes: true });
  const labels = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (labels.length < 2) throw new Error(`${root}: expected one folder per genre (found ${labels.length})`);
  const artists = await readArtists(path.join(root, 'artists.tsv'));
  const clips: LabelledClip[] = [];
  let withArtist = 0;
  for (const label of labels) {
    const files = (await readdir(path.join(root, label)))
      .filter((name) => AUDIO_EXTENSIONS.has(path.extname(name).toLowerCase()))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of files) {
      const artist = artists.get(`${label}/${name}`);
      if (artist) withArtist++;
      clips.push({ file: path.join(root, label, name), label, group: artist ? `artist:${artist}` : `file:${label}/${name}` });
    }
  }
  if (clips.length === 0) throw new Error(`${root}: no audio files in the genre folders`);
  return { root, labels, clips, groupedByArtist: withArtist === clips.length };
}

async function readArtists(file: string): Promise<Map<string, string>> {
  const byClip = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return byClip;
  }
  const [header, ...rows] = text.split(/\r?\n/).filter((line) => line.trim());
  const columns = header.split('\t').map((name) => name.trim().toLowerCase());
  const [genre, name, artist] = ['genre', 'file', 'artist'].map((column) => columns.indexOf(column));
  if (genre < 0 || name < 0 || artist < 0) throw new Error(`${file}: expected columns genre, file, artist`);
  for (const row of rows) {
    const cells = row.split('\t');
    if (cells[artist]?.trim()) byClip.set(`${cells[genre]}/${cells[name]}`, cells[artist].trim());
  }
  return byClip;
}

/** A key that changes whenever the file does (path, size, modification time). */
export async function fileFingerprint(file: string): Promise<string> {
  const info = await stat(file);
  return `${path.resolve(file)}|${info.size}|${Math.round(info.mtimeMs)}`;
}
