import type { BenchResult } from './run.js';
import { CosineIndex } from '../../core/similarity/index.js';
import { buildPlaylist, type PlaylistTrack } from '../../core/similarity/playlist.js';
import { SimilarityWorker } from '../../core/similarity/search-worker.js';

export const name = 'similarity';

const TRACKS = 100_000;
/** 518 standardised MIR statistics + a 128-wide classifier embedding. */
const DIM = 518 + 128;
const QUERIES = 30;
const PLAYLISTS = 10;

/** Deterministic pseudo-random numbers (mulberry32), so every run scores the same library. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeEach(count: number, action: (i: number) => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    action(i);
    times.push(performance.now() - start);
  }
  return times;
}

export async function run(): Promise<BenchResult[]> {
  const next = random(42);
  const vectors = new Float32Array(TRACKS * DIM);
  for (let i = 0; i < vectors.length; i++) vectors[i] = next() * 2 - 1;
  const tracks: PlaylistTrack[] = Array.from({ length: TRACKS }, (_, row) => ({
    artist: `artist ${row % 9000}`,
    album: `album ${row % 20000}`,
    genres: [['rock', 'pop', 'jazz', 'classical', 'electronic'][row % 5]],
    durationSec: 120 + Math.floor(next() * 240),
    tempoBpm: 60 + next() * 120,
  }));

  let start = performance.now();
  const index = CosineIndex.fromVectors(vectors, DIM);
  const buildMs = performance.now() - start;
  const seedRow = (i: number) => (i * 7919) % TRACKS;

  // Warm-up, then the measured runs.
  timeEach(3, (i) => index.searchFromRow(seedRow(i), { k: 10 }));
  const queryMs = timeEach(QUERIES, (i) => index.searchFromRow(seedRow(i), { k: 10 }));
  const jsIndex = CosineIndex.fromVectors(vectors.subarray(0, 20_000 * DIM), DIM, { useSimd: false });
  const jsQueryMs = timeEach(5, (i) => jsIndex.searchFromRow(seedRow(i) % 20_000, { k: 10 })).map((ms) => ms * (TRACKS / 20_000));

  const request = (i: number) => ({ seeds: [seedRow(i)], count: 50, maxPerArtist: 2, maxPerAlbum: 1 });
  timeEach(2, (i) => buildPlaylist(index, tracks, request(i)));
  const playlistMs = timeEach(PLAYLISTS, (i) => buildPlaylist(index, tracks, request(i)));
  const steeredMs = timeEach(PLAYLISTS, (i) =>
    buildPlaylist(index, tracks, { ...request(i), seeds: [seedRow(i), seedRow(i + 1)], moreLike: [seedRow(i + 2)], lessLike: [seedRow(i + 3)], excludeGenres: ['pop'] }),
  );

  const worker = new SimilarityWorker();
  const workerMs: number[] = [];
  try {
    await worker.load(vectors, DIM, tracks);
    for (let i = 0; i < QUERIES + 3; i++) {
      start = performance.now();
      await worker.similar(seedRow(i), 10);
      if (i >= 3) workerMs.push(performance.now() - start);
    }
  } finally {
    await worker.close();
  }

  const size = `${TRACKS.toLocaleString('en')} × ${DIM}`;
  return [
    { metric: `index build (${size})`, value: buildMs, unit: 'ms', detail: index.usesSimd ? 'WebAssembly SIMD' : 'plain JS' },
    { metric: 'query, k = 10 (median)', value: median(queryMs), unit: 'ms', target: '<= 50 ms', met: median(queryMs) <= 50, detail: `max ${Math.max(...queryMs).toFixed(1)} ms of ${QUERIES}` },
    { metric: 'query through the worker (median, round trip)', value: median(workerMs), unit: 'ms', target: '<= 50 ms', met: median(workerMs) <= 50 },
    { metric: 'query, plain-JS fallback scan (median, scaled)', value: median(jsQueryMs), unit: 'ms', detail: 'measured on 20,000 rows ×5' },
    { metric: '50-track playlist, caps 2/artist 1/album (median)', value: median(playlistMs), unit: 'ms', target: '<= 200 ms', met: median(playlistMs) <= 200, detail: `max ${Math.max(...playlistMs).toFixed(1)} ms` },
    { metric: '50-track playlist, 2 seeds, steered, genre filter', value: median(steeredMs), unit: 'ms', target: '<= 200 ms', met: median(steeredMs) <= 200 },
  ];
}
