/**
 * Reads a classification split's raw arrays into one shape every classification metric
 * shares: integer labels and an `[n, k]` score matrix. A single sigmoid output becomes
 * the two columns `[1 - p, p]`, so binary sigmoid and 2-class softmax share all code.
 */

/** Labels and per-class scores of one whole split. */
export interface ClassScores {
  /** Number of examples. */
  readonly size: number;
  /** Number of classes `k` (2 for a single sigmoid output). */
  readonly numClasses: number;
  /** True class id of each example, in `[0, k)`. */
  readonly labels: Int32Array;
  /** Row-major `[n, k]` scores; row `i` holds the model's probability of each class. */
  readonly scores: Float64Array;
  /** False when any score is NaN (a diverged model): every metric is then NaN. */
  readonly finite: boolean;
}

/**
 * Number of classes implied by the prediction length: `numClasses` when given, otherwise
 * `k = predictionLength / n`, where a length of `n` means one sigmoid output (k = 2).
 */
export function inferNumClasses(size: number, predictionLength: number, numClasses?: number): number {
  if (numClasses !== undefined) return numClasses;
  if (size === 0) return 2;
  const columns = predictionLength / size;
  return columns === 1 ? 2 : columns;
}

/**
 * Checks the arrays against each other and builds `ClassScores`.
 * Mismatched lengths or out-of-range labels are broken invariants of the runtime (the
 * data pipeline produced the labels, the model the predictions), hence `throw`.
 */
export function readClassScores(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): ClassScores {
  const size = yTrue.length;
  const k = inferNumClasses(size, yPred.length, numClasses);
  const isSigmoid = k === 2 && yPred.length === size;
  if (!Number.isInteger(k) || k < 2) {
    throw new Error(
      `classification needs at least 2 classes, got ${k} (${yPred.length} predictions for ${size} labels)`,
    );
  }
  if (!isSigmoid && yPred.length !== size * k) {
    throw new Error(`expected ${size} × ${k} = ${size * k} predicted probabilities, got ${yPred.length}`);
  }

  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const label = yTrue[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new Error(`label ${label} at example ${i} is not a class id in [0, ${k})`);
    }
    labels[i] = label;
  }

  const scores = new Float64Array(size * k);
  let finite = true;
  for (let i = 0; i < size; i++) {
    if (isSigmoid) {
      const p = yPred[i]!;
      scores[2 * i] = 1 - p;
      scores[2 * i + 1] = p;
      if (Number.isNaN(p)) finite = false;
    } else {
      for (let c = 0; c < k; c++) {
        const p = yPred[i * k + c]!;
        scores[i * k + c] = p;
        if (Number.isNaN(p)) finite = false;
      }
    }
  }
  return { size, numClasses: k, labels, scores, finite };
}

/**
 * The predicted class of each example: the arg-max of its row, the first on ties, so a
 * sigmoid output predicts class 1 only when `p > 0.5` (Keras's `binary_accuracy` rule).
 */
export function predictClasses(data: ClassScores): Int32Array {
  const { size, numClasses: k, scores } = data;
  const predicted = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) {
      if (scores[i * k + c]! > scores[i * k + best]!) best = c;
    }
    predicted[i] = best;
  }
  return predicted;
}
