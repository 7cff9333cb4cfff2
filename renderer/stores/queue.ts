import { create } from 'zustand';
import type { TrackRow } from '../../core/api/contract.js';
import { api } from '../api/client.js';
import { usePlayerStore } from './player.js';
import { useTrackStore } from './track.js';

export type RepeatMode = 'off' | 'all' | 'one';

/** One place in the queue; `key` tells apart two places that hold the same track. */
export interface QueueEntry {
  key: number;
  trackId: number;
}

/** What survives a reload, in localStorage. */
interface StoredQueue {
  trackIds: number[];
  position: number;
  shuffle: boolean;
  repeat: RepeatMode;
  /** The unshuffled order as indexes into trackIds; null when shuffle is off. */
  unshuffled: number[] | null;
  /** Where the current track was, in seconds. */
  time: number;
}

const STORAGE_KEY = 'timbre.queue';
/** "Previous" restarts the track once this far into it, as every player does. */
const RESTART_AFTER_SEC = 3;
/** Rows are read in chunks of this many ids (the API takes up to 10,000). */
const ROWS_CHUNK = 2000;

interface QueueState {
  /** The play order: with shuffle on, the shuffled order (what plays next is always the next entry). */
  entries: QueueEntry[];
  /** The current entry's index; -1 when the queue is empty. */
  position: number;
  shuffle: boolean;
  repeat: RepeatMode;
  /** With shuffle on, the entry keys in the order they had before, to go back to when it is turned off. */
  unshuffled: number[] | null;
  /** Who started the queue ('playlist' for a playlist's "Play all"), so a view can mark its playing row. */
  origin: string | null;
  /** Table rows of the queued tracks, by id; null for an id the library no longer has. */
  rows: Record<number, TrackRow | null>;
  /** The queue as it was before the last "Clear", for its undo. */
  cleared: Pick<QueueState, 'entries' | 'position' | 'unshuffled'> | null;
  /** Says which track was skipped because it could not be played; cleared by the next move. */
  skipped: string | null;

  /** Replaces the queue with these tracks and plays the one at `startIndex` (with shuffle on and no start, a random one). */
  playNow(trackIds: number[], startIndex?: number, origin?: string): void;
  /** Puts these tracks right after the current one. */
  playNext(trackIds: number[]): void;
  /** Puts these tracks at the end of the queue. */
  addToQueue(trackIds: number[]): void;
  /** Plays one track now, keeping the rest of the queue after it (the current track plays on from where it is). */
  playTrack(trackId: number): void;
  /** Plays the entry at `index`. */
  jump(index: number): void;
  next(): void;
  previous(): void;
  move(from: number, to: number): void;
  remove(index: number): void;
  /** Empties the queue but for the current track, which plays on. */
  clear(): void;
  undoClear(): void;
  setShuffle(shuffle: boolean): void;
  cycleRepeat(): void;
  setOrigin(origin: string | null): void;
  /** Reads the rows of queued tracks not read yet (`refresh`: these ids again, after they changed). */
  loadRows(refresh?: number[]): Promise<void>;
  /** Restores the queue saved by the last session, paused where it was. */
  restore(): void;
  /** Saves the queue and the playing position now (the page is going away). */
  persist(): void;
}

let nextKey = 1;
const entriesOf = (trackIds: number[]): QueueEntry[] => trackIds.map((trackId) => ({ key: nextKey++, trackId }));

