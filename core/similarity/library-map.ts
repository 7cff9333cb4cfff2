import { Worker } from 'node:worker_threads';
import type { Db } from '../db/open.js';
import { MetaRepo } from '../db/repos/meta.js';
import type { SimilarityTrack } from './library.js';
import { MAP_LAYOUT_DEFAULTS, type MapLayoutOptions } from './map-layout.js';
import type { MapWorkerInput, MapWorkerMessage } from './map-worker.js';
import type { LibraryMap, LibraryMapStatus } from './types.js';
import * as vectorSettings from './vectors.js';

/** Bump when the layout method changes, so layouts cached by an older Timbre are recomputed. */
const LAYOUT_VERSION = 2;
const META_PREFIX = 'library-map.';

interface Layout {
  trackIds: number[];
  /** x, y per track (trackIds order), in [0, 1]. */
  coordinates: Float32Array;
  computedAt: number;
  /** Which library (tracks and their features) it was computed for. */
  signature: string;
}

/**
 * The 2D library map: computed in a worker thread (map-worker.ts), kept in memory and in the
 * database (table library_map), and recomputed when the analysed tracks or their features
 * changed. A genre edit recolours the map without a new layout (the signature ignores tags).
 */
export class LibraryMapCache {
  private layout: Layout | null = null;
  private readFromDb = false;
  /** The library as last checked: its signature, its tracks' genres, and the tracks until laid out. */
  private library: { signature: string; genres: Map<number, string | null>; tracks: SimilarityTrack[] | null } | null = null;
  private computing: Promise<void> | null = null;
  private worker: Worker | null = null;
  private progress: number | null = null;
  private error: string | null = null;
  private closed = false;

  constructor(
    private readonly deps: {
      db: Db | null;
      loadTracks: () => SimilarityTrack[];
      layoutOptions?: Omit<MapLayoutOptions, 'onProgress'>;
    },
  ) {}

  /** The library changed: the next request checks whether the layout still fits it. */
  invalidate(): void {
    this.library = null;
  }

  status(): LibraryMapStatus {
    const stale = this.layout !== null && this.library !== null && this.layout.signature !== this.library.signature;
    return {
      state: this.computing ? 'computing' : this.error ? 'failed' : this.layout ? 'ready' : 'none',
      progress: this.computing ? (this.progress ?? 0) : null,
      computedAt: this.layout?.computedAt ?? null,
      stale,
      error: this.error,
    };
  }

  /**
   * The map of the analysed tracks. When the library changed since the last layout, a new one is
   * computed; `wait: false` answers at once with the previous layout (stale: true) if there is one.
   */
  async get(options: { wait?: boolean } = {}): Promise<LibraryMap> {
    if (this.closed) throw new Error('the library map is closed');
    this.restoreFromDb();
    let library = this.checkLibrary();
    for (;;) {
      this.startComputing();
      if (!this.computing || this.layout?.signature === library.signature) break;
      if (options.wait === false && this.layout) break;
      await this.computing;
      library = this.checkLibrary(); // the library may have changed meanwhile
    }
    const layout = this.layout;
    if (!layout || (options.wait !== false && layout.signature !== library.signature && this.error)) {
      throw new Error(`library map: ${this.error ?? 'no layout'}`);
    }
    const points = [];
    const current = library.genres;
    for (let i = 0; i < layout.trackIds.length; i++) {
      const trackId = layout.trackIds[i];
      if (!current.has(trackId)) continue; // removed since the layout
      points.push({ trackId, x: layout.coordinates[i * 2], y: layout.coordinates[i * 2 + 1], genre: current.get(trackId) ?? null });
    }
    return { points, computedAt: layout.computedAt, stale: layout.signature !== library.signature };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
    await this.computing?.catch(() => undefined);
  }

  private checkLibrary(): NonNullable<LibraryMapCache['library']> {
    if (!this.library) {
      const tracks = this.deps.loadTracks();
      const signature = librarySignature(tracks, this.deps.layoutOptions);
      const genres = new Map(tracks.map((track) => [track.id, track.genre ?? track.genres[0] ?? null]));
      this.library = { signature, genres, tracks: this.layout?.signature === signature ? null : tracks };
    }
    return this.library;
  }

