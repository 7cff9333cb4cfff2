import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../db/open.js';
import { BackboneFeaturesRepo } from '../db/repos/backbone-features.js';
import { FeaturesRepo } from '../db/repos/features.js';
import { PredictionsRepo } from '../db/repos/predictions.js';
import { TracksRepo } from '../db/repos/tracks.js';
import { builtinGenre } from '../genres/vocabulary.js';
import { resolveDbPath } from '../paths.js';
import { LibrarySimilarity, type SimilarityTrack } from './library.js';

/**
 * Every analysed track of the library database with what similarity needs: tags, tempo and the
 * 518 MIR statistics, plus an embedding where the track has one: the pretrained backbone's when the scan
 * stored any (of the model that analysed most tracks; tracks without one get none, as widths must agree),
 * else the classifier's. The user's confirmed genres count as the track's genres too.
 * A track's label for the genre projection is its first confirmed genre, else its first tag genre that
 * the vocabulary knows (under its canonical name), as for retraining (core/ml/library-dataset.ts):
 * free-text tags such as "Favourites" teach nothing.
 */
export function loadSimilarityTracks(db: Db): SimilarityTrack[] {
  const tracks = new TracksRepo(db);
  const statistics = new FeaturesRepo(db).statistics();
  const embeddings = backboneEmbeddings(db) ?? new PredictionsRepo(db).embeddings();
  const result: SimilarityTrack[] = [];
  for (const row of tracks.summaries()) {
    if (row.status !== 'done') continue;
    const stored = statistics.get(row.id);
    if (!stored) continue;
    const genres = row.confirmedGenres.length > 0 ? [...new Set([...row.genres, ...row.confirmedGenres])] : row.genres;
    result.push({
      id: row.id,
      path: row.path,
      title: row.title,
      artist: row.artist,
      album: row.album,
      genres,
      genre: row.genre,
      labelGenre: row.confirmedGenres[0] ?? row.genres.map((genre) => builtinGenre(genre)?.name).find((name) => name !== undefined) ?? null,
      durationSec: row.durationSec,
      tempoBpm: stored.tempoBpm,
      mir: stored.fma518,
      embedding: embeddings.get(row.id) ?? null,
    });
  }
  return result;
}

/** The stored backbone embeddings of the model that analysed most tracks; null when the scan stored none. */
function backboneEmbeddings(db: Db): Map<number, Float32Array> | null {
  const repo = new BackboneFeaturesRepo(db);
  const model = repo.models()[0];
  if (!model) return null;
  return new Map([...repo.byModel(model.modelId)].map(([trackId, features]) => [trackId, features.embedding]));
}

/** The library track at `file` (matched by resolved or real path), or null. */
export function findTrackByFile(tracks: readonly SimilarityTrack[], file: string): SimilarityTrack | null {
  const candidates = new Set([path.resolve(file)]);
  try {
    candidates.add(realpathSync(file));
  } catch {
    // A file that no longer exists can still be matched by the path the library recorded.
  }
  return tracks.find((track) => candidates.has(track.path)) ?? null;
}

/** Opens an existing library database (see resolveDbPath); a missing one is an error, not a new library. */
export function openLibraryDatabase(dbPath: string | undefined): Db {
  const resolved = resolveDbPath(dbPath);
  if (!existsSync(resolved)) throw new Error(`no library database at ${resolved}: run 'timbre scan FOLDER' first`);
  return openDatabase(resolved);
}

/** Opens the library database (see resolveDbPath) and builds its similarity view. */
export function openLibrarySimilarity(dbPath: string | undefined): { similarity: LibrarySimilarity; db: Db; close(): void } {
  const db = openLibraryDatabase(dbPath);
  try {
    return { similarity: new LibrarySimilarity(loadSimilarityTracks(db)), db, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
