import type { ConfusionClassStats, ConfusionReport } from './types.js';

/** The matrix and its figures, without what they rest on (the service adds basis and training agreement). */
export type ConfusionFigures = Omit<ConfusionReport, 'basis' | 'trainingAgreement'>;

/** One confirmed track as a version sees it. */
export interface ConfusionPair {
  trackId: number;
  confirmed: string;
  predicted: string;
}

/**
 * The confusion matrix (rows: confirmed genre, columns: predicted), its row-normalised form,
 * per-genre precision and recall, accuracy and Cohen's kappa. Labels are the union of both sides,
 * sorted by name; precision or recall is null where its denominator is 0, accuracy and kappa null
 * without tracks (kappa also when chance agreement is total).
 */
export function confusionReport(version: { id: number; name: string }, pairs: readonly ConfusionPair[]): ConfusionFigures {
  const labels = [...new Set(pairs.flatMap((pair) => [pair.confirmed, pair.predicted]))].sort((a, b) => a.localeCompare(b));
  const index = new Map(labels.map((label, i) => [label, i]));
  const counts = labels.map(() => new Array<number>(labels.length).fill(0));
  for (const pair of pairs) counts[index.get(pair.confirmed)!][index.get(pair.predicted)!]++;

  const n = pairs.length;
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnSums = labels.map((_, j) => counts.reduce((sum, row) => sum + row[j], 0));
  const diagonal = labels.reduce((sum, _, i) => sum + counts[i][i], 0);
  const accuracy = n > 0 ? diagonal / n : null;
  const chance = n > 0 ? rowSums.reduce((sum, rowSum, i) => sum + rowSum * columnSums[i], 0) / (n * n) : null;
  const kappa = accuracy !== null && chance !== null && chance < 1 ? (accuracy - chance) / (1 - chance) : null;
  const perClass: ConfusionClassStats[] = labels.map((genre, i) => ({
    genre,
    precision: columnSums[i] > 0 ? counts[i][i] / columnSums[i] : null,
    recall: rowSums[i] > 0 ? counts[i][i] / rowSums[i] : null,
    support: rowSums[i],
  }));
  return {
    versionId: version.id,
    versionName: version.name,
    labels,
    counts,
    rowNormalised: counts.map((row, i) => row.map((count) => (rowSums[i] > 0 ? count / rowSums[i] : 0))),
    perClass,
    accuracy,
    kappa,
    tracks: n,
  };
}
