import { statSync } from 'node:fs';
import { decodeAnalysisExcerpt, type AnalysisExcerpt } from '../../audio/windows.js';
import { readTags } from '../../library/tags.js';

/**
 * Decodes FILE's analysis excerpt exactly as a scan does: the windows depend on the track's duration,
 * read the way the scan's workers read it (readTags: header, else the Ogg tail or a full pass), so the
 * statistics of `features`, `classify` and `similar` match the library's for the same file.
 * A missing file or a folder fails with that, before ffmpeg would say it less plainly.
 */
export async function decodeFileExcerpt(file: string): Promise<AnalysisExcerpt> {
  requireFile(file);
  // Unreadable tags are not fatal: ffmpeg may still decode the audio (then the middle 30 s of its first 75 s).
  const durationSeconds = await readTags(file).then(
    (tags) => tags.durationSec,
    () => null,
  );
  return decodeAnalysisExcerpt(file, durationSeconds);
}

/** Throws 'no such file' or 'is a folder, not an audio file' (without the path: callers name it). */
export function requireFile(file: string): void {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats) throw new Error('no such file');
  if (stats.isDirectory()) throw new Error('is a folder, not an audio file');
}
