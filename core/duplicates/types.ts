/** The plain-data shapes of duplicate detection that the app is served as they are (no Node-only code). */

/** One file of a duplicated recording. */
export interface DuplicateTrack {
  trackId: number;
  path: string;
  /** The file's format, from its extension ("FLAC", "MP3"). */
  format: string;
  /** kbit/s, when known. */
  bitrate: number | null;
  durationSec: number | null;
  size: number;
}

/** Files that hold one recording: byte-identical copies, or the same audio in different files. */
export interface DuplicateGroup {
  /** Stable while its members are: the smallest track id. */
  id: number;
  kind: 'identical' | 'same recording';
  tracks: DuplicateTrack[];
}
