import type { Db } from '../open.js';
import type { GenrePrediction } from '../../library/types.js';
import { decideGenre, DEFAULT_UNSURE_THRESHOLD } from '../../ml/unsure.js';
import { headPrediction, type LoadedHead } from '../../retrain/active-head.js';
import type { HeadParameters } from '../../retrain/head.js';

/** What the runner stores for one track: the classifier's output plus the model that made it. */
export interface StoredPrediction extends Pick<GenrePrediction, 'modelId' | 'modelVersion' | 'confidence' | 'probabilities' | 'segments'> {
  /** The classifier's decision (null: unsure); the top label is stored either way. */
  genre: string | null;
  embedding: Float32Array | null;
  /** The probability the model needs to name a genre; DEFAULT_UNSURE_THRESHOLD when absent. */
  unsureThreshold?: number;
}

/**
 * A retrained head's prediction for a track (core/retrain), shown in place of the shipped model's own,
 * which stays stored (base_* columns) for comparison and rollback.
 */
export interface HeadPrediction {
  versionId: number;
  genre: string;
  confidence: number;
  probabilities: Record<string, number>;
}

/** What a head reads of a track: the shipped model's embedding and own probabilities. */
export interface BasePredictionRow {
  trackId: number;
  modelId: string;
  modelVersion: string;
  genre: string;
  probabilities: Record<string, number>;
  embedding: Float32Array | null;
}

interface RawPrediction {
  modelId: string;
  modelVersion: string;
  namedGenre: string | null;
  confidence: number;
  probabilities: string;
  segments: string;
  unsureThreshold: number;
  versionId: number | null;
  versionName: string | null;
  head: string | null;
  embedding: Buffer | null;
}

/**
 * The genre classifier's latest prediction per track (migration 0004). Predictions never touch the
 * user's confirmed genre or the file's tags: those live elsewhere and win over a prediction.
 */
