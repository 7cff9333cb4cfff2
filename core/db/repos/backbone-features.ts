import type { Db } from '../open.js';

/** A pretrained backbone's output for one track, as the scan stores it (migration 0014). */
export interface StoredBackboneFeatures {
  modelId: string;
  /** Tag probabilities, the model's tag order; mean over the patches it ran on. */
  tags: Float32Array;
  /** The embedding, mean over the same patches. */
  embedding: Float32Array;
  patchCount: number;
}

interface RawRow {
  trackId: number;
  modelId: string;
  tags: Buffer;
  embedding: Buffer;
  patchCount: number;
}

function float32FromBlob(blob: Buffer): Float32Array {
  const values = new Float32Array(blob.byteLength / 4);
  new Uint8Array(values.buffer).set(blob);
  return values;
}

const blobOf = (values: Float32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/** Backbone features per track: written by the scan's one writer, read by similarity and the genre heads. */
export class BackboneFeaturesRepo {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly embeddingsStmt;
  private readonly modelsStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO track_backbone_features (track_id, model_id, tags, embedding, patch_count, computed_at)
      VALUES (@trackId, @modelId, @tags, @embedding, @patchCount, @computedAt)
      ON CONFLICT (track_id) DO UPDATE SET
        model_id = excluded.model_id, tags = excluded.tags, embedding = excluded.embedding,
        patch_count = excluded.patch_count, computed_at = excluded.computed_at`);
    this.getStmt = db.prepare(`
      SELECT track_id AS trackId, model_id AS modelId, tags, embedding, patch_count AS patchCount
      FROM track_backbone_features WHERE track_id = ?`);
    this.embeddingsStmt = db.prepare(`
      SELECT track_id AS trackId, model_id AS modelId, tags, embedding, patch_count AS patchCount
      FROM track_backbone_features WHERE model_id = ?`);
    this.modelsStmt = db.prepare(`
      SELECT model_id AS modelId, count(*) AS tracks FROM track_backbone_features GROUP BY model_id ORDER BY tracks DESC, model_id`);
  }

  /** The models that computed stored features, the one with most tracks first. */
  models(): Array<{ modelId: string; tracks: number }> {
    return this.modelsStmt.all() as Array<{ modelId: string; tracks: number }>;
  }

  save(trackId: number, features: StoredBackboneFeatures, computedAt: number): void {
    this.upsertStmt.run({
      trackId,
      modelId: features.modelId,
      tags: blobOf(features.tags),
      embedding: blobOf(features.embedding),
      patchCount: features.patchCount,
      computedAt,
    });
  }

  get(trackId: number): StoredBackboneFeatures | null {
    const row = this.getStmt.get(trackId) as RawRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Every track's features from one model, by track id. */
  byModel(modelId: string): Map<number, StoredBackboneFeatures> {
    const rows = this.embeddingsStmt.all(modelId) as RawRow[];
    return new Map(rows.map((row) => [row.trackId, fromRow(row)]));
  }
}

function fromRow(row: RawRow): StoredBackboneFeatures {
  return { modelId: row.modelId, tags: float32FromBlob(row.tags), embedding: float32FromBlob(row.embedding), patchCount: row.patchCount };
}
