import type { BenchResult } from './run.js';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UMAP } from 'umap-js';
import { openDatabase } from '../../core/db/open.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import { similarityVectors, type SimilarityTrack } from '../../core/similarity/library.js';
import { loadSimilarityTracks } from '../../core/similarity/library-db.js';
import { LibraryMapCache } from '../../core/similarity/library-map.js';
import { layoutLibrary } from '../../core/similarity/map-layout.js';
import { seededUniform } from '../../core/ml/random.js';

/**
 * The library map (2D layout of the similarity vectors): time to lay out 2,000 and 10,000 tracks
 * (CPU time of the layout itself, and wall time through the worker as the app gets it), and how well
 * the layout keeps neighbourhoods: the share of each track's 10 nearest neighbours on the map that
 * are from its own synthetic cluster, next to the same share in the full 646-dimensional space.
 * TIMBRE_BENCH_MAP_BASELINE=1 adds plain umap-js (its own neighbour search, default epochs) at 2,000;
 * TIMBRE_BENCH_MAP_SIZES=2000 runs one size. On a shared machine compare the CPU times: wall time
 * includes waiting for a core.
 *
 * Real music too, where the scan suite has left its library (.bench/scan-bench.db: emotify-dev's
 * four genre folders and Debian game soundtracks): the same agreement with each track's collection
 * (the top-level folder under its library folder) as the label, on a copy of the database.
 */
export const name = 'map';

const SIZES = (process.env.TIMBRE_BENCH_MAP_SIZES ?? '2000,10000').split(",").map(Number);
const EMBEDDING = 128;
const CLUSTERS = 20;
const PROBES = 500;
/** Noise around the cluster centres: enough that clusters overlap (about 0.8 of the 10 nearest tracks share the cluster). */
const MIR_NOISE = 6;
const EMBEDDING_NOISE = 0.6;

/**
 * Tracks in clusters of uneven size and spread (some overlapping), like genres and styles: MIR
 * statistics and embeddings are a cluster centre plus noise.
 */
function clusteredLibrary(n: number): { tracks: SimilarityTrack[]; labels: Int32Array } {
  const next = seededUniform(n);
  const mirCentres = Array.from({ length: CLUSTERS }, () => Float32Array.from(FMA518_KEYS, () => next() * 10));
  const embeddingCentres = Array.from({ length: CLUSTERS }, () => Float32Array.from({ length: EMBEDDING }, () => next() - 0.5));
  const labels = new Int32Array(n);
  const tracks = Array.from({ length: n }, (_, i): SimilarityTrack => {
    const cluster = Math.floor(next() ** 1.5 * CLUSTERS);
    labels[i] = cluster;
    const spread = 2.5 + (cluster % 4) * 0.7;
    return {
      id: i + 1,
      path: `/music/${i}.mp3`,
      genres: [],
      mir: mirCentres[cluster].map((value) => value + (next() - 0.5) * spread * MIR_NOISE),
      embedding: embeddingCentres[cluster].map((value) => value + (next() - 0.5) * spread * EMBEDDING_NOISE),
    };
  });
  return { tracks, labels };
}

/** Share of the 10 nearest rows (squared Euclidean over `dims` columns) with the probe's label. */
function neighbourAgreement(points: Float32Array, dims: number, labels: Int32Array): number {
  const n = labels.length;
  let same = 0;
  const probes = Math.min(PROBES, n);
  for (let p = 0; p < probes; p++) {
    const i = Math.floor((p * n) / probes);
    const nearest: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let distance = 0;
      for (let d = 0; d < dims; d++) distance += (points[i * dims + d] - points[j * dims + d]) ** 2;
      if (nearest.length < 10 || distance < nearest[9][0]) {
        nearest.push([distance, j]);
        nearest.sort((a, b) => a[0] - b[0]);
        if (nearest.length > 10) nearest.pop();
      }
    }
    same += nearest.filter(([, j]) => labels[j] === labels[i]).length;
  }
  return same / (probes * 10);
}

