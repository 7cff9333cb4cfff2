import type { Db } from '../db/open.js';
import { GenresRepo } from '../db/repos/genres.js';
import { ModelVersionsRepo, type ModelVersionRow } from '../db/repos/model-versions.js';
import type { BasePredictionRow, ModelRef, PredictionsRepo } from '../db/repos/predictions.js';
import { TracksRepo } from '../db/repos/tracks.js';
import { VersionTracksRepo } from '../db/repos/version-tracks.js';
import { canonicalGenreName, genreKey } from '../genres/vocabulary.js';
import { SeededRandom } from '../ml/random.js';
import { ActiveHead, headPrediction, type LoadedHead } from './active-head.js';
import { confusionReport, type ConfusionPair } from './confusion.js';
import type { HeadTrainOptions } from './head.js';
import type { RecipeProgress, RetrainInput, RetrainOutput } from './recipe.js';
import { runRetrainInThread } from './train-thread.js';
import type { ConfusionBasis, ConfusionReport, ModelVersionInfo, RetrainEvents, RetrainProgress, RetrainService as RetrainServiceApi } from './types.js';

export interface RetrainServiceDeps {
  db: Db;
  predictions: PredictionsRepo;
  /** Where 'retrain-progress' and 'model-changed' go (the core's event bus). */
  events: { emit<E extends keyof RetrainEvents>(event: E, payload: RetrainEvents[E]): void };
  /** Tracks whose shown prediction changed (called once per refreshed chunk). */
  onTracksChanged?(trackIds: number[]): void;
  headOptions?: HeadTrainOptions;
  /** Runs the training recipe; default: in a worker thread. */
  train?(input: RetrainInput, onProgress: (progress: RecipeProgress) => void): Promise<RetrainOutput>;
}

/** A retrain refused or failed for a reason the user can act on. */
export class RetrainError extends Error {
  override readonly name: string = 'RetrainError';
}

export class RetrainBusyError extends RetrainError {
  override readonly name = 'RetrainBusyError';
}

/** The steps a retrain reports: collect the data, validate, train, refresh the stored predictions. */
const enum RetrainStep {
  Collect = 1,
  Validate = 2,
  Train = 3,
  Refresh = 4,
}
const RETRAIN_STEPS = 4;

/** Stored predictions are refreshed this many tracks per transaction, yielding to the event loop between. */
const REFRESH_CHUNK = 1000;
/**
 * Unconfirmed tracks the head also learns from (their shipped-model probabilities), at least this many
 * and twice the confirmed tracks: enough to keep genres nobody fixed, few enough to stay fast.
 */
const MIN_UNCONFIRMED_SAMPLE = 500;

/**
 * "Retrain from my fixes": trains a head on the shipped model's cached embeddings of every track with
 * a confirmed genre (its first confirmed genre is the label, genres the user invented included), stores
 * it as a new model version, makes it active and refreshes every stored prediction from the stored
 * embeddings; no audio is analysed again. Versions can be activated again at any time (rollback).
 * Confirmed genres are only read here: a retrain changes predictions, never what the user confirmed.
 */
export class RetrainService implements RetrainServiceApi {
  readonly versions: ModelVersionsRepo;
  /** What the analysis runner applies to new tracks. */
  readonly activeHead: ActiveHead;
  private readonly genres: GenresRepo;
  private readonly versionTracks: VersionTracksRepo;
  private latest: RetrainProgress | null = null;
  private running: Promise<RetrainProgress> | null = null;
  private readonly refreshing = new Set<Promise<void>>();
  private readonly jobs = new Map<number, Promise<RetrainProgress>>();
  private nextJobId = 1;

  constructor(private readonly deps: RetrainServiceDeps) {
    this.versions = new ModelVersionsRepo(deps.db);
    this.activeHead = new ActiveHead(this.versions);
    this.genres = new GenresRepo(deps.db);
    this.versionTracks = new VersionTracksRepo(deps.db);
  }

