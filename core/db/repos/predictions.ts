import type { Db } from '../open.js';
import type { GenrePrediction } from '../../library/types.js';

/** What the runner stores for one track: the classifier's output plus the model that made it. */
export interface StoredPrediction extends GenrePrediction {
  embedding: Float32Array | null;
}

interface RawPrediction {
  modelId: string;
  modelVersion: string;
  genre: string;
  confidence: number;
  probabilities: string;
  segments: string;
}

/**
 * The genre classifier's latest prediction per track (migration 0004). Predictions never touch the
 * user's confirmed genre or the file's tags: those live elsewhere and win over a prediction.
 */
export class PredictionsRepo {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly embeddingsStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO track_predictions (track_id, model_id, model_version, genre, confidence, probabilities, segments,
                                     embedding, predicted_at)
      VALUES (@trackId, @modelId, @modelVersion, @genre, @confidence, @probabilities, @segments, @embedding, @predictedAt)
      ON CONFLICT (track_id) DO UPDATE SET
        model_id = excluded.model_id, model_version = excluded.model_version, genre = excluded.genre,
        confidence = excluded.confidence, probabilities = excluded.probabilities, segments = excluded.segments,
        embedding = excluded.embedding, predicted_at = excluded.predicted_at`);
    this.getStmt = db.prepare(`
      SELECT model_id AS modelId, model_version AS modelVersion, genre, confidence, probabilities, segments
      FROM track_predictions WHERE track_id = ?`);
    this.embeddingsStmt = db.prepare('SELECT track_id AS trackId, embedding FROM track_predictions WHERE embedding IS NOT NULL');
  }

  save(trackId: number, prediction: StoredPrediction, predictedAt: number): void {
    const { embedding } = prediction;
    this.upsertStmt.run({
      trackId,
      modelId: prediction.modelId,
      modelVersion: prediction.modelVersion,
      genre: prediction.genre,
      // Rounded probabilities can sum a hair over 1; the column holds a probability.
      confidence: Math.min(1, Math.max(0, prediction.confidence)),
      probabilities: JSON.stringify(prediction.probabilities),
      segments: JSON.stringify(prediction.segments),
      embedding: embedding ? Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength) : null,
      predictedAt,
    });
  }

  /** The stored prediction, without its embedding (a display needs none). */
  get(trackId: number): GenrePrediction | null {
    const raw = this.getStmt.get(trackId) as RawPrediction | undefined;
    if (!raw) return null;
    return {
      ...raw,
      probabilities: JSON.parse(raw.probabilities) as GenrePrediction['probabilities'],
      segments: JSON.parse(raw.segments) as GenrePrediction['segments'],
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