  /** Starts a layout for the library as last checked, unless one runs or the layout fits it. */
  private startComputing(): void {
    const library = this.library;
    if (this.computing || !library || this.closed || this.layout?.signature === library.signature || !library.tracks) return;
    const tracks = library.tracks;
    library.tracks = null; // the worker has them now
    this.progress = 0;
    this.computing = this.computeLayout(tracks)
      .then((coordinates) => {
        this.layout = { trackIds: tracks.map((track) => track.id), coordinates, computedAt: Date.now(), signature: library.signature };
        this.error = null;
        this.saveToDb(this.layout);
      })
      .catch((error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        this.computing = null;
        this.progress = null;
        this.worker = null;
      });
  }

  private computeLayout(tracks: SimilarityTrack[]): Promise<Float32Array> {
    if (tracks.length === 0) return Promise.resolve(new Float32Array(0));
    return new Promise((resolve, reject) => {
      const input: MapWorkerInput = { tracks, options: this.deps.layoutOptions ?? {} };
      const worker = new Worker(new URL('./map-worker.js', import.meta.url), { workerData: input });
      this.worker = worker;
      let settled = false;
      worker.on('message', (message: MapWorkerMessage) => {
        if (message.type === 'progress') {
          this.progress = message.fraction;
          return;
        }
        settled = true;
        if (message.type === 'done') resolve(message.layout);
        else reject(new Error(message.error));
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(this.closed ? 'closed while computing' : `map worker exited with code ${code}`));
      });
    });
  }

  /** The layout saved by an earlier run (e.g. the last app session), once. */
  private restoreFromDb(): void {
    if (this.readFromDb || !this.deps.db) return;
    this.readFromDb = true;
    const meta = new Map(new MetaRepo(this.deps.db).withPrefix(META_PREFIX).map(({ key, value }) => [key, value]));
    const signature = meta.get(`${META_PREFIX}signature`);
    const computedAt = Number(meta.get(`${META_PREFIX}computed-at`));
    if (!signature || !Number.isFinite(computedAt)) return;
    const rows = this.deps.db.prepare('SELECT track_id AS trackId, x, y FROM library_map ORDER BY track_id').all() as Array<{
      trackId: number;
      x: number;
      y: number;
    }>;
    const coordinates = new Float32Array(rows.length * 2);
    rows.forEach((row, i) => {
      coordinates[i * 2] = row.x;
      coordinates[i * 2 + 1] = row.y;
    });
    this.layout = { trackIds: rows.map((row) => row.trackId), coordinates, computedAt, signature };
  }

  private saveToDb(layout: Layout): void {
    const db = this.deps.db;
    if (!db || this.closed) return;
    const meta = new MetaRepo(db);
    // A track deleted while the layout was computed is skipped, not a foreign-key failure.
    const insert = db.prepare('INSERT INTO library_map (track_id, x, y) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?)');
    db.transaction(() => {
      db.prepare('DELETE FROM library_map').run();
      layout.trackIds.forEach((trackId, i) => insert.run(trackId, layout.coordinates[i * 2], layout.coordinates[i * 2 + 1], trackId));
      meta.set(`${META_PREFIX}signature`, layout.signature);
      meta.set(`${META_PREFIX}computed-at`, String(layout.computedAt));
    })();
  }
}

/** Every constant vectors.ts exports (weights, normalisation…): a change to how vectors are made moves the map. */
const VECTOR_SETTINGS = Object.fromEntries(Object.entries(vectorSettings).filter(([, value]) => typeof value !== 'function'));

/**
 * A fingerprint of what the layout depends on: the tracks, their features (MIR statistics and
 * embedding bits), the vector settings and the layout settings. FNV-1a over 32-bit words.
 */
export function librarySignature(tracks: readonly SimilarityTrack[], layoutOptions: object = {}): string {
  let hash = 0x811c9dc5;
  const mix = (word: number) => {
    hash = Math.imul(hash ^ word, 0x01000193) >>> 0;
  };
  const floats = new Float32Array(1);
  const bits = new Uint32Array(floats.buffer);
  const mixValues = (values: ArrayLike<number>) => {
    mix(values.length);
    for (let i = 0; i < values.length; i++) {
      floats[0] = values[i];
      mix(bits[0]);
    }
  };
  const settings = JSON.stringify({ LAYOUT_VERSION, VECTOR_SETTINGS, ...MAP_LAYOUT_DEFAULTS, ...layoutOptions });
  for (let i = 0; i < settings.length; i++) mix(settings.charCodeAt(i));
  for (const track of tracks) {
    mix(track.id);
    mixValues(track.mir);
    mixValues(track.embedding ?? []);
  }
  return `${tracks.length}:${hash.toString(16)}`;
}
