import { CosineIndex, topK } from './index.js';
import { genreKey } from './reasons.js';

/**
 * A "sounds like this" playlist: pick the tracks nearest to the seeds (steered Rocchio-style by
 * "more like this / less like this"), within per-artist and per-album caps and genre filters,
 * until a count or a total duration is reached; then order them as a smooth path through tempo and
 * timbre (greedy nearest-neighbour tour from the first seed, improved by 2-opt) rather than by rank.
 */

export interface PlaylistTrack {
  artist?: string | null;
  album?: string | null;
  genres?: readonly string[];
  durationSec?: number | null;
  tempoBpm?: number | null;
  /** Tracks that are one recording in several files share a group; a playlist holds one of them. */
  duplicateGroup?: number | null;
}

export interface PlaylistRequest {
  /** Index rows of the seed tracks; the playlist starts at the first. */
  seeds: readonly number[];
  /** Number of tracks, seeds included (default 20 unless durationSec is given). */
  count?: number;
  /** Total duration in seconds, seeds included: tracks of known length are added while they fit. */
  durationSec?: number;
  maxPerArtist?: number;
  maxPerAlbum?: number;
  /** Only tracks with at least one of these genres (seeds are always kept). */
  includeGenres?: readonly string[];
  /** No track with any of these genres (seeds are always kept). */
  excludeGenres?: readonly string[];
  /** "More like this": rows whose vectors pull the query towards them. */
  moreLike?: readonly number[];
  /** "Less like this": rows whose vectors push the query away; they are never picked. */
  lessLike?: readonly number[];
  /** Rows never picked (tracks the user removed). */
  exclude?: readonly number[];
}

export interface PlaylistOptions {
  /** Rocchio weights for the seeds, the "more" and the "less" tracks (Salton & Buckley's 1, 0.75, 0.15). */
  rocchio?: { seeds: number; more: number; less: number };
  /** Cost of a tempo change of one octave (×2), against 1 − cosine for the vectors. */
  tempoWeight?: number;
}

export interface Playlist {
  /** Index rows, in play order. */
  rows: number[];
  /** Cosine of each row (same order) with the steered query. */
  scores: number[];
  totalDurationSec: number;
  /** Sum of transition costs along `rows`. */
  transitionCost: number;
}

const DEFAULT_ROCCHIO = { seeds: 1, more: 0.75, less: 0.15 };
const DEFAULT_TEMPO_WEIGHT = 1;
const DEFAULT_COUNT = 20;

/** Builds a playlist over `index`, whose row r is described by `tracks[r]`. */
export function buildPlaylist(
  index: CosineIndex,
  tracks: readonly PlaylistTrack[],
  request: PlaylistRequest,
  options: PlaylistOptions = {},
): Playlist {
  if (tracks.length !== index.size) throw new Error(`buildPlaylist: ${tracks.length} tracks for an index of ${index.size}`);
  if (request.seeds.length === 0) throw new Error('buildPlaylist: at least one seed is needed');
  const seeds = [...new Set(request.seeds)];
  const defaultCount = request.durationSec === undefined ? DEFAULT_COUNT : Infinity;
  const targetCount = Math.max(1, Math.floor(request.count ?? defaultCount));
  const targetDuration = request.durationSec ?? Infinity;

  const query = steeredQuery(index, seeds, request, options.rocchio ?? DEFAULT_ROCCHIO);
  const scores = index.scoreAll(query).slice();

  const caps = new VarietyCaps(request.maxPerArtist, request.maxPerAlbum);
  const chosen: number[] = [];
  let totalDuration = 0;
  const recordings = new Set<number>();
  for (const seed of seeds) {
    chosen.push(seed);
    caps.add(tracks[seed]);
    const group = tracks[seed].duplicateGroup;
    if (group != null) recordings.add(group);
    totalDuration += knownDuration(tracks[seed]) ?? 0;
  }

  const include = new Set((request.includeGenres ?? []).map(genreKey));
  const excludeGenres = new Set((request.excludeGenres ?? []).map(genreKey));
  const blocked = new Set([...seeds, ...(request.lessLike ?? []), ...(request.exclude ?? [])]);
  const genreAllowed = (track: PlaylistTrack) => {
    const genres = (track.genres ?? []).map(genreKey);
    if (genres.some((genre) => excludeGenres.has(genre))) return false;
    return include.size === 0 || genres.some((genre) => include.has(genre));
  };

  const accept = (row: number) => !blocked.has(row) && genreAllowed(tracks[row]);
  const firstBatch = Number.isFinite(targetCount) ? 4 * targetCount : 256;
  // In duration mode only tracks of known length can be budgeted; once less time is left than
  // the shortest of them, nothing more can fit and the scan stops.
  const byDuration = Number.isFinite(targetDuration);
  const shortest = tracks.reduce((min, track) => Math.min(min, knownDuration(track) ?? Infinity), Infinity);
  for (const row of rankedRows(scores, accept, firstBatch)) {
    const remaining = targetDuration - totalDuration;
    if (chosen.length >= targetCount || remaining < shortest) break;
    const track = tracks[row];
    const duration = knownDuration(track);
    if (byDuration && (duration === null || duration > remaining)) continue;
    if (!caps.allows(track)) continue;
    // Another file of a recording already in the playlist (a seed's copy included) is not a new track.
    if (track.duplicateGroup != null) {
      if (recordings.has(track.duplicateGroup)) continue;
      recordings.add(track.duplicateGroup);
    }
    chosen.push(row);
    caps.add(track);
    totalDuration += duration ?? 0;
  }

  const cost = transitionCosts(index, tracks, chosen, options.tempoWeight ?? DEFAULT_TEMPO_WEIGHT);
  const order = smoothOrder(cost, chosen.length);
  const rows = order.map((position) => chosen[position]);
  return {
    rows,
    scores: rows.map((row) => scores[row]),
    totalDurationSec: totalDuration,
    transitionCost: pathCost(cost, chosen.length, order),
  };
}

