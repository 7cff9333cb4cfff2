import type { HeadPrediction, ModelRef } from '../db/repos/predictions.js';
import { applyHead, type HeadParameters } from './head.js';
import type { ModelVersionsRepo } from '../db/repos/model-versions.js';

/** A head version, ready to apply. */
export interface LoadedHead extends ModelRef {
  versionId: number;
  head: HeadParameters;
}

/**
 * The active version's head for predictions made now: the analysis runner asks it for every track it
 * stores, so tracks analysed after a retrain get the retrained prediction. The active version is
 * looked up on each call (one indexed read) so a retrain or rollback by another process (the CLI
 * beside the app) is picked up; the head itself is parsed once per version.
 */
export class ActiveHead {
  private cached: LoadedHead | null = null;

  constructor(private readonly versions: ModelVersionsRepo) {}

  /** The active head, or null when the active version is a shipped model's own (or there is none). */
  current(): LoadedHead | null {
    const id = this.versions.activeId();
    if (id === null) return null;
    if (this.cached?.versionId !== id) {
      const version = this.versions.get(id);
      this.cached = version?.head ? { versionId: id, modelId: version.modelId, modelVersion: version.modelVersion, head: version.head } : null;
      // A shipped model's version has no head: remember nothing, look again next time.
      if (!this.cached) return null;
    }
    return this.cached;
  }

  /** The active head's prediction for a track the shipped model just classified, or null to keep the model's own. */
  predict(prediction: ModelRef & { probabilities: Record<string, number>; embedding: Float32Array | null }): HeadPrediction | null {
    const loaded = this.current();
    if (!loaded || !prediction.embedding) return null;
    if (loaded.modelId !== prediction.modelId || loaded.modelVersion !== prediction.modelVersion) return null;
    if (prediction.embedding.length !== loaded.head.inputSize) return null;
    return headPrediction(loaded, prediction.embedding, prediction.probabilities);
  }
}

/** A head's prediction from a track's embedding and the shipped model's probabilities (by label). */
export function headPrediction(loaded: LoadedHead, embedding: ArrayLike<number>, baseProbabilities: Record<string, number>): HeadPrediction {
  const { head } = loaded;
  const probabilities = applyHead(head, embedding, head.baseLabels.map((label) => baseProbabilities[label] ?? 0));
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  return {
    versionId: loaded.versionId,
    genre: head.labels[best],
    confidence: round4(probabilities[best]),
    probabilities: Object.fromEntries(head.labels.map((label, k) => [label, round4(probabilities[k])])),
  };
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
