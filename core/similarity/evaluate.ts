import { CosineIndex } from './index.js';

/**
 * Leave-one-out retrieval quality of a set of vectors: for each clip, its k nearest other clips,
 * and the fraction that share its label (genre precision@k). With `excludeSameGroup`, clips of the
 * query's own group (artist) are not eligible as neighbours, so an artist's sound cannot stand in
 * for the genre.
 */
export interface PrecisionReport {
  k: number;
  /** Mean precision over all queries. */
  precision: number;
  /** Mean precision over the queries of each label. */
  perLabel: Record<string, number>;
  /** Queries that had fewer than k eligible neighbours (precision taken over those found). */
  shortQueries: number;
}

export function precisionAtK(
  index: CosineIndex,
  labels: readonly string[],
  groups: readonly string[],
  k: number,
  options: { excludeSameGroup?: boolean } = {},
): PrecisionReport {
  if (labels.length !== index.size || groups.length !== index.size) {
    throw new Error(`precisionAtK: ${labels.length} labels and ${groups.length} groups for ${index.size} vectors`);
  }
  const sums = new Map<string, { total: number; count: number }>();
  let total = 0;
  let shortQueries = 0;
  for (let query = 0; query < index.size; query++) {
    const group = groups[query];
    const accept = options.excludeSameGroup ? (row: number) => groups[row] !== group : undefined;
    const neighbours = index.searchFromRow(query, { k, accept });
    if (neighbours.length < k) shortQueries++;
    const hits = neighbours.filter((neighbour) => labels[neighbour.row] === labels[query]).length;
    const precision = neighbours.length > 0 ? hits / neighbours.length : 0;
    total += precision;
    const sum = sums.get(labels[query]) ?? { total: 0, count: 0 };
    sum.total += precision;
    sum.count++;
    sums.set(labels[query], sum);
  }
  const perLabel: Record<string, number> = {};
  for (const [label, sum] of [...sums].sort(([a], [b]) => a.localeCompare(b))) perLabel[label] = sum.total / sum.count;
  return { k, precision: index.size > 0 ? total / index.size : 0, perLabel, shortQueries };
}
