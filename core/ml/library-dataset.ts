import { existsSync } from 'node:fs';
import type { Db } from '../db/open.js';
import { GenresRepo } from '../db/repos/genres.js';
import { TracksRepo } from '../db/repos/tracks.js';
import { builtinGenre } from '../genres/vocabulary.js';
import type { LabelledClip, LabelledDataset } from './dataset.js';

export interface LibraryDatasetOptions {
  /** Genres with fewer labelled tracks are left out: a class needs examples to be learnt and validated. */
  minTracksPerGenre: number;
}

export const DEFAULT_LIBRARY_DATASET_OPTIONS: LibraryDatasetOptions = { minTracksPerGenre: 5 };

export interface LibraryDataset extends LabelledDataset {
  /** Tracks that were not used, by reason, for the report. */
  skipped: { unlabelled: number; failedAnalysis: number; missingFile: number; rareGenre: Record<string, number> };
  /** Labelled tracks whose label came from the user's confirmation (the rest from a tag). */
  confirmed: number;
}

/**
 * The library as a training set. A track's label is its first confirmed genre (what the user set or
 * accepted, track_confirmed_genres) or else its first tag genre that is a known genre of the
 * vocabulary (a built-in name or synonym, under its canonical name): free-text tags such as
 * "Favourites" are not genres. Tracks are grouped by their artist tag, so validation and
 * cross-validation hold out whole artists; a track without one is its own group.
 */
export function libraryDataset(db: Db, options: LibraryDatasetOptions = DEFAULT_LIBRARY_DATASET_OPTIONS): LibraryDataset {
  const confirmedByTrack = new Map(new GenresRepo(db).allConfirmed().map((row) => [row.trackId, row.genres]));
  const skipped: LibraryDataset['skipped'] = { unlabelled: 0, failedAnalysis: 0, missingFile: 0, rareGenre: {} };
  const candidates: Array<LabelledClip & { fromConfirmation: boolean }> = [];
  for (const track of new TracksRepo(db).summaries()) {
    const confirmed = confirmedByTrack.get(track.id)?.[0];
    const tagged = track.genres.map((genre) => builtinGenre(genre)?.name).find((name) => name !== undefined);
    const label = confirmed ?? tagged;
    if (!label) {
      skipped.unlabelled++;
      continue;
    }
    if (track.status === 'error') {
      skipped.failedAnalysis++;
      continue;
    }
    if (!existsSync(track.path)) {
      skipped.missingFile++;
      continue;
    }
    const artist = track.artist?.trim();
    candidates.push({
      file: track.path,
      label,
      group: artist ? `artist:${artist.toLowerCase()}` : `file:${track.path}`,
      durationSec: track.durationSec,
      fromConfirmation: confirmed !== undefined,
    });
  }
  const counts = new Map<string, number>();
  for (const clip of candidates) counts.set(clip.label, (counts.get(clip.label) ?? 0) + 1);
  const labels = [...counts.entries()]
    .filter(([, count]) => count >= options.minTracksPerGenre)
    .map(([label]) => label)
    .sort((a, b) => a.localeCompare(b, 'en'));
  for (const [label, count] of counts) if (!labels.includes(label)) skipped.rareGenre[label] = count;
  const used = candidates.filter((clip) => labels.includes(clip.label));
  return {
    labels,
    clips: used.map(({ fromConfirmation: _fromConfirmation, ...clip }) => clip),
    groupedByArtist: used.length > 0 && used.every((clip) => clip.group.startsWith('artist:')),
    skipped,
    confirmed: used.filter((clip) => clip.fromConfirmation).length,
  };
}
