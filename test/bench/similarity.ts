import type { BenchResult } from './run.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { LibrarySimilarity, type SimilarityTrack } from '../../core/similarity/library.js';
import { SimilarityWorker } from '../../core/similarity/search-worker.js';
import { seededUniform } from '../../core/ml/random.js';

export const name = 'similarity';

const TRACKS = 100_000;
/** The classifier embedding's width in this bench: vectors are 518 + 128 = 646 wide. */
const EMBEDDING = 128;
const QUERIES = 30;
const PLAYLISTS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeEach(count: number, action: (i: number) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await action(i);
    times.push(performance.now() - start);
  }
  return times;
}

const GENRES = ['rock', 'pop', 'jazz', 'classical', 'electronic'];

/**
 * A library of random tracks: MIR statistics, embeddings, tags, durations and tempi. Every 7th
 * track carries a genre label, so the build includes learning the genre projection.
 */
function randomLibrary(): SimilarityTrack[] {
  const next = seededUniform(42);
  return Array.from({ length: TRACKS }, (_, i) => ({
    id: i + 1,
    path: `/music/${i}.mp3`,
    artist: `artist ${i % 9000}`,
    album: `album ${i % 20000}`,
    genres: [GENRES[i % 5]],
    labelGenre: i % 7 === 0 ? GENRES[i % 5] : null,
    durationSec: 120 + Math.floor(next() * 240),
    tempoBpm: 60 + next() * 120,
    mir: Float32Array.from(FMA518_KEYS, () => next() * 100),
    embedding: Float32Array.from({ length: EMBEDDING }, () => next() - 0.5),
  }));
}

export async function run(): Promise<BenchResult[]> {
  const tracks = randomLibrary();
  let start = performance.now();
  const library = new LibrarySimilarity(tracks);
  const buildMs = performance.now() - start;
  const { index } = library;
  const seedId = (i: number) => ((i * 7919) % TRACKS) + 1;

  await timeEach(3, (i) => index.searchFromRow(seedId(i) - 1, { k: 10 }));
  const queryMs = await timeEach(QUERIES, (i) => index.searchFromRow(seedId(i) - 1, { k: 10 }));
  const withReasonsMs = await timeEach(QUERIES, (i) => library.similar({ trackId: seedId(i) }, 10));

  const request = (i: number) => ({ seeds: [seedId(i)], count: 50, maxPerArtist: 2, maxPerAlbum: 1 });
  await timeEach(2, (i) => library.playlist(request(i)));
  const playlistMs = await timeEach(PLAYLISTS, (i) => library.playlist(request(i)));
  const steeredMs = await timeEach(PLAYLISTS, (i) =>
    library.playlist({ ...request(i), seeds: [seedId(i), seedId(i + 1)], moreLike: [seedId(i + 2)], lessLike: [seedId(i + 3)], excludeGenres: ['pop'] }),
  );

  const worker = new SimilarityWorker();
  let workerMs: number[];
  try {
    await worker.load(tracks);
    await timeEach(3, (i) => worker.similar({ trackId: seedId(i) }, 10));
    workerMs = await timeEach(QUERIES, (i) => worker.similar({ trackId: seedId(i) }, 10));
  } finally {
    await worker.close();
  }

  const check = (values: number[], limit: number) => ({
    value: median(values),
    target: `<= ${limit} ms`,
    met: median(values) <= limit,
    detail: `median of ${values.length}, max ${Math.max(...values).toFixed(1)} ms`,
  });
  return [
    { metric: `build: space, vectors, index (${TRACKS.toLocaleString('en')} × ${index.dim})`, value: buildMs, unit: 'ms', detail: index.usesSimd ? 'WebAssembly SIMD scan' : 'plain-JS scan' },
    { metric: 'query, k = 10 (exact cosine scan + top-k)', unit: 'ms', ...check(queryMs, 50) },
    { metric: 'similar, k = 10, with reasons', unit: 'ms', ...check(withReasonsMs, 50) },
    { metric: 'similar through the worker (round trip)', unit: 'ms', ...check(workerMs, 50) },
    { metric: '50-track playlist, ≤ 2/artist, ≤ 1/album', unit: 'ms', ...check(playlistMs, 200) },
    { metric: '50-track playlist, 2 seeds, steered, genre filter', unit: 'ms', ...check(steeredMs, 200) },
  ];
}
