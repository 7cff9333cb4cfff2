import { fingerprintDistance, informativeShare } from './fingerprint.js';

/** What the search needs of a track, all of it cheap to load for a whole library. */
export interface DuplicateCandidate {
  trackId: number;
  path: string;
  size: number;
  /** The library's content fingerprint (size, first and last 64 KiB); null when unknown. */
  contentFingerprint: string | null;
  durationSec: number | null;
  /** The 20 MFCC means of the analysis (FMA statistics); null for a track not analysed. */
  profile: Float32Array | null;
}

export interface DuplicateSearchHooks {
  /** The track's audio fingerprint (see melFingerprint), or null when it has none. */
  fingerprint(trackId: number): Uint32Array | null;
  /** Whether two files hold exactly the same bytes. */
  sameBytes(pathA: string, pathB: string): boolean;
}

export interface FoundGroup {
  /** Track ids, in the order given. */
  trackIds: number[];
  /** 'identical': every file holds the same bytes; else the same recording in different files. */
  kind: 'identical' | 'same recording';
}

/** Lengths of one recording agree within this (container and encoder padding). */
const DURATION_SLACK_SECONDS = 1;
const DURATION_SLACK_FRACTION = 0.01;
/** MFCC means of one recording in two encodings differ by this share of their size, at most. */
const PROFILE_TOLERANCE = 0.03;
const PROFILE_FLOOR = 1.5;
/** The MFCC means the candidate grid is built over, and the cells it spans per mean (ends clamped). */
const GRID_DIMS = 4;
const GRID_SPAN = 128;
/** Fingerprints of one recording disagree on fewer bits than this; unrelated audio on about half. */
export const MAX_FINGERPRINT_DISTANCE = 0.2;
/** A fingerprint with fewer changing bits than this (a steady tone, silence) cannot tell recordings apart. */
const MIN_INFORMATIVE_SHARE = 0.05;

/**
 * Groups of files that are the same recording: byte-identical files (same content fingerprint, then
 * every byte compared), and files whose lengths agree, whose MFCC profiles nearly match and whose audio
 * fingerprints agree. Candidates are found by sorting on length, so the search grows with the number of
 * tracks of similar length, not with the square of the library.
 */