  start(): { jobId: number } {
    if (this.running) throw new RetrainBusyError('a retrain is already running');
    const jobId = this.nextJobId++;
    const job = this.retrain().finally(() => {
      this.running = null;
    });
    this.running = job;
    this.jobs.set(jobId, job);
    return { jobId };
  }

  whenDone(jobId: number): Promise<RetrainProgress> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new RetrainError(`no retrain job ${jobId}`));
    return job;
  }

  status(): RetrainProgress | null {
    return this.latest;
  }

  /** Waits for a running retrain or refresh to finish (before the database closes). */
  async close(): Promise<void> {
    await Promise.all([this.running, ...this.refreshing]);
  }

  listVersions(): ModelVersionInfo[] {
    this.syncBaseVersions();
    return this.versions.list().map((version) => this.info(version));
  }

  /**
   * Makes a version active and refreshes every stored prediction from it (in chunks, yielding to the
   * event loop). Refused while a retrain runs: it is about to make its own version active.
   */
  async activate(versionId: number): Promise<ModelVersionInfo[]> {
    const version = this.versions.get(versionId);
    if (!version) throw new RetrainError(`no model version ${versionId}`);
    if (this.running) throw new RetrainBusyError('a retrain is running: its version becomes active when it finishes');
    this.versions.setActive(version.id);
    await this.refresh(version);
    this.deps.events.emit('model-changed', { versionId: version.id });
    return this.listVersions();
  }

  /**
   * Finishes a refresh a crash interrupted: when some stored prediction is not the one the active
   * version would show, every stored prediction is refreshed (in the background; see close()).
   */
  recover(): void {
    const active = this.versions.active();
    if (!active || !this.deps.predictions.hasOtherHead(active, active.head ? active.id : null)) return;
    void this.refresh(active).catch((error: unknown) => {
      console.error(`timbre: could not refresh the genre predictions: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /**
   * The confusion report of a version, over predictions made without seeing the track: the shipped
   * model's own, or for a retrained version its out-of-fold predictions of its training tracks and its
   * predictions of tracks confirmed since. Its agreement with its training tracks is reported apart.
   */
  confusion(versionId?: number): ConfusionReport {
    const version = this.versionOrActive(versionId);
    const { heldOut, training, basis } = this.confusionPairs(version);
    const trainingFigures = training ? confusionReport(version, training) : null;
    return {
      ...confusionReport(version, heldOut),
      basis,
      trainingAgreement: trainingFigures ? { accuracy: trainingFigures.accuracy, kappa: trainingFigures.kappa, tracks: trainingFigures.tracks } : null,
    };
  }

  confusionTracks(versionId: number | undefined, confirmed: string, predicted: string): number[] {
    const version = this.versionOrActive(versionId);
    const [confirmedKey, predictedKey] = [genreKey(confirmed), genreKey(predicted)];
    return this.confusionPairs(version)
      .heldOut.filter((pair) => genreKey(pair.confirmed) === confirmedKey && genreKey(pair.predicted) === predictedKey)
      .map((pair) => pair.trackId);
  }

  private async retrain(): Promise<RetrainProgress> {
    const report = (step: RetrainStep, message: string, versionId: number | null = null, state: RetrainProgress['state'] = 'running') => {
      this.latest = { state, step, steps: RETRAIN_STEPS, message, versionId };
      this.deps.events.emit('retrain-progress', this.latest);
    };
    try {
      report(RetrainStep.Collect, 'collecting confirmed tracks');
      // start() returns first; the data is read on the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      const { model, input, trackIds, skipped } = await this.collect();
      report(RetrainStep.Validate, `learning from ${input.examples.length} confirmed tracks`);
      const train = this.deps.train ?? runRetrainInThread;
      const output = await train(input, (progress) =>
        report(progress.step < progress.steps ? RetrainStep.Validate : RetrainStep.Train, progress.message),
      );

      const versionId = this.deps.db.transaction(() => {
        this.versions.ensureBase(model, input.baseLabels);
        const id = this.versions.insertHead(model, output.head, {
          trainedOn: input.examples.length,
          validation: output.validation,
          training: {
            seconds: output.seconds,
            l2: output.l2,
            epochs: output.epochLosses.length,
            finalLoss: output.epochLosses.at(-1) ?? null,
            unconfirmedSample: input.unconfirmed.length,
            skippedTracks: skipped,
            options: input.options ?? null,
          },
        });
        const { outOfFold } = output;
        this.versionTracks.insert(
          id,
          input.examples.map((example, i) => ({
            trackId: trackIds[i],
            confirmed: input.labels[example.label],
            heldOutGenre: outOfFold && outOfFold[i] >= 0 ? input.labels[outOfFold[i]] : null,
          })),
        );
        this.versions.setActive(id);
        return id;
      })();
      report(RetrainStep.Refresh, 'refreshing predictions', versionId);
      await this.refresh(this.versions.get(versionId)!, (done) => report(RetrainStep.Refresh, `refreshing predictions (${done} tracks)`, versionId));
      this.deps.events.emit('model-changed', { versionId });
      const accuracy = output.validation
        ? `; artist-grouped validation accuracy ${output.validation.accuracy.toFixed(3)} on ${output.validation.tracks} tracks`
        : '';
      report(RETRAIN_STEPS, `trained on ${input.examples.length} confirmed tracks${accuracy}`, versionId, 'done');
    } catch (error) {
      report(this.latest?.step ?? 0, error instanceof Error ? error.message : String(error), null, 'failed');
    }
    return this.latest!;
  }

  /** The training data: every confirmed track the latest shipped model has an embedding of. */
  private async collect(): Promise<{ model: ModelRef; input: RetrainInput; trackIds: number[]; skipped: number }> {
    const model = this.deps.predictions.latestModel();
    if (!model) throw new RetrainError('no track has been analysed yet: scan a folder first');
    const baseLabels = this.deps.predictions.models().find((candidate) => sameModel(candidate, model))?.labels ?? [];
    const tracks = new TracksRepo(this.deps.db);
    const rows: Array<{ row: BasePredictionRow & { embedding: Float32Array }; genre: string }> = [];
    let skipped = 0;
    for (const { trackId, genres } of this.genres.allConfirmed()) {
      const row = this.deps.predictions.baseRow(trackId);
      if (!row?.embedding || !sameModel(row, model) || genres.length === 0) skipped++;
      else rows.push({ row: row as BasePredictionRow & { embedding: Float32Array }, genre: genres[0] });
    }
    if (rows.length === 0) {
      throw new RetrainError(
        skipped > 0
          ? `none of the ${skipped} tracks with a confirmed genre has been analysed by ${model.modelId} ${model.modelVersion} yet`
          : 'no track has a confirmed genre yet: fix or confirm some genres first',
      );
    }

    // The shipped model's genres first (in its order), then the genres only the user's fixes have.
    const baseNames = baseLabels.map((label) => this.displayName(label));
    const labels: string[] = [];
    for (const name of [...baseNames, ...rows.map((entry) => entry.genre).sort((a, b) => a.localeCompare(b))]) {
      if (!labels.some((label) => genreKey(label) === genreKey(name))) labels.push(name);
    }
    const labelIndex = new Map(labels.map((label, i) => [genreKey(label), i]));
    const examples = rows.map(({ row, genre }) => {
      const artist = normaliseArtist(tracks.summary(row.trackId)?.artist ?? null);
      return {
        embedding: row.embedding,
        baseProbabilities: Float32Array.from(baseLabels, (label) => row.probabilities[label] ?? 0),
        label: labelIndex.get(genreKey(genre))!,
        group: artist ? `artist:${artist}` : `track:${row.trackId}`,
      };
    });
    const baseIndex = labels.map((label) => baseNames.findIndex((name) => genreKey(name) === genreKey(label)));
    const confirmedIds = new Set(rows.map((entry) => entry.row.trackId));
    const unconfirmed = (await this.sampleUnconfirmed(model, confirmedIds, Math.max(MIN_UNCONFIRMED_SAMPLE, 2 * rows.length))).map((row) => ({
      embedding: row.embedding,
      baseProbabilities: Float32Array.from(baseLabels, (label) => row.probabilities[label] ?? 0),
    }));
    return {
      model,
      input: { labels, baseLabels, baseIndex, examples, unconfirmed, options: this.deps.headOptions },
      trackIds: rows.map(({ row }) => row.trackId),
      skipped,
    };
  }

  /** A seeded uniform sample (reservoir) of the model's predictions for tracks nobody confirmed, read in chunks. */
  private async sampleUnconfirmed(
    model: ModelRef,
    confirmed: ReadonlySet<number>,
    size: number,
  ): Promise<Array<BasePredictionRow & { embedding: Float32Array }>> {
    const random = new SeededRandom(1);
    const sample: Array<BasePredictionRow & { embedding: Float32Array }> = [];
    let seen = 0;
    for (let after = 0; ; ) {
      await new Promise((resolve) => setImmediate(resolve));
      const rows = this.deps.predictions.baseRows(model, after, REFRESH_CHUNK);
      if (rows.length === 0) break;
      after = rows[rows.length - 1].trackId;
      for (const row of rows) {
        if (!row.embedding || confirmed.has(row.trackId)) continue;
        seen++;
        const slot = sample.length < size ? sample.length : random.int(seen);
        if (slot < size) sample[slot] = row as BasePredictionRow & { embedding: Float32Array };
      }
    }
    return sample;
  }

  /**
   * Shows `version`'s predictions for every track: the shipped models' own ones back where another
   * head's were shown, then, for a head, its prediction for each track of its model. One transaction per
   * chunk of tracks, yielding to the event loop between chunks; stops early if another version became
   * active meanwhile.
   */
  private refresh(version: ModelVersionRow, onChunk: (done: number) => void = () => {}): Promise<void> {
    const stillActive = () => this.versions.activeId() === version.id;
    const refreshing = (async () => {
      const keep = version.head ? version : null;
      await this.inChunks(stillActive, (after) => this.deps.predictions.restoreBase(keep, after, REFRESH_CHUNK));
      if (!version.head) return;
      const loaded: LoadedHead = { versionId: version.id, modelId: version.modelId, modelVersion: version.modelVersion, head: version.head };
      await this.inChunks(stillActive, (after) => this.applyHeadToChunk(loaded, after), onChunk);
    })();
    const tracked = refreshing.catch(() => {}).finally(() => this.refreshing.delete(tracked));
    this.refreshing.add(tracked);
    return refreshing;
  }

  /** Runs `chunk` (returning the track ids it changed, in id order) in transactions until it changes none. */
  private async inChunks(proceed: () => boolean, chunk: (afterTrackId: number) => number[], onChunk: (done: number) => void = () => {}): Promise<void> {
    let done = 0;
    for (let after = 0; ; ) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!proceed()) return;
      const ids = this.deps.db.transaction(() => chunk(after))();
      if (ids.length === 0) return;
      done += ids.length;
      after = ids[ids.length - 1];
      this.deps.onTracksChanged?.(ids);
      onChunk(done);
    }
  }

  /** Applies a head to the next chunk of its model's predictions; returns the track ids of the chunk. */
  private applyHeadToChunk(loaded: LoadedHead, afterTrackId: number): number[] {
    const rows = this.deps.predictions.baseRows(loaded, afterTrackId, REFRESH_CHUNK);
    for (const row of rows) {
      if (row.embedding?.length === loaded.head.inputSize) {
        this.deps.predictions.setHeadPrediction(row.trackId, headPrediction(loaded, row.embedding, row.probabilities));
      }
    }
    return rows.map((row) => row.trackId);
  }

  /**
   * The pairs a version's figures rest on (held out) and, for a retrained version, its pairs on its own
   * training tracks. A training track is held out through its out-of-fold prediction (its genre as
   * confirmed now); a track confirmed since the version was trained, through the version's prediction.
   */
  private confusionPairs(version: ModelVersionRow): { heldOut: ConfusionPair[]; training: ConfusionPair[] | null; basis: ConfusionBasis } {
    const loaded: LoadedHead | null = version.head
      ? { versionId: version.id, modelId: version.modelId, modelVersion: version.modelVersion, head: version.head }
      : null;
    const trainedOn = loaded ? this.versionTracks.of(version.id) : new Map();
    // A version trained before its training tracks were recorded: none of its predictions can be told held out.
    const untracked = loaded !== null && version.trainedOn > 0 && trainedOn.size === 0;
    const heldOut: ConfusionPair[] = [];
    const training: ConfusionPair[] = [];
    const basis: ConfusionBasis = {
      kind: loaded ? 'held-out' : 'shipped-model',
      outOfFold: 0,
      unseen: 0,
      withoutHeldOut: 0,
      folds: version.validation?.folds ?? null,
      groups: version.validation?.groups ?? null,
    };
    for (const { trackId, genres } of this.genres.allConfirmed()) {
      const row = this.deps.predictions.baseRow(trackId);
      if (!row || !sameModel(row, version) || genres.length === 0) continue;
      if (loaded && row.embedding?.length !== loaded.head.inputSize) continue;
      const predicted = this.displayName(loaded ? headPrediction(loaded, row.embedding!, row.probabilities).genre : row.genre);
      const pair = { trackId, confirmed: genres[0], predicted };
      const trained = trainedOn.get(trackId);
      if (trained || untracked) {
        training.push(pair);
        if (trained?.heldOutGenre) {
          heldOut.push({ ...pair, predicted: this.displayName(trained.heldOutGenre) });
          basis.outOfFold++;
        } else basis.withoutHeldOut++;
      } else {
        heldOut.push(pair);
        basis.unseen++;
      }
    }
    return { heldOut, training: loaded ? training : null, basis };
  }

  private versionOrActive(versionId: number | undefined): ModelVersionRow {
    if (versionId !== undefined) {
      const version = this.versions.get(versionId);
      if (!version) throw new RetrainError(`no model version ${versionId}`);
      return version;
    }
    this.syncBaseVersions();
    const active = this.versions.active();
    if (!active) throw new RetrainError('there is no model version yet: analyse some tracks first');
    return active;
  }

  /** Lists every shipped model that made stored predictions; the latest one is active when none is. */
  private syncBaseVersions(): void {
    this.deps.db.transaction(() => {
      for (const model of this.deps.predictions.models()) this.versions.ensureBase(model, model.labels);
      const latest = this.deps.predictions.latestModel();
      if (this.versions.activeId() === null && latest) {
        const labels = this.deps.predictions.models().find((model) => sameModel(model, latest))?.labels ?? [];
        this.versions.setActive(this.versions.ensureBase(latest, labels));
      }
    })();
  }

  private info(version: ModelVersionRow): ModelVersionInfo {
    return {
      id: version.id,
      name: version.name,
      labels: version.labels.map((label) => this.displayName(label)),
      createdAt: version.createdAt,
      trainedOn: version.trainedOn,
      validation: version.validation,
      active: version.active,
    };
  }

  /** A genre as the user's vocabulary names it now (renames included), else its canonical spelling. */
  private displayName(name: string): string {
    return this.genres.resolve(name)?.name ?? canonicalGenreName(name);
  }
}

function sameModel(a: ModelRef, b: ModelRef): boolean {
  return a.modelId === b.modelId && a.modelVersion === b.modelVersion;
}

function normaliseArtist(artist: string | null): string {
  return (artist ?? '').normalize('NFKC').trim().toLowerCase();
}
