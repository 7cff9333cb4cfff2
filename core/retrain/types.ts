/**
 * "Retrain from my fixes": the public shape of core.retrain. A model version is either the
 * shipped model itself (its own final layer) or a head trained on the shipped model's cached track
 * embeddings from the user's confirmed genres. One version is active: its predictions are the ones
 * stored for every track and given to tracks analysed later.
 */

export interface RetrainProgress {
  state: 'running' | 'done' | 'failed';
  step: number;
  steps: number;
  message: string;
  /** The version the retrain made, once done. */
  versionId: number | null;
}

export interface ModelVersionInfo {
  id: number;
  /** e.g. "genre-cnn-lstm-emotify 1.1.0" (the shipped model) or "genre-cnn-lstm-emotify 1.1.0 + fixes #2". */
  name: string;
  labels: string[];
  createdAt: number;
  /** Confirmed tracks it was trained on (0 for the shipped model). */
  trainedOn: number;
  /**
   * Out-of-fold accuracy of the retrain recipe on the confirmed tracks, folds grouped by artist where
   * the artist is known (a track of unknown artist is its own group). Null for the shipped model and
   * when there were too few tracks or artists to validate.
   */
  validation: HeadValidation | null;
  active: boolean;
}

export interface HeadValidation {
  accuracy: number;
  kappa: number;
  /** Tracks predicted out of fold. */
  tracks: number;
  folds: number;
  /** Distinct groups the folds were made of (artists, plus tracks of unknown artist). */
  groups: number;
}

export interface ConfusionClassStats {
  genre: string;
  /** Null when the version predicted this genre for no confirmed track. */
  precision: number | null;
  /** Null when no track is confirmed as this genre. */
  recall: number | null;
  /** Confirmed tracks of this genre. */
  support: number;
}

/** What a confusion report's figures rest on: predictions for tracks the version did not learn from. */
export interface ConfusionBasis {
  /**
   * 'shipped-model': the shipped model's own predictions (it never saw the user's tracks).
   * 'held-out': a retrained version's training tracks predicted out of fold (by its artist-grouped
   * validation's heads, each blind to the track's artist), plus tracks confirmed since it was trained.
   */
  kind: 'shipped-model' | 'held-out';
  /** Training tracks predicted out of fold. */
  outOfFold: number;
  /** Confirmed tracks the version never learned from, predicted by the version itself. */
  unseen: number;
  /**
   * Training tracks with no held-out prediction (too few to validate, or trained before Timbre kept
   * them): left out of the figures.
   */
  withoutHeldOut: number;
  /** The validation's folds and artist groups; null without validation. */
  folds: number | null;
  groups: number | null;
}

/** A retrained version's agreement with the very tracks it learned from: how well it fits them, not how well it predicts. */
export interface TrainingAgreement {
  accuracy: number | null;
  kappa: number | null;
  tracks: number;
}

/**
 * Predicted vs confirmed (first confirmed) genre of the confirmed tracks, for one model version, over
 * predictions made without seeing the track (see ConfusionBasis).
 */
export interface ConfusionReport {
  versionId: number;
  versionName: string;
  /** The union of confirmed and predicted genres, sorted by name. */
  labels: string[];
  /** counts[confirmed][predicted], indexed like labels. */
  counts: number[][];
  /** Each row divided by its total (all 0 for an empty row). */
  rowNormalised: number[][];
  perClass: ConfusionClassStats[];
  accuracy: number | null;
  kappa: number | null;
  /** Confirmed tracks the figures rest on (those with a held-out prediction of this version). */
  tracks: number;
  basis: ConfusionBasis;
  /** For a retrained version: its agreement with its own training tracks, kept apart from the figures above. */
  trainingAgreement: TrainingAgreement | null;
}

export interface RetrainService {
  /**
   * Starts "retrain from my fixes" in the background (training runs in a worker thread; predictions are
   * refreshed in chunks). Progress arrives as core 'retrain-progress' events and through status().
   * Throws RetrainBusyError while one is running.
   */
  start(): { jobId: number };
  /** Resolves when the retrain `start` returned finishes (with its final progress). */
  whenDone(jobId: number): Promise<RetrainProgress>;
  /** The latest retrain's progress, or null before the first one. */
  status(): RetrainProgress | null;
  listVersions(): ModelVersionInfo[];
  /** Makes a version active (rollback or forward) and refreshes every stored prediction from it. */
  activate(versionId: number): Promise<ModelVersionInfo[]>;
  /** The confusion report of a version (default: the active one). */
  confusion(versionId?: number): ConfusionReport;
  /** Ids of the tracks in one cell of a version's confusion report. */
  confusionTracks(versionId: number | undefined, confirmed: string, predicted: string): number[];
}

/** Core events of the retrain, merged into the core's event map. */
export interface RetrainEvents {
  'retrain-progress': RetrainProgress;
  /** The active model version changed (a retrain finished, or a rollback): stored predictions were refreshed. */
  'model-changed': { versionId: number };
}

declare module '../library/types.js' {
  interface CoreEventMap extends RetrainEvents {}
}