function cpuMs(action: () => void): number {
  const start = process.cpuUsage();
  action();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const SCAN_BENCH_DB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.bench/scan-bench.db');

/** The scan suite's library of real tracks, labelled by collection; null until that suite has run. */
function scannedLibrary(): { tracks: SimilarityTrack[]; labels: Int32Array } | null {
  if (!existsSync(SCAN_BENCH_DB)) return null;
  const copy = mkdtempSync(path.join(tmpdir(), 'timbre-bench-map-'));
  try {
    for (const suffix of ['', '-wal']) {
      if (existsSync(SCAN_BENCH_DB + suffix)) copyFileSync(SCAN_BENCH_DB + suffix, path.join(copy, `library.db${suffix}`));
    }
    const db = openDatabase(path.join(copy, 'library.db'));
    try {
      const folders = db.prepare('SELECT id, path FROM folders').all() as Array<{ id: number; path: string }>;
      const tracks = loadSimilarityTracks(db);
      const collections = new Map<string, number>();
      const labels = Int32Array.from(tracks, (track) => {
        const folder = folders.find((candidate) => track.path.startsWith(candidate.path + path.sep))!;
        const collection = `${folder.path}/${path.relative(folder.path, track.path).split(path.sep)[0]}`;
        if (!collections.has(collection)) collections.set(collection, collections.size);
        return collections.get(collection)!;
      });
      return { tracks, labels };
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const scanned = scannedLibrary();
  if (scanned) {
    // The map worker's space: unsupervised (map-worker.ts).
    const { vectors, dim } = similarityVectors(scanned.tracks, { learnGenres: false });
    let layout: Float32Array = new Float32Array(0);
    const layoutCpu = cpuMs(() => {
      layout = layoutLibrary(vectors, dim);
    });
    const collections = new Set(scanned.labels).size;
    results.push({
      metric: `layout CPU time, ${scanned.tracks.length} scanned tracks`,
      value: layoutCpu,
      unit: 'ms',
      detail: `${collections} collections, from ${path.relative(process.cwd(), SCAN_BENCH_DB)}`,
    });
    results.push({
      metric: '10-NN same collection on the map, scanned tracks',
      value: neighbourAgreement(layout, 2, scanned.labels),
      unit: 'share',
      detail: `${neighbourAgreement(vectors, dim, scanned.labels).toFixed(3)} in the ${dim}-dimensional space`,
    });
  } else {
    console.error(`bench map: no ${SCAN_BENCH_DB} (run the scan suite first): synthetic libraries only`);
  }
  for (const n of SIZES) {
    const { tracks, labels } = clusteredLibrary(n);
    const { vectors, dim } = similarityVectors(tracks, { learnGenres: false });
    let layout: Float32Array = new Float32Array(0);
    const layoutCpu = cpuMs(() => {
      layout = layoutLibrary(vectors, dim);
    });
    const label = `${n.toLocaleString('en')} tracks`;
    results.push({ metric: `layout CPU time, ${label} (PCA + UMAP on ≤ 3,000)`, value: layoutCpu, unit: 'ms' });

    const cache = new LibraryMapCache({ db: null, loadTracks: () => tracks });
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const map = await cache.get();
    const wall = performance.now() - start;
    const workerCpu = process.cpuUsage(startCpu);
    await cache.close();
    if (map.points.length !== n) throw new Error(`map: ${map.points.length} points for ${n} tracks`);
    results.push({ metric: `map through the worker, ${label} (wall)`, value: wall, unit: 'ms', detail: `CPU ${Math.round((workerCpu.user + workerCpu.system) / 1000)} ms: thread start, copy, vectors, layout` });

    const mapAgreement = neighbourAgreement(layout, 2, labels);
    const spaceAgreement = neighbourAgreement(vectors, dim, labels);
    results.push({
      metric: `10-NN same cluster on the map, ${label}`,
      value: mapAgreement,
      unit: 'share',
      detail: `${spaceAgreement.toFixed(3)} in the ${dim}-dimensional space`,
    });

    if (n === 2000 && process.env.TIMBRE_BENCH_MAP_BASELINE === '1') {
      const rows = Array.from({ length: n }, (_, i) => Array.from(vectors.subarray(i * dim, (i + 1) * dim)));
      let embedding: number[][] = [];
      const baselineCpu = cpuMs(() => {
        embedding = new UMAP({ nComponents: 2, random: seededUniform(1) }).fit(rows);
      });
      results.push({
        metric: `plain umap-js, ${label} (baseline)`,
        value: baselineCpu,
        unit: 'ms',
        detail: `10-NN same cluster ${neighbourAgreement(Float32Array.from(embedding.flat()), 2, labels).toFixed(3)}`,
      });
    }
  }
  return results;
}