/** A uniformly shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export const useQueueStore = create<QueueState>((set, get) => {
  const current = () => get().entries[get().position];

  /** What the player should have loaded next: the next entry, or the first when "repeat all" wraps in order. */
  const upcoming = (): number | null => {
    const { entries, position, repeat, shuffle } = get();
    if (repeat === 'one') return null;
    if (position + 1 < entries.length) return entries[position + 1].trackId;
    return repeat === 'all' && !shuffle ? (entries[0]?.trackId ?? null) : null;
  };

  /** Plays (or just loads) the current entry, and preloads the one after it. */
  const load = (play: boolean, at = 0) => {
    const entry = current();
    const player = usePlayerStore.getState();
    player.load(entry?.trackId ?? null, { play, at });
    player.preload(upcoming());
    save();
  };

  /** Moves to `position` and plays it; a track panel showing the track that was playing follows along. */
  const go = (position: number, play = true) => {
    const before = current()?.trackId;
    reachedByItself = null;
    set({ position, skipped: null });
    load(play);
    const after = current()?.trackId;
    const panel = useTrackStore.getState();
    const editing = document.activeElement instanceof HTMLElement && document.activeElement.closest('.track-panel input, .track-panel [contenteditable]');
    if (before !== undefined && after !== undefined && before !== after && panel.openId === before && !editing) void panel.open(after);
  };

  const save = () => {
    const { entries, position, shuffle, repeat, unshuffled } = get();
    const indexOf = new Map(entries.map((entry, index) => [entry.key, index]));
    const stored: StoredQueue = {
      trackIds: entries.map((entry) => entry.trackId),
      position,
      shuffle,
      repeat,
      unshuffled: unshuffled ? unshuffled.flatMap((key) => indexOf.get(key) ?? []) : null,
      time: usePlayerStore.getState().currentTime,
    };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    } catch {
      // A full storage only costs the queue's survival across a reload.
    }
  };

  /** Replaces the entries, keeping the same entry current (or `position` when given). */
  const reorder = (entries: QueueEntry[], position?: number) => {
    const key = current()?.key;
    set({ entries, position: position ?? entries.findIndex((entry) => entry.key === key) });
    usePlayerStore.getState().preload(upcoming());
    save();
    void get().loadRows();
  };

  return {
    entries: [],
    position: -1,
    shuffle: false,
    repeat: 'off',
    unshuffled: null,
    origin: null,
    rows: {},
    cleared: null,
    skipped: null,

    playNow(trackIds, startIndex, origin) {
      if (trackIds.length === 0) return;
      const entries = entriesOf(trackIds);
      let order = entries;
      let unshuffled: number[] | null = null;
      if (get().shuffle) {
        const first = startIndex ?? Math.floor(Math.random() * entries.length);
        order = [entries[first], ...shuffled(entries.filter((_, index) => index !== first))];
        unshuffled = entries.map((entry) => entry.key);
      }
      set({ entries: order, unshuffled, origin: origin ?? null, cleared: null, position: -1 });
      go(get().shuffle ? 0 : Math.min(Math.max(0, startIndex ?? 0), entries.length - 1));
      void get().loadRows();
    },
    playNext(trackIds) {
      if (trackIds.length === 0) return;
      const { entries, position, unshuffled } = get();
      const added = entriesOf(trackIds);
      const at = position + 1;
      const currentKey = current()?.key;
      const unshuffledAt = unshuffled && currentKey !== undefined ? unshuffled.indexOf(currentKey) + 1 : 0;
      set({
        entries: [...entries.slice(0, at), ...added, ...entries.slice(at)],
        unshuffled: unshuffled && [...unshuffled.slice(0, unshuffledAt), ...added.map((entry) => entry.key), ...unshuffled.slice(unshuffledAt)],
      });
      if (position === -1) go(0, false);
      else reorder(get().entries);
    },
    addToQueue(trackIds) {
      if (trackIds.length === 0) return;
      const { entries, position, unshuffled } = get();
      const added = entriesOf(trackIds);
      set({ entries: [...entries, ...added], unshuffled: unshuffled && [...unshuffled, ...added.map((entry) => entry.key)] });
      if (position === -1) go(0, false);
      else reorder(get().entries);
    },
    playTrack(trackId) {
      if (current()?.trackId === trackId) {
        const player = usePlayerStore.getState();
        if (player.trackId === trackId) player.play();
        else load(true);
        return;
      }
      if (get().position === -1) return get().playNow([trackId]);
      get().playNext([trackId]);
      go(get().position + 1);
    },
    jump(index) {
      if (index >= 0 && index < get().entries.length) go(index);
    },
    next() {
      const { entries, position, repeat, shuffle } = get();
      if (position + 1 < entries.length) return go(position + 1);
      if (repeat !== 'all' || entries.length === 0) return;
      // Every track has played once: a new round, shuffled afresh, that does not start with the one just heard.
      if (shuffle && entries.length > 1) {
        const last = entries[position];
        const round = shuffled(entries.filter((entry) => entry.key !== last.key));
        const at = 1 + Math.floor(Math.random() * round.length);
        round.splice(at, 0, last);
        set({ entries: round, position: -1 });
      }
      go(0);
    },
    previous() {
      const { entries, position, repeat } = get();
      const player = usePlayerStore.getState();
      if (player.currentTime > RESTART_AFTER_SEC || entries.length === 0) return player.seek(0);
      if (position > 0) go(position - 1);
      else if (repeat === 'all') go(entries.length - 1);
      else player.seek(0);
    },
    move(from, to) {
      const entries = [...get().entries];
      if (from === to || from < 0 || to < 0 || from >= entries.length || to >= entries.length) return;
      const [moved] = entries.splice(from, 1);
      entries.splice(to, 0, moved);
      reorder(entries);
    },
    remove(index) {
      const { entries, position, unshuffled } = get();
      const removed = entries[index];
      if (!removed) return;
      const rest = entries.filter((_, at) => at !== index);
      set({ unshuffled: unshuffled && unshuffled.filter((key) => key !== removed.key) });
      if (rest.length === 0) {
        set({ entries: [], position: -1 });
        return load(false);
      }
      if (index !== position) return reorder(rest);
      // The current track leaves: the one after it takes its place, playing if it was.
      set({ entries: rest, position: -1 });
      go(Math.min(index, rest.length - 1), usePlayerStore.getState().playing);
    },
    clear() {
      const { entries, position, unshuffled } = get();
      if (entries.length === 0) return;
      const keep = entries[position];
      set({ cleared: { entries, position, unshuffled }, unshuffled: get().shuffle && keep ? [keep.key] : null });
      if (keep) reorder([keep], 0);
      else reorder([], -1);
    },
    undoClear() {
      const cleared = get().cleared;
      if (!cleared) return;
      // The track playing now stays current, wherever it is in the restored queue.
      const key = current()?.key;
      const position = cleared.entries.findIndex((entry) => entry.key === key);
      set({ cleared: null, unshuffled: cleared.unshuffled });
      reorder(cleared.entries, position === -1 ? cleared.position : position);
    },
    setShuffle(shuffle) {
      const { entries, position, unshuffled } = get();
      if (shuffle === get().shuffle) return;
      if (shuffle) {
        // Only what is still to come is shuffled; what has played stays where it was.
        const keys = entries.map((entry) => entry.key);
        set({ shuffle, unshuffled: keys });
        reorder([...entries.slice(0, position + 1), ...shuffled(entries.slice(position + 1))]);
      } else {
        const byKey = new Map(entries.map((entry) => [entry.key, entry]));
        const ordered = (unshuffled ?? []).flatMap((key) => byKey.get(key) ?? []);
        const known = new Set(unshuffled);
        set({ shuffle, unshuffled: null });
        reorder([...ordered, ...entries.filter((entry) => !known.has(entry.key))]);
      }
    },
    cycleRepeat() {
      const order: RepeatMode[] = ['off', 'all', 'one'];
      set({ repeat: order[(order.indexOf(get().repeat) + 1) % order.length] });
      usePlayerStore.getState().preload(upcoming());
      save();
    },
    setOrigin: (origin) => set({ origin }),

    async loadRows(refresh = []) {
      const known = get().rows;
      const wanted = new Set(refresh);
      for (const entry of get().entries) if (!(entry.trackId in known)) wanted.add(entry.trackId);
      const ids = [...wanted];
      for (let start = 0; start < ids.length; start += ROWS_CHUNK) {
        const chunk = ids.slice(start, start + ROWS_CHUNK);
        try {
          const rows = await api.call('trackRows', { ids: chunk });
          const found = new Map(rows.map((row) => [row.id, row]));
          set({ rows: { ...get().rows, ...Object.fromEntries(chunk.map((id) => [id, found.get(id) ?? null])) } });
        } catch {
          // Rows are what the queue shows, not what it plays: they are asked for again on the next change.
          return;
        }
      }
    },
    restore() {
      let stored: StoredQueue;
      try {
        stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as StoredQueue;
      } catch {
        return;
      }
      if (!stored || !Array.isArray(stored.trackIds) || stored.trackIds.length === 0) return;
      const entries = entriesOf(stored.trackIds.filter((id) => Number.isInteger(id) && id > 0));
      const position = Math.min(Math.max(0, stored.position | 0), entries.length - 1);
      const unshuffled = stored.shuffle && Array.isArray(stored.unshuffled) ? stored.unshuffled.flatMap((index) => entries[index]?.key ?? []) : null;
      set({
        entries,
        position,
        shuffle: Boolean(stored.shuffle),
        repeat: (['off', 'all', 'one'] as const).includes(stored.repeat) ? stored.repeat : 'off',
        unshuffled,
      });
      load(false, Number.isFinite(stored.time) && stored.time > 0 ? stored.time : 0);
      void get().loadRows();
    },
    persist: () => save(),
  };
});

