import { fingerprintDistance, informativeShare } from './fingerprint.js';
import { PROFILE_DIMS } from './profile.js';

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
const GRID_DIMS = 3;
const GRID_SPAN = 128;
/** Fingerprints of one recording disagree on fewer bits than this; unrelated audio on about half. */
export const MAX_FINGERPRINT_DISTANCE = 0.2;
/** A fingerprint with fewer changing bits than this (a steady tone, silence) cannot tell recordings apart. */
const MIN_INFORMATIVE_SHARE = 0.05;

/**
 * Groups of files that are the same recording: byte-identical files (same content fingerprint, then
 * every byte compared), and files whose lengths agree, whose MFCC profiles nearly match and whose audio
 * fingerprints agree. Candidates are found by a grid over the profiles and sorting on length (closePairs),
 * so the search grows with the number of tracks of similar length and sound, not with the square of the
 * library.
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

  const fingerprints = new Map<number, Uint32Array | null>();
  const fingerprintOf = (id: number) => {
    if (!fingerprints.has(id)) fingerprints.set(id, hooks.fingerprint(id));
    return fingerprints.get(id)!;
  };
  /** For two tracks whose lengths and profiles agree: whether their fingerprints do too. */
  const sameRecording = (a: number, b: number) => {
    const fa = fingerprintOf(a);
    const fb = fingerprintOf(b);
    if (!fa || !fb || informativeShare(fa) < MIN_INFORMATIVE_SHARE || informativeShare(fb) < MIN_INFORMATIVE_SHARE) return false;
    return fingerprintDistance(fa, fb) <= MAX_FINGERPRINT_DISTANCE;
  };
  for (const [a, b] of closePairs(candidates)) {
    if (find(a) !== find(b) && sameRecording(a, b)) union(a, b);
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

/**
 * Every pair of tracks whose lengths agree and whose MFCC profiles nearly match, as track ids.
 *
 * A pair within tolerance differs by at most the tolerance in each of its first GRID_DIMS MFCC means
 * too, so it lies in the same or a neighbouring cell of a grid over them that size. The tracks are laid
 * out flat, ordered by cell and then by length, so each track is compared only with the run of tracks of
 * similar length in each of its 3^GRID_DIMS neighbouring cells: a lookup per neighbour, then a scan over
 * numbers in arrays.
 */
export function closePairs(candidates: readonly DuplicateCandidate[]): Array<[number, number]> {
  const usable = candidates.filter((c) => c.profile && c.profile.length >= PROFILE_DIMS && c.durationSec && c.durationSec > 0);
  const n = usable.length;
  const norms = usable.map((c) => {
    let sum = 0;
    for (let d = 0; d < PROFILE_DIMS; d++) sum += c.profile![d] * c.profile![d];
    return Math.sqrt(sum);
  });
  let largestNorm = 0;
  for (const norm of norms) largestNorm = Math.max(largestNorm, norm);
  const cellSize = PROFILE_FLOOR + PROFILE_TOLERANCE * largestNorm;
  const cellKeys = usable.map((c) => {
    let key = 0;
    for (let d = 0; d < GRID_DIMS; d++) {
      const cell = Math.max(-GRID_SPAN / 2 + 1, Math.min(GRID_SPAN / 2 - 2, Math.floor(c.profile![d] / cellSize)));
      key = key * GRID_SPAN + cell + GRID_SPAN / 2;
    }
    return key;
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => cellKeys[i] - cellKeys[j] || usable[i].durationSec! - usable[j].durationSec! || usable[i].trackId - usable[j].trackId);

  const ids = new Float64Array(n);
  const durations = new Float64Array(n);
  const tolerances = new Float64Array(n);
  const profiles = new Float64Array(n * PROFILE_DIMS);
  /** Each cell's run of positions in the order: where it starts, and where the next begins. */
  const runs = new Map<number, number>();
  const runEnds = new Int32Array(n);
  for (const [position, i] of order.entries()) {
    const c = usable[i];
    ids[position] = c.trackId;
    durations[position] = c.durationSec!;
    tolerances[position] = PROFILE_TOLERANCE * norms[i];
    for (let d = 0; d < PROFILE_DIMS; d++) profiles[position * PROFILE_DIMS + d] = c.profile![d];
    if (!runs.has(cellKeys[i])) runs.set(cellKeys[i], position);
  }
  for (let end = n, position = n - 1; position >= 0; position--) {
    if (position < n - 1 && cellKeys[order[position]] !== cellKeys[order[position + 1]]) end = position + 1;
    runEnds[position] = end;
  }
  // A neighbour's key is the cell's key plus a fixed step (cells are clamped away from the grid's edges).
  const steps = neighbourOffsets(GRID_DIMS).map((offset) => offset.reduce((key, value) => key * GRID_SPAN + value, 0));

  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < n; a++) {
    const duration = durations[a];
    const slack = Math.max(DURATION_SLACK_SECONDS, DURATION_SLACK_FRACTION * duration);
    const home = cellKeys[order[a]];
    for (const step of steps) {
      const start = runs.get(home + step);
      if (start === undefined) continue;
      const end = runEnds[start];
      // Each pair once: from the shorter track (ties by id) towards longer ones.
      for (let b = firstAtLeast(durations, start, end, duration); b < end && durations[b] - duration <= slack; b++) {
        if (durations[b] === duration && ids[b] <= ids[a]) continue;
        const limit = PROFILE_FLOOR + Math.max(tolerances[a], tolerances[b]);
        if (withinDistance(profiles, a * PROFILE_DIMS, b * PROFILE_DIMS, limit * limit)) pairs.push([ids[a], ids[b]]);
      }
    }
  }
  return pairs;
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

/** The first position in [start, end) of ascending `sorted` whose value is at least `value`. */
function firstAtLeast(sorted: Float64Array, start: number, end: number, value: number): number {
  let low = start;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether two profiles in a flat array are within a squared distance, stopping as soon as they are not. */
function withinDistance(profiles: Float64Array, a: number, b: number, bound: number): boolean {
  let sum = 0;
  for (let d = 0; d < PROFILE_DIMS; d++) {
    const difference = profiles[a + d] - profiles[b + d];
    sum += difference * difference;
    if (sum > bound) return false;
  }
  return true;
}
