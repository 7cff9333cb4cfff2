import type { LogisticBaseline } from './baseline.js';

/** Linear heads stored in model.json beside the network: the family head and the backbone head. */

/**
 * A head on a pretrained backbone's features (its tag probabilities then its embedding, the mean over
 * the excerpt's patches): a logistic regression over the model's classes, fused with the default's
 * probabilities when the backbone is installed: p ∝ p_default^(1 − weight) · p_backbone^weight, then
 * scaled by its own temperature, with its own unsure threshold (both fitted on out-of-fold predictions
 * of the fused recipe).
 */
export interface BackboneHead {
  /** The backbone whose features the head reads (a catalogue id, e.g. 'msd-musicnn-1'). */
  backbone: string;
  /** Tag count then embedding size: the feature row is [tags…, embedding…]. */
  tags: number;
  embedding: number;
  weight: number;
  temperature: number;
  unsureThreshold: number;
  mean: number[];
  std: number[];
  /** [dims × classes], row-major. */
  kernel: number[];
  bias: number[];
}

export function backboneHeadFrom(
  baseline: LogisticBaseline,
  meta: Pick<BackboneHead, 'backbone' | 'tags' | 'embedding' | 'weight' | 'temperature' | 'unsureThreshold'>,
): BackboneHead {
  return { ...meta, mean: Array.from(baseline.mean), std: Array.from(baseline.std), kernel: Array.from(baseline.kernel), bias: Array.from(baseline.bias) };
}

/**
 * The genre-family head of the default model: a logistic regression over `labels` (the tree's
 * families) on the track's 518 MIR statistics, trained on label sets (set-logistic.ts).
 */
export interface FamilyHead {
  labels: string[];
  features: 'fma518';
  /**
   * How far a track's statistics may lie from the training clips' (atypicality: the mean over the
   * statistics of |z|, each capped at 20) before the track counts as outside what the model was
   * trained on: the 99th percentile of the training clips' own atypicality. Absent: never.
   */
  atypicalityLimit?: number;
  mean: number[];
  std: number[];
  /** [dims × classes], row-major. */
  kernel: number[];
  bias: number[];
}

export function familyHeadFrom(baseline: LogisticBaseline, labels: readonly string[], trainingRows: readonly ArrayLike<number>[] = []): FamilyHead {
  if (baseline.classes !== labels.length) throw new Error('family head: one label per class expected');
  const head: FamilyHead = { labels: [...labels], features: 'fma518', mean: Array.from(baseline.mean), std: Array.from(baseline.std), kernel: Array.from(baseline.kernel), bias: Array.from(baseline.bias) };
  if (trainingRows.length) {
    const sorted = trainingRows.map((row) => atypicality(head, row)).sort((a, b) => a - b);
    head.atypicalityLimit = sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))];
  }
  return head;
}

/** The mean |z| of a row's standardised statistics, each capped at 20 (non-finite ones count as 0). */
export function atypicality(head: Pick<FamilyHead, 'mean' | 'std'>, row: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < head.mean.length; j++) if (Number.isFinite(row[j])) sum += Math.min(20, Math.abs((row[j] - head.mean[j]) / head.std[j]));
  return sum / head.mean.length;
}

/**
 * The unsure threshold of a track outside what the model was trained on: above every probability, so
 * its genre is never named, whatever its probabilities say.
 */
export const OUTSIDE_TRAINING_THRESHOLD = 1.01;

export function readFamilyHead(head: FamilyHead): FamilyHead {
  const dims = head.mean.length;
  const classes = head.labels?.length ?? 0;
  if (head.features !== 'fma518') throw new Error(`family head: unknown features '${String(head.features)}'`);
  if (classes < 2 || head.std.length !== dims || head.kernel.length !== dims * classes || head.bias.length !== classes) {
    throw new Error(`family head: sizes disagree (${dims} features, ${classes} classes)`);
  }
  if (head.atypicalityLimit !== undefined && !(head.atypicalityLimit > 0)) throw new Error(`family head: atypicality limit ${head.atypicalityLimit} is not positive`);
  return head;
}

/** Class probabilities of a linear head on one feature row (standardised; non-finite values count as the mean). */
export function linearHeadProbabilities(head: Pick<FamilyHead, 'mean' | 'std' | 'kernel' | 'bias'>, row: ArrayLike<number>): Float32Array {
  const dims = head.mean.length;
  const classes = head.bias.length;
  if (row.length !== dims) throw new Error(`expected ${dims} features, got ${row.length}`);
  const logits = Float64Array.from(head.bias);
  for (let j = 0; j < dims; j++) {
    const value = Number.isFinite(row[j]) ? (row[j] - head.mean[j]) / head.std[j] : 0;
    if (value === 0) continue;
    for (let c = 0; c < classes; c++) logits[c] += value * head.kernel[j * classes + c];
  }
  const max = Math.max(...logits);
  const exps = logits.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return Float32Array.from(exps, (value) => value / sum);
}

/** Checks a head read from model.json against itself and the model's class count. */
export function readBackboneHead(head: BackboneHead, classes: number): BackboneHead {
  const dims = head.tags + head.embedding;
  if (typeof head.backbone !== 'string' || !head.backbone) throw new Error('backbone head: no backbone named');
  if (head.mean.length !== dims || head.std.length !== dims || head.kernel.length !== dims * classes || head.bias.length !== classes) {
    throw new Error(`backbone head: sizes disagree (${dims} features, ${classes} classes)`);
  }
  if (!(head.weight >= 0 && head.weight <= 1) || !(head.temperature > 0) || !(head.unsureThreshold >= 0 && head.unsureThreshold <= 1)) {
    throw new Error('backbone head: weight, temperature or threshold out of range');
  }
  return head;
}

/** The head's feature row: the backbone's tags then its embedding. */
export function backboneRow(tags: ArrayLike<number>, embedding: ArrayLike<number>): Float64Array {
  const row = new Float64Array(tags.length + embedding.length);
  row.set(Array.from(tags), 0);
  row.set(Array.from(embedding), tags.length);
  return row;
}

/** Class probabilities from one track's backbone row. */
export function backboneHeadProbabilities(head: BackboneHead, row: ArrayLike<number>): Float32Array {
  return linearHeadProbabilities(head, row);
}
