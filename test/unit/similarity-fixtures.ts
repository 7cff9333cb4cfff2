/** Shared fixtures of the similarity tests: deterministic random data, small analysed libraries. */
import path from 'node:path';
import type { Db } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { seededUniform } from '../../core/ml/random.js';

/** n × dim values uniform in [-1, 1). */
export function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const random = seededUniform(seed);
  return Float32Array.from({ length: n * dim }, () => random() * 2 - 1);
}

/**
 * Adds `count` analysed tracks to a library database, in `genres.length` well-separated clusters of
 * MIR statistics (track i is in cluster i % genres.length, tagged with that genre, tempo 90, 120,
 * 150… BPM by cluster, artist `Artist ${i % artists}`, 200 s). Returns the track ids in order.
 */
export function addClusteredTracks(
  db: Db,
  options: { root: string; count: number; genres?: readonly string[]; artists?: number; seed?: number },
): number[] {
  const genres = options.genres ?? ['Ambient', 'Metal', 'Jazz'];
  const random = seededUniform(options.seed ?? 3);
  const folder = new FoldersRepo(db).add(options.root);
  const tracks = new TracksRepo(db);
  const features = new FeaturesRepo(db);
  const centres = genres.map(() => Float32Array.from(FMA518_KEYS, () => random() * 10));
  const ids: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const cluster = i % genres.length;
    const file = path.join(options.root, genres[cluster], `track ${i}.mp3`);
    const id = tracks.insert({ folderId: folder.id, path: file, size: 1000, mtimeMs: 0, fingerprint: `f${i}`, status: 'done', error: null });
    tracks.setTags(id, {
      title: `Track ${i}`,
      artist: `Artist ${i % (options.artists ?? 12)}`,
      album: null,
      year: null,
      genres: [genres[cluster]],
      durationSec: 200,
      bitrate: null,
      sampleRate: null,
    });
    features.save(id, {
      analysisVersion: 1,
      analysedAt: 0,
      fma518: centres[cluster].map((value) => value + random()),
      tempoBpm: 90 + cluster * 30 + random(),
      melPreview: { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: -80, dbMax: 0, data: new Uint8Array(1) },
    });
    ids.push(id);
  }
  return ids;
}
