/** Classification metrics over integer labels 0..classes-1. */
export interface ClassificationReport {
  labels: string[];
  n: number;
  accuracy: number;
  /** Cohen's kappa: agreement beyond chance (sklearn.metrics.cohen_kappa_score). */
  kappa: number;
  /** Unweighted mean of the per-class F1 scores (sklearn f1_score(average='macro')). */
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[true][predicted] counts, rows and columns in `labels` order. */
  confusion: number[][];
}

export function confusionMatrix(truth: number[], predicted: number[], classes: number): number[][] {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((label, i) => matrix[label][predicted[i]]++);
  return matrix;
}

/** Accuracy, Cohen's kappa, macro-F1, per-class precision/recall and the confusion matrix. */
export function classificationReport(truth: number[], predicted: number[], labels: string[]): ClassificationReport {
  const classes = labels.length;
  const confusion = confusionMatrix(truth, predicted, classes);
  const n = truth.length;
  const diagonal = confusion.reduce((sum, row, i) => sum + row[i], 0);
  const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const columnSums = labels.map((_, j) => confusion.reduce((sum, row) => sum + row[j], 0));
  const accuracy = n ? diagonal / n : 0;
  const chance = n ? rowSums.reduce((sum, row, i) => sum + row * columnSums[i], 0) / (n * n) : 0;
  const kappa = chance < 1 ? (accuracy - chance) / (1 - chance) : 0;
  const perClass: ClassificationReport['perClass'] = {};
  let f1Sum = 0;
  labels.forEach((label, i) => {
    // sklearn's zero_division=0: an undefined precision or recall counts as 0.
    const precision = columnSums[i] ? confusion[i][i] / columnSums[i] : 0;
    const recall = rowSums[i] ? confusion[i][i] / rowSums[i] : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support: rowSums[i] };
    f1Sum += f1;
  });
  return { labels, n, accuracy, kappa, macroF1: f1Sum / classes, perClass, confusion };
}