/**
 * Accepted rows, best score first. Caps and the duration budget can reject many of the best rows,
 * so the top-k window grows (×4) until the caller stops pulling or the rows run out.
 */
function* rankedRows(scores: Float32Array, accept: (row: number) => boolean, firstBatch: number): Generator<number> {
  let seen = 0;
  for (let k = firstBatch; ; k *= 4) {
    const best = topK(scores, { k, accept });
    for (let i = seen; i < best.length; i++) yield best[i].row;
    if (best.length < k) return;
    seen = best.length;
  }
}

/** Rocchio: a·mean(seeds) + b·mean(more) − c·mean(less), over unit vectors. */
export function steeredQuery(
  index: CosineIndex,
  seeds: readonly number[],
  steering: Pick<PlaylistRequest, 'moreLike' | 'lessLike'>,
  weights: { seeds: number; more: number; less: number } = DEFAULT_ROCCHIO,
): Float32Array {
  const query = new Float32Array(index.dim);
  const addMean = (rows: readonly number[], weight: number) => {
    if (rows.length === 0) return;
    for (const row of rows) {
      const vector = index.vector(row);
      for (let j = 0; j < query.length; j++) query[j] += (weight / rows.length) * vector[j];
    }
  };
  addMean(seeds, weights.seeds);
  addMean(steering.moreLike ?? [], weights.more);
  addMean(steering.lessLike ?? [], -weights.less);
  return query;
}

class VarietyCaps {
  private readonly perArtist = new Map<string, number>();
  private readonly perAlbum = new Map<string, number>();

  constructor(
    private readonly maxPerArtist = Infinity,
    private readonly maxPerAlbum = Infinity,
  ) {}

  allows(track: PlaylistTrack): boolean {
    const artist = nameKey(track.artist);
    const album = nameKey(track.album);
    if (artist && (this.perArtist.get(artist) ?? 0) >= this.maxPerArtist) return false;
    if (album && (this.perAlbum.get(album) ?? 0) >= this.maxPerAlbum) return false;
    return true;
  }

  add(track: PlaylistTrack): void {
    const artist = nameKey(track.artist);
    const album = nameKey(track.album);
    if (artist) this.perArtist.set(artist, (this.perArtist.get(artist) ?? 0) + 1);
    if (album) this.perAlbum.set(album, (this.perAlbum.get(album) ?? 0) + 1);
  }
}

function knownDuration(track: PlaylistTrack): number | null {
  return track.durationSec && track.durationSec > 0 ? track.durationSec : null;
}

/** Unknown artists and albums are not grouped together: an untagged library still gets a playlist. */
function nameKey(name: string | null | undefined): string | null {
  const key = name?.trim().toLowerCase();
  return key ? key : null;
}

/**
 * The cost of playing b right after a: (1 − cosine) + tempoWeight · |log2(tempo_b / tempo_a)|.
 * Symmetric, so reversing a stretch of the path leaves its inner cost unchanged (what 2-opt needs).
 * Returned as an m × m matrix over `rows`.
 */
export function transitionCosts(
  index: CosineIndex,
  tracks: readonly PlaylistTrack[],
  rows: readonly number[],
  tempoWeight = DEFAULT_TEMPO_WEIGHT,
): Float64Array {
  const m = rows.length;
  const cost = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const tempoA = tracks[rows[i]].tempoBpm;
      const tempoB = tracks[rows[j]].tempoBpm;
      const tempoStep = tempoA && tempoB && tempoA > 0 && tempoB > 0 ? Math.abs(Math.log2(tempoB / tempoA)) : 0;
      const value = 1 - index.similarity(rows[i], rows[j]) + tempoWeight * tempoStep;
      cost[i * m + j] = value;
      cost[j * m + i] = value;
    }
  }
  return cost;
}

export function pathCost(cost: Float64Array, m: number, order: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < order.length; i++) total += cost[order[i - 1] * m + order[i]];
  return total;
}

/**
 * An open path through all m items starting at item 0: greedy nearest neighbour, then 2-opt
 * (reverse order[i..j] while that shortens the path) until no reversal helps.
 */
export function smoothOrder(cost: Float64Array, m: number): number[] {
  if (m <= 2) return Array.from({ length: m }, (_, i) => i);
  const order = [0];
  const visited = new Uint8Array(m);
  visited[0] = 1;
  for (let step = 1; step < m; step++) {
    const last = order[order.length - 1];
    let next = -1;
    for (let candidate = 0; candidate < m; candidate++) {
      if (!visited[candidate] && (next < 0 || cost[last * m + candidate] < cost[last * m + next])) next = candidate;
    }
    visited[next] = 1;
    order.push(next);
  }

  const at = (a: number, b: number) => cost[order[a] * m + order[b]];
  const EPSILON = 1e-12;
  // Each pass is O(m²); a path of m items needs few passes, the cap only guards against pathology.
  for (let pass = 0, improved = true; improved && pass < 100; pass++) {
    improved = false;
    for (let i = 1; i < m - 1; i++) {
      for (let j = i + 1; j < m; j++) {
        const before = at(i - 1, i) + (j + 1 < m ? at(j, j + 1) : 0);
        const after = at(i - 1, j) + (j + 1 < m ? at(i, j + 1) : 0);
        if (after < before - EPSILON) {
          for (let lo = i, hi = j; lo < hi; lo++, hi--) [order[lo], order[hi]] = [order[hi], order[lo]];
          improved = true;
        }
      }
    }
  }
  return order;
}
