/**
 * The plain-data shapes of genre fixing that the app is served as they are: the undo state, the edit
 * history, the vocabulary and the genres the library holds. No Node-only code here: the API contract
 * (and so the renderer) imports them.
 */

import type { SpellingCount } from './spellings.js';

/** What the undo and redo buttons offer right now. */
export interface UndoState {
  canUndo: boolean;
  canRedo: boolean;
  /** What undo would take back, e.g. "genre of 3 tracks → Jazz"; null when there is nothing. */
  undoSummary: string | null;
  redoSummary: string | null;
}

export type EditState = 'done' | 'undone' | 'superseded';

/** An edit without its undo and redo data (which can be large for a bulk edit): what a history lists. */
export interface EditSummary {
  id: number;
  kind: string;
  summary: string;
  state: EditState;
  createdAt: number;
}

/** A genre of the user's vocabulary. */
export interface GenreSummary {
  id: number;
  name: string;
  /** The other spellings that resolve to the genre, as normalised keys (e.g. "hiphop"). */
  aliases: string[];
  /** Tracks confirmed as this genre. */
  trackCount: number;
}

/** One genre as the library holds it: the name it shows, its spellings in the files, its place in the tree. */
export interface GenreSpellingEntry {
  name: string;
  /** The vocabulary genre behind the name (one the user confirmed, renamed or merged into), if any. */
  genreId: number | null;
  /** The spellings the files' tags hold that read as this name, with their track counts, most used first. */
  spellings: SpellingCount[];
  /** Other spellings the vocabulary resolves to it (normalised keys). */
  aliases: string[];
  /** Tracks whose tags hold one of the spellings. */
  tagTrackCount: number;
  /** Tracks confirmed as this genre. */
  confirmedTrackCount: number;
  /** Where it sits in the genre tree: on families (ids), outside the tree, or unknown. */
  placement: { kind: 'families'; families: string[] } | { kind: 'outside' } | { kind: 'unknown' };
  /** The user placed it ("map to"), rather than the tree. */
  placedByUser: boolean;
}
