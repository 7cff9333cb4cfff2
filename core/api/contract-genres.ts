/**
 * The genre-fixing part of the API contract: editing genres, the vocabulary, undo/redo,
 * retraining from fixes, model versions and the confusion view. Like contract.ts it pulls in no
 * Node-only code (it imports only types from there).
 */

import type { TrackQuery, TrackRow } from './contract.js';

/** What the undo and redo buttons offer right now. */
export interface GenreEditState {
  canUndo: boolean;
  canRedo: boolean;
  /** What undo would take back, e.g. "genre of 3 tracks → Jazz"; null when there is nothing. */
  undoSummary: string | null;
  redoSummary: string | null;
}

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

export interface GenreEditEntry {
  id: number;
  kind: string;
  summary: string;
  state: 'done' | 'undone' | 'superseded';
  createdAt: number;
}

/** A genre of the user's vocabulary. */
export interface GenreInfo {
  id: number;
  name: string;
  /** Other spellings that resolve to it (normalised keys, e.g. "hiphop"). */
  aliases: string[];
  /** Tracks confirmed as this genre. */
  trackCount: number;
}

export interface GenreVocabulary {
  genres: GenreInfo[];
  /**
   * Names the autocomplete offers beside the vocabulary: built-in canonical genres, tag genres and the
   * model's labels not yet in it.
   */
  suggestions: string[];
}

export interface RetrainProgress {
  state: 'running' | 'done' | 'failed';
  step: number;
  steps: number;
  message: string;
  /** The version it made, once done. */
  versionId: number | null;
}

export interface ModelVersionInfo {
  id: number;
  /** e.g. "genre-cnn-lstm-emotify 1.1.0" or "… 1.1.0 + fixes #2". */
  name: string;
  labels: string[];
  createdAt: number;
  /** Confirmed tracks it was trained on (0 for the shipped model). */
  trainedOn: number;
  /**
   * Out-of-fold agreement with the fixes, folds grouped by artist where known; null for the shipped
   * model and when there were too few tracks to validate.
   */
  validation: { accuracy: number; kappa: number; tracks: number; folds: number; groups: number } | null;
  active: boolean;
}

export interface ConfusionClassStats {
  genre: string;
  precision: number | null;
  recall: number | null;
  /** Confirmed tracks of this genre. */
  support: number;
}

/**
 * What a confusion matrix rests on. 'shipped-model': the shipped model's predictions, which never saw
 * the user's tracks. 'held-out': a retrained version's training tracks predicted out of fold (folds
 * grouped by artist) plus tracks confirmed since it was trained.
 */
export interface ConfusionBasis {
  kind: 'shipped-model' | 'held-out';
  /** Training tracks predicted out of fold. */
  outOfFold: number;
  /** Confirmed tracks the version never learned from. */
  unseen: number;
  /** Training tracks with no held-out prediction (too few to validate): left out of the figures. */
  withoutHeldOut: number;
  folds: number | null;
  groups: number | null;
}

/** Predicted vs confirmed genre of the confirmed tracks, for one model version, never on tracks it learned from. */
export interface ConfusionMatrix {
  versionId: number;
  versionName: string;
  labels: string[];
  /** counts[confirmed][predicted], indexed like labels. */
  counts: number[][];
  /** Each row divided by its total (0 for an empty row). */
  rowNormalised: number[][];
  perClass: ConfusionClassStats[];
  accuracy: number | null;
  kappa: number | null;
  /** Confirmed tracks the figures rest on. */
  tracks: number;
  basis: ConfusionBasis;
  /**
   * A retrained version's agreement with its own training tracks: how well it fits what it learned, not
   * how well it predicts. Null for the shipped model.
   */
  trainingAgreement: { accuracy: number | null; kappa: number | null; tracks: number } | null;
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
  /** The active model version changed (a retrain finished, or a rollback): predictions were refreshed. */
  'model-changed': { versionId: number };
}

export const GENRE_API_EVENT_NAMES = ['genres-changed', 'retrain-progress', 'model-changed'] as const satisfies readonly (keyof GenreApiEvents)[];
