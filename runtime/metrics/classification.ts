/**
 * Label-based classification metrics computed from the confusion matrix of a whole split.
 *
 * Conventions (scikit-learn's, so numbers can be checked against it):
 * - `zero_division = 0`: a precision, recall or F1 whose denominator is 0 is 0.
 * - per-class results cover every class `0..k-1` (`labels = all classes`); a class absent
 *   from both truth and predictions appears with support 0 and zeros.
 * - `macro` averages over the classes present in truth or predictions (scikit-learn's
 *   default label set), so a class the split does not contain does not drag the mean to 0.
 * - `weighted` weights each class by its support; `micro` pools all counts, which for
 *   single-label data makes micro precision = micro recall = micro F1 = accuracy.
 * - with 2 classes and no `average`, the score is that of the positive class, class 1
 *   unless `evaluate { positive: "label" }` names the other (scikit-learn's
 *   `average="binary"` with `pos_label`, Keras's `Precision`/`Recall`).
 */

/** How per-class scores become one number. */
export type Average = "macro" | "micro" | "weighted";

/** One class's scores. */
export interface ClassStatistics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of examples whose true class is this one. */
  readonly support: number;
}

/** The three label-based scores that share averaging rules. */
export type AveragedScore = "precision" | "recall" | "f1";

/**
 * Counts `[true][predicted]`: row `t`, column `p` is the number of examples of class `t`
 * predicted as `p` (rows = truth, columns = prediction, as in scikit-learn).
 */
export function confusionMatrix(labels: Int32Array, predicted: Int32Array, numClasses: number): number[][] {
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]!]![predicted[i]!]!++;
  return matrix;
}

/** Fraction of examples whose predicted class is the true one; NaN for an empty split. */
export function accuracyFromMatrix(matrix: readonly (readonly number[])[]): number {
  let correct = 0;
  let total = 0;
  matrix.forEach((row, t) => {
    row.forEach((count, p) => {
      total += count;
      if (t === p) correct += count;
    });
  });
  return total === 0 ? Number.NaN : correct / total;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (`zero_division = 0`). */
function divideOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Harmonic mean of precision and recall; 0 when both are 0. */
function harmonicMean(precision: number, recall: number): number {
  return divideOrZero(2 * precision * recall, precision + recall);
}

/** Precision, recall, F1 and support of every class, in class-id order. */
export function perClassStatistics(matrix: readonly (readonly number[])[]): ClassStatistics[] {
  const k = matrix.length;
  return matrix.map((row, c) => {
    const truePositives = row[c]!;
    const support = row.reduce((sum, count) => sum + count, 0);
    let predictedAsClass = 0;
    for (let t = 0; t < k; t++) predictedAsClass += matrix[t]![c]!;
    const precision = divideOrZero(truePositives, predictedAsClass);
    const recall = divideOrZero(truePositives, support);
    return { precision, recall, f1: harmonicMean(precision, recall), support };
  });
}

/**
 * Precision, recall or F1 of the whole split under one averaging rule (see the file's
 * conventions); `average` omitted means the positive class's score for 2 classes (class
 * `positive`, default 1), macro otherwise.
 */
export function averagedScore(
  matrix: readonly (readonly number[])[],
  score: AveragedScore,
  average?: Average,
  positive = 1,
): number {
  const k = matrix.length;
  const total = matrix.reduce((sum, row) => sum + row.reduce((s, count) => s + count, 0), 0);
  if (total === 0) return Number.NaN;
  const statistics = perClassStatistics(matrix);
  if (average === undefined && k === 2) return statistics[positive]![score];

  switch (average ?? "macro") {
    case "micro": {
      // Single-label: pooled false positives = pooled false negatives = the off-diagonal.
      const correct = matrix.reduce((sum, row, c) => sum + row[c]!, 0);
      return correct / total;
    }
    case "weighted":
      return statistics.reduce((sum, stats) => sum + stats[score] * stats.support, 0) / total;
    case "macro": {
      const present = statistics.filter((stats, c) => stats.support > 0 || columnSum(matrix, c) > 0);
      return present.reduce((sum, stats) => sum + stats[score], 0) / present.length;
    }
  }
}

/** Number of examples predicted as class `c`. */
function columnSum(matrix: readonly (readonly number[])[], c: number): number {
  return matrix.reduce((sum, row) => sum + row[c]!, 0);
}
