/**
 * The genre-fixing part of the API contract: editing genres, the vocabulary, undo/redo,
 * retraining from fixes, model versions and the confusion view. Like contract.ts it pulls in no
 * Node-only code (it imports only types from there).
 */

import type { DuplicateGroup, DuplicateTrack } from '../duplicates/types.js';
import type { SpellingSuggestion } from '../genres/spellings.js';
import type { EditSummary, GenreSpellingEntry, GenreSummary, UndoState } from '../genres/types.js';
import type { ConfusionReport, ModelVersionInfo, RetrainProgress } from '../retrain/types.js';
import type { TrackQuery, TrackRow } from './contract.js';

// Retraining's shapes are defined once, by core/retrain (plain data, no Node-only code), and served as they are.
export type { ConfusionBasis, ConfusionClassStats, HeadValidation, ModelVersionInfo, RetrainProgress, TrainingAgreement } from '../retrain/types.js';
/** Predicted vs confirmed genre of the confirmed tracks, for one model version, never on tracks it learned from. */
export type ConfusionMatrix = ConfusionReport;
/** What the undo and redo buttons offer right now. */
export type GenreEditState = UndoState;
/** One entry of the edit history. */
export type GenreEditEntry = EditSummary;
/** A genre of the user's vocabulary. */
export type GenreInfo = GenreSummary;
/** One genre as the library holds it: the name shown, its spellings in the files, its place in the tree. */
export type GenreSpellingInfo = GenreSpellingEntry;
/** Spellings that probably name one genre, and the spelling suggested for all of them. */
export type GenreMergeSuggestion = SpellingSuggestion;
/** One file of a duplicated recording. */
export type DuplicateTrackInfo = DuplicateTrack;
/** Files that hold one recording: byte-identical copies, or the same audio in different files. */
export type DuplicateGroupInfo = DuplicateGroup;

/** The outcome of a genre change (set, add, remove, accept, confirm, rename, merge, undo, redo). */
export interface GenreEditResult {
  /** What was done, in words for a toast; null when nothing changed. */
  summary: string | null;
  /** Tracks whose confirmed genres changed. */
  trackIds: number[];
  /** Tracks asked for but left as they were (no prediction to accept, no genre to confirm, already so). */
  skipped: number;
  /**
   * Files whose tags were not written or restored, with why: a write that failed (writeTags; the library
   * change stands) or, for undo/redo with keepChangedFiles, a file changed elsewhere and left as it is.
   */
  fileErrors: Array<{ path: string; error: string }>;
  state: GenreEditState;
}

/** An undo or redo: an edit result, or why nothing was done. */
export interface GenreUndoResult extends GenreEditResult {
  /**
   * Why nothing was undone or redone: files it would rewrite changed since Timbre wrote them. Asked again
   * with keepChangedFiles, it leaves those files as they are and does the rest. Null when it was done.
   */
  blocked: string | null;
}

export interface GenreVocabulary {
  genres: GenreInfo[];
  /**
   * Names the autocomplete offers beside the vocabulary: built-in canonical genres, tag genres and the
   * model's labels not yet in it.
   */
  suggestions: string[];
}

export interface GenreSpellings {
  entries: GenreSpellingInfo[];
  suggestions: GenreMergeSuggestion[];
  /** The genre tree's families, for "map to". */
  families: Array<{ id: string; name: string }>;
}

/** A bulk tag write under way: files written of the total. */
export interface TagWriteProgress {
  done: number;
  total: number;
}

/** "Keep this one": the other files of a group were moved aside (out of the music folders). */
export interface KeepDuplicateResult {
  /** What undoKeepDuplicate takes to move them back. */
  setAsideId: number;
  summary: string;
  /** Where each file now is. */
  moved: Array<{ from: string; to: string }>;
}

/** The library table's query without paging: what "select all" selects, in table order. */
export type TrackSelectionQuery = Omit<TrackQuery, 'offset' | 'limit'>;