export class PredictionsRepo {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly embeddingsStmt;
  private readonly baseRowStmt;
  private readonly baseRowsStmt;
  private readonly setHeadStmt;
  private readonly restoreBaseStmt;
  private readonly latestModelStmt;
  private readonly modelsStmt;
  private readonly staleStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO track_predictions (track_id, model_id, model_version, genre, confidence, probabilities, segments,
                                     embedding, predicted_at, base_genre, base_confidence, base_probabilities, head_version_id,
                                     unsure_threshold)
      VALUES (@trackId, @modelId, @modelVersion, @genre, @confidence, @probabilities, @segments, @embedding, @predictedAt,
              @baseGenre, @baseConfidence, @baseProbabilities, @headVersionId, @unsureThreshold)
      ON CONFLICT (track_id) DO UPDATE SET
        model_id = excluded.model_id, model_version = excluded.model_version, genre = excluded.genre,
        confidence = excluded.confidence, probabilities = excluded.probabilities, segments = excluded.segments,
        embedding = excluded.embedding, predicted_at = excluded.predicted_at, base_genre = excluded.base_genre,
        base_confidence = excluded.base_confidence, base_probabilities = excluded.base_probabilities,
        head_version_id = excluded.head_version_id, unsure_threshold = excluded.unsure_threshold`);
    // A head's segments are not stored (that would double the largest column): they are computed when
    // read, from the shipped model's segments and the track's embedding, so that is read only then.
    this.getStmt = db.prepare(`
      SELECT p.model_id AS modelId, p.model_version AS modelVersion, p.named_genre AS namedGenre, p.confidence, p.probabilities,
             p.segments, p.unsure_threshold AS unsureThreshold, v.id AS versionId, v.name AS versionName, v.head,
             CASE WHEN v.head IS NOT NULL THEN p.embedding END AS embedding
      FROM track_predictions p LEFT JOIN model_versions v ON v.id = p.head_version_id WHERE p.track_id = ?`);
    this.embeddingsStmt = db.prepare('SELECT track_id AS trackId, embedding FROM track_predictions WHERE embedding IS NOT NULL');
    const baseColumns = `track_id AS trackId, model_id AS modelId, model_version AS modelVersion, base_genre AS genre,
                         base_probabilities AS probabilities, embedding`;
    this.baseRowStmt = db.prepare(`SELECT ${baseColumns} FROM track_predictions WHERE track_id = ?`);
    this.baseRowsStmt = db.prepare(`
      SELECT ${baseColumns} FROM track_predictions
      WHERE model_id = ? AND model_version = ? AND track_id > ? ORDER BY track_id LIMIT ?`);
    this.setHeadStmt = db.prepare(`
      UPDATE track_predictions SET genre = @genre, confidence = @confidence, probabilities = @probabilities, head_version_id = @versionId
      WHERE track_id = @trackId`);
    this.restoreBaseStmt = db.prepare(`
      UPDATE track_predictions SET genre = base_genre, confidence = base_confidence, probabilities = base_probabilities, head_version_id = NULL
      WHERE track_id IN (
        SELECT track_id FROM track_predictions
        WHERE track_id > @after AND head_version_id IS NOT NULL AND NOT (model_id IS @modelId AND model_version IS @modelVersion)
        ORDER BY track_id LIMIT @limit)
      RETURNING track_id`).pluck();
    this.latestModelStmt = db.prepare(`
      SELECT model_id AS modelId, model_version AS modelVersion FROM track_predictions ORDER BY predicted_at DESC, track_id DESC LIMIT 1`);
    // The distinct models come from the (model_id, model_version) index; one row of each names its labels.
    this.modelsStmt = db.prepare(`
      SELECT m.model_id AS modelId, m.model_version AS modelVersion,
             (SELECT base_probabilities FROM track_predictions p
              WHERE p.model_id = m.model_id AND p.model_version = m.model_version LIMIT 1) AS probabilities
      FROM (SELECT DISTINCT model_id, model_version FROM track_predictions) m`);
    this.staleStmt = db.prepare(`
      SELECT EXISTS (SELECT 1 FROM track_predictions WHERE
        CASE WHEN model_id = @modelId AND model_version = @modelVersion
             THEN embedding IS NOT NULL AND head_version_id IS NOT @versionId
             ELSE head_version_id IS NOT NULL END)`).pluck();
  }

  /**
   * Stores the shipped model's prediction for a track and, when a retrained head is active for that
   * model, shows the head's prediction in its place (the model's own is kept for rollback).
   */
  save(trackId: number, prediction: StoredPrediction, predictedAt: number, head: HeadPrediction | null = null): void {
    const { embedding } = prediction;
    const probabilities = JSON.stringify(prediction.probabilities);
    // Rounded probabilities can sum a hair over 1; the column holds a probability.
    const confidence = clampProbability(prediction.confidence);
    // The top label is stored even when unsure: named_genre holds the decision, by the stored threshold.
    const topGenre = prediction.genre ?? decideGenre(prediction.probabilities).candidates[0]?.genre;
    if (topGenre === undefined) throw new Error(`a prediction of track ${trackId} has no genre probabilities`);
    this.upsertStmt.run({
      trackId,
      modelId: prediction.modelId,
      modelVersion: prediction.modelVersion,
      genre: head?.genre ?? topGenre,
      confidence: head ? clampProbability(head.confidence) : confidence,
      probabilities: head ? JSON.stringify(head.probabilities) : probabilities,
      segments: JSON.stringify(prediction.segments),
      embedding: embedding ? Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength) : null,
      predictedAt,
      baseGenre: topGenre,
      baseConfidence: confidence,
      baseProbabilities: probabilities,
      headVersionId: head?.versionId ?? null,
      unsureThreshold: prediction.unsureThreshold ?? DEFAULT_UNSURE_THRESHOLD,
    });
  }

  /** The shipped model's own prediction and embedding for a track, or null. */
  baseRow(trackId: number): BasePredictionRow | null {
    const raw = this.baseRowStmt.get(trackId) as RawBaseRow | undefined;
    return raw ? toBaseRow(raw) : null;
  }

  /** Up to `limit` tracks predicted by one shipped model, after `afterTrackId` in id order (for chunked passes). */
  baseRows(model: ModelRef, afterTrackId: number, limit: number): BasePredictionRow[] {
    return (this.baseRowsStmt.all(model.modelId, model.modelVersion, afterTrackId, limit) as RawBaseRow[]).map(toBaseRow);
  }

  /** Shows a head's prediction for a track. */
  setHeadPrediction(trackId: number, head: HeadPrediction): void {
    this.setHeadStmt.run({
      trackId,
      versionId: head.versionId,
      genre: head.genre,
      confidence: clampProbability(head.confidence),
      probabilities: JSON.stringify(head.probabilities),
    });
  }

  /**
   * Shows the shipped model's own prediction again for the next `limit` tracks (after `afterTrackId`, in
   * id order) a head predicted, except those of `keep` (the model the newly active head reads). Returns
   * the tracks changed, in id order; none when there are no more.
   */
  restoreBase(keep: ModelRef | null, afterTrackId: number, limit: number): number[] {
    const ids = this.restoreBaseStmt.all({ modelId: keep?.modelId ?? null, modelVersion: keep?.modelVersion ?? null, after: afterTrackId, limit }) as number[];
    return ids.sort((a, b) => a - b);
  }

  /**
   * Whether some stored prediction is not the one `versionId` (a head reading `model`'s embeddings, or
   * null for the shipped models' own) would show: a refresh was interrupted.
   */
  hasOtherHead(model: ModelRef, versionId: number | null): boolean {
    return this.staleStmt.get({ modelId: model.modelId, modelVersion: model.modelVersion, versionId }) === 1;
  }

  /** The model of the most recent prediction: the one analysis uses now. */
  latestModel(): ModelRef | null {
    return (this.latestModelStmt.get() as ModelRef | undefined) ?? null;
  }

  /** Every shipped model with stored predictions, with its labels (the keys of its probabilities, in order). */
  models(): Array<ModelRef & { labels: string[] }> {
    return (this.modelsStmt.all() as Array<ModelRef & { probabilities: string | null }>).map(({ probabilities, ...model }) => ({
      ...model,
      labels: probabilities ? Object.keys(JSON.parse(probabilities) as Record<string, number>) : [],
    }));
  }

  /**
   * The prediction shown for a track, without its embedding (a display needs none). Its segments follow
   * the version that made it: a retrained head's view of each segment (its probabilities from the
   * shipped model's probabilities for that segment and the track's embedding), else the shipped
   * model's; each names a genre only at the stored threshold, like the track's genre.
   */
  get(trackId: number): GenrePrediction | null {
    const raw = this.getStmt.get(trackId) as RawPrediction | undefined;
    if (!raw) return null;
    const probabilities = JSON.parse(raw.probabilities) as GenrePrediction['probabilities'];
    const stored = JSON.parse(raw.segments) as GenrePrediction['segments'];
    const head = raw.head && raw.embedding && raw.versionId !== null ? (JSON.parse(raw.head) as HeadParameters) : null;
    const loaded: LoadedHead | null = head ? { versionId: raw.versionId!, modelId: raw.modelId, modelVersion: raw.modelVersion, head } : null;
    const embedding = raw.embedding ? toFloat32(raw.embedding) : null;
    const segments = stored.map((segment) => {
      const shown = loaded && embedding?.length === loaded.head.inputSize ? headPrediction(loaded, embedding, segment.probabilities).probabilities : segment.probabilities;
      return { start: segment.start, end: segment.end, genre: decideGenre(shown, raw.unsureThreshold).genre, probabilities: shown };
    });
    return {
      modelId: raw.modelId,
      modelVersion: raw.modelVersion,
      version: raw.versionId !== null && raw.versionName !== null ? { id: raw.versionId, name: raw.versionName } : null,
      genre: raw.namedGenre,
      confidence: raw.confidence,
      candidates: decideGenre(probabilities).candidates,
      unsureThreshold: raw.unsureThreshold,
      probabilities,
      segments,
    };
  }

  /** Every stored embedding by track id, for the similarity index. */
  embeddings(): Map<number, Float32Array> {
    const result = new Map<number, Float32Array>();
    for (const row of this.embeddingsStmt.iterate() as Iterable<{ trackId: number; embedding: Buffer }>) {
      const values = new Float32Array(row.embedding.byteLength / 4);
      new Uint8Array(values.buffer).set(row.embedding);
      result.set(row.trackId, values);
    }
    return result;
  }
}

/** A shipped model, as predictions name it. */
export interface ModelRef {
  modelId: string;
  modelVersion: string;
}

interface RawBaseRow {
  trackId: number;
  modelId: string;
  modelVersion: string;
  genre: string;
  probabilities: string;
  embedding: Buffer | null;
}

function toBaseRow(raw: RawBaseRow): BasePredictionRow {
  return { ...raw, probabilities: JSON.parse(raw.probabilities) as Record<string, number>, embedding: raw.embedding ? toFloat32(raw.embedding) : null };
}

function toFloat32(bytes: Buffer): Float32Array {
  const values = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

function clampProbability(value: number): number {
  return Math.min(1, Math.max(0, value));
}