/**
 * The track the queue moved on to by itself, when one ended: if it cannot be played the queue skips it
 * (and says so) instead of stopping there. A track the user chose shows its error and waits.
 */
let reachedByItself: number | null = null;
/** Tracks skipped in a row; once every track in the queue failed, it stops. */
let skipsInARow = 0;

/** When a track ends: again with "repeat one", else the next one, else (the queue is done) the player stops. */
usePlayerStore.getState().onEnded(() => {
  const queue = useQueueStore.getState();
  if (queue.repeat === 'one') {
    usePlayerStore.getState().load(usePlayerStore.getState().trackId, { play: true });
    return;
  }
  const { entries, position, repeat } = queue;
  if (position + 1 < entries.length || repeat === 'all') {
    queue.next();
    reachedByItself = usePlayerStore.getState().trackId;
  } else {
    // The queue is done: back to the start of its last track, and remembered there.
    usePlayerStore.getState().seek(0);
    queue.persist();
  }
});

usePlayerStore.subscribe((state, before) => {
  if (state.playing && !before.playing) skipsInARow = 0;
  if (!state.error || before.error || state.trackId === null || state.trackId !== reachedByItself) return;
  const queue = useQueueStore.getState();
  const canMoveOn = queue.position + 1 < queue.entries.length || queue.repeat === 'all';
  if (!canMoveOn || skipsInARow >= queue.entries.length) return;
  skipsInARow++;
  const row = queue.rows[state.trackId];
  const name = row ? (row.title ?? row.fileName) : 'a track';
  queue.next();
  reachedByItself = usePlayerStore.getState().trackId;
  useQueueStore.setState({ skipped: `Skipped “${name}”: it cannot be played.` });
});