export interface GenreApiMethods {
  /**
   * Confirms these genres as the tracks' genres (any spelling; new names join the vocabulary). Every
   * track edit takes `writeTags` (opt-in): the resulting genres are also written into the files' tags,
   * and undo restores the files' earlier bytes.
   */
  setGenres(args: { trackIds: number[]; genres: string[]; writeTags?: boolean }): GenreEditResult;
  /** Adds one genre to each track's confirmed genres, keeping the others. */
  addGenre(args: { trackIds: number[]; genre: string; writeTags?: boolean }): GenreEditResult;
  /** Removes one genre from each track's confirmed genres. */
  removeGenre(args: { trackIds: number[]; genre: string; writeTags?: boolean }): GenreEditResult;
  /** "Accept suggestion": each track's predicted genre becomes its confirmed genre. */
  acceptSuggestions(args: { trackIds: number[]; writeTags?: boolean }): GenreEditResult;
  /** "Mark confirmed": each track's current genre (its tag genres, else the prediction) is confirmed. */
  confirmGenres(args: { trackIds: number[]; writeTags?: boolean }): GenreEditResult;
  undoGenreEdit(args?: { keepChangedFiles?: boolean }): GenreUndoResult;
  redoGenreEdit(args?: { keepChangedFiles?: boolean }): GenreUndoResult;
  genreEditState(): GenreEditState;
  genreHistory(args?: { limit?: number }): GenreEditEntry[];
  genreVocabulary(): GenreVocabulary;
  renameGenre(args: { id: number; name: string }): GenreEditResult;
  /** Merges `sourceId` into `targetId`: its tracks and spellings move to the target. */
  mergeGenres(args: { sourceId: number; targetId: number }): GenreEditResult;
  /** Every genre the library holds (tag spellings and confirmed genres), with suggestions to merge. */
  genreSpellings(): GenreSpellings;
  /**
   * Merges genres named by any spelling into `target`. With writeTags the files spelling them get the
   * target's spelling, in the same edit ('tag-write-progress' reports the files as they are written).
   */
  mergeSpellings(args: { sources: string[]; target: string; writeTags?: boolean }): GenreEditResult;
  /** Renames a genre named by any spelling (writeTags as for mergeSpellings). */
  renameSpelling(args: { spelling: string; name: string; writeTags?: boolean }): GenreEditResult;
  /** Makes a spelling that reads as another genre a genre of its own. */
  splitOffSpelling(args: { spelling: string }): GenreEditResult;
  /** Places a genre in the tree: a family id, 'outside', or null for the tree's own placement. */
  mapSpelling(args: { spelling: string; family: string | null }): GenreEditResult;
  /** The library's duplicates: groups of files holding one recording. */
  duplicateGroups(): DuplicateGroupInfo[];
  /**
   * Keeps one file of a duplicate group: the others are moved out of the music folders into Timbre's
   * set-aside folder (so they leave the library), undoable with undoKeepDuplicate.
   */
  keepDuplicate(args: { groupId: number; keepTrackId: number }): KeepDuplicateResult;
  /** Moves set-aside files back to where they were; the next scan takes them in again. */
  undoKeepDuplicate(args: { setAsideId: number }): { restored: number };
  /** The ids of every track the query matches, in table order (for "select all"). */
  selectTracks(args: TrackSelectionQuery): { ids: number[] };

  /** Starts "retrain from my fixes" in the background; progress arrives as 'retrain-progress'. */
  startRetrain(): { jobId: number };
  retrainStatus(): RetrainProgress | null;
  listModelVersions(): ModelVersionInfo[];
  /** Makes a version active (rollback or forward) and refreshes the stored predictions. */
  activateModelVersion(args: { id: number }): ModelVersionInfo[];
  /** The confusion matrix of a version (default: the active one). */
  confusion(args?: { versionId?: number }): ConfusionMatrix;
  /** The tracks in one cell of a version's confusion matrix. */
  confusionTracks(args: { versionId?: number; confirmed: string; predicted: string }): TrackRow[];
}

export const GENRE_API_METHOD_NAMES = [
  'setGenres',
  'addGenre',
  'removeGenre',
  'acceptSuggestions',
  'confirmGenres',
  'undoGenreEdit',
  'redoGenreEdit',
  'genreEditState',
  'genreHistory',
  'genreVocabulary',
  'renameGenre',
  'mergeGenres',
  'selectTracks',
  'genreSpellings',
  'mergeSpellings',
  'renameSpelling',
  'splitOffSpelling',
  'mapSpelling',
  'duplicateGroups',
  'keepDuplicate',
  'undoKeepDuplicate',
  'startRetrain',
  'retrainStatus',
  'listModelVersions',
  'activateModelVersion',
  'confusion',
  'confusionTracks',
] as const satisfies readonly (keyof GenreApiMethods)[];

export interface GenreApiEvents {
  /** Confirmed genres or the vocabulary changed (an edit, an undo or redo). */
  'genres-changed': { state: GenreEditState };
  'retrain-progress': RetrainProgress;
  /** Files written so far by a bulk tag write (a genre merge or rename with writeTags). */
  'tag-write-progress': TagWriteProgress;
  /** The active model version changed (a retrain finished, or a rollback): predictions were refreshed. */
  'model-changed': { versionId: number };
}

export const GENRE_API_EVENT_NAMES = ['genres-changed', 'retrain-progress', 'tag-write-progress', 'model-changed'] as const satisfies readonly (keyof GenreApiEvents)[];