export function findDuplicates(candidates: readonly DuplicateCandidate[], hooks: DuplicateSearchHooks): FoundGroup[] {
  const parent = new Map<number, number>();
  const find = (id: number): number => {
    let root = id;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  const identicalPairs = new Set<string>();
  const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

  const byContent = new Map<string, DuplicateCandidate[]>();
  for (const candidate of candidates) {
    if (!candidate.contentFingerprint) continue;
    const key = `${candidate.size}:${candidate.contentFingerprint}`;
    const group = byContent.get(key);
    if (group) group.push(candidate);
    else byContent.set(key, [candidate]);
  }
  for (const group of byContent.values()) {
    for (let i = 1; i < group.length; i++) {
      if (hooks.sameBytes(group[0].path, group[i].path)) {
        union(group[0].trackId, group[i].trackId);
        identicalPairs.add(pairKey(group[0].trackId, group[i].trackId));
      }
    }
  }

  // A pair within tolerance differs by at most the tolerance in each of its first GRID_DIMS MFCC means
  // too, so it lies in the same or a neighbouring cell of a grid over them that size: each track is
  // compared only with the tracks of similar length in its 3^GRID_DIMS neighbouring cells.
  const timed = candidates
    .filter((candidate) => candidate.profile && candidate.profile.length >= GRID_DIMS && candidate.durationSec && candidate.durationSec > 0)
    .map((candidate) => ({ candidate, duration: candidate.durationSec!, norm: Math.hypot(...candidate.profile!) }));
  let largestNorm = 0;
  for (const entry of timed) largestNorm = Math.max(largestNorm, entry.norm);
  const cellSize = PROFILE_FLOOR + PROFILE_TOLERANCE * largestNorm;
  type Entry = (typeof timed)[number];
  const cellKey = (cell: readonly number[]) => cell.reduce((key, value) => key * GRID_SPAN + (value + GRID_SPAN / 2), 0);
  const cellOf = (entry: Entry) => Array.from({ length: GRID_DIMS }, (_, d) => Math.max(-GRID_SPAN / 2 + 1, Math.min(GRID_SPAN / 2 - 2, Math.floor(entry.candidate.profile![d] / cellSize))));
  // A neighbour's key is the cell's key plus a fixed step (cells are clamped away from the grid's edges).
  const steps = neighbourOffsets(GRID_DIMS).map((offset) => offset.reduce((key, value) => key * GRID_SPAN + value, 0));
  const keys = new Map<Entry, number>();
  const cells = new Map<number, Entry[]>();
  for (const entry of timed) {
    const key = cellKey(cellOf(entry));
    keys.set(entry, key);
    const cell = cells.get(key);
    if (cell) cell.push(entry);
    else cells.set(key, [entry]);
  }
  for (const cell of cells.values()) cell.sort((a, b) => a.duration - b.duration);
  const fingerprints = new Map<number, Uint32Array | null>();
  const fingerprintOf = (id: number) => {
    if (!fingerprints.has(id)) fingerprints.set(id, hooks.fingerprint(id));
    return fingerprints.get(id)!;
  };
  /** For two tracks whose lengths and profiles agree: whether their fingerprints do too. */
  const sameRecording = (a: Entry, b: Entry) => {
    const fa = fingerprintOf(a.candidate.trackId);
    const fb = fingerprintOf(b.candidate.trackId);
    if (!fa || !fb || informativeShare(fa) < MIN_INFORMATIVE_SHARE || informativeShare(fb) < MIN_INFORMATIVE_SHARE) return false;
    return fingerprintDistance(fa, fb) <= MAX_FINGERPRINT_DISTANCE;
  };
  for (const a of timed) {
    const slack = Math.max(DURATION_SLACK_SECONDS, DURATION_SLACK_FRACTION * a.duration);
    const home = keys.get(a)!;
    for (const step of steps) {
      const cell = cells.get(home + step);
      if (!cell) continue;
      // Each pair once: from the shorter track (ties by id) towards longer ones.
      for (let j = firstAtLeast(cell, a.duration); j < cell.length && cell[j].duration - a.duration <= slack; j++) {
        const b = cell[j];
        if (b.duration === a.duration && b.candidate.trackId <= a.candidate.trackId) continue;
        if (!withinDistance(a.candidate.profile!, b.candidate.profile!, PROFILE_FLOOR + PROFILE_TOLERANCE * Math.max(a.norm, b.norm))) continue;
        if (find(a.candidate.trackId) === find(b.candidate.trackId)) continue;
        if (sameRecording(a, b)) union(a.candidate.trackId, b.candidate.trackId);
      }
    }
  }

  const groups = new Map<number, number[]>();
  for (const candidate of candidates) {
    if (!parent.has(candidate.trackId)) continue;
    const root = find(candidate.trackId);
    const members = groups.get(root);
    if (members) members.push(candidate.trackId);
    else groups.set(root, [candidate.trackId]);
  }
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((trackIds) => ({
      trackIds,
      kind: allIdentical(trackIds, identicalPairs) ? ('identical' as const) : ('same recording' as const),
    }));
}

/** Whether every member is byte-identical to some other member chained to the first (all one content group). */
function allIdentical(trackIds: number[], identicalPairs: Set<string>): boolean {
  const linked = new Set([trackIds[0]]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of trackIds) {
      if (linked.has(id)) continue;
      for (const other of linked) {
        if (identicalPairs.has(id < other ? `${id}:${other}` : `${other}:${id}`)) {
          linked.add(id);
          grew = true;
          break;
        }
      }
    }
  }
  return linked.size === trackIds.length;
}

/** Every offset in {-1, 0, 1}^dims. */
function neighbourOffsets(dims: number): number[][] {
  let offsets: number[][] = [[]];
  for (let d = 0; d < dims; d++) offsets = offsets.flatMap((offset) => [-1, 0, 1].map((step) => [...offset, step]));
  return offsets;
}

/** The first index of a list sorted by length whose length is at least `seconds`. */
function firstAtLeast(sorted: ReadonlyArray<{ duration: number }>, seconds: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle].duration < seconds) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Euclidean distance at most `limit`, stopping as soon as it is exceeded. */
function withinDistance(a: Float32Array, b: Float32Array, limit: number): boolean {
  const bound = limit * limit;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
    if (sum > bound) return false;
  }
  return true;
}
