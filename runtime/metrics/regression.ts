/**
 * Regression metrics over a whole split of `[n, targets]` values (row-major). Errors are
 * averaged over every value; R² is computed per target and then averaged (scikit-learn's
 * `multioutput="uniform_average"`).
 */

/** Checks that truth and prediction describe the same `[n, targets]` values. */
function checkLengths(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, targets: number): void {
  if (yTrue.length !== yPred.length) {
    throw new Error(
      `expected as many predictions as targets, got ${yPred.length} predictions for ${yTrue.length} values`,
    );
  }
  if (!Number.isInteger(targets) || targets < 1 || yTrue.length % targets !== 0) {
    throw new Error(`${yTrue.length} values do not form rows of ${targets} targets`);
  }
}

/** Mean of `f(truth - prediction)` over all values; NaN for an empty split. */
function meanOfErrors(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, f: (error: number) => number): number {
  checkLengths(yTrue, yPred, 1);
  if (yTrue.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += f(yTrue[i]! - yPred[i]!);
  return sum / yTrue.length;
}

/** Mean squared error. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return meanOfErrors(yTrue, yPred, (error) => error * error);
}

/** Mean absolute error. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return meanOfErrors(yTrue, yPred, Math.abs);
}

/** Root of the mean squared error (in the targets' unit). */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Coefficient of determination `1 - SS_res / SS_tot`, averaged over targets. A target
 * whose truth is constant (SS_tot = 0) scores 1 when predicted exactly, else 0
 * (scikit-learn's `force_finite=True`). Predicting the mean scores 0; worse can be negative.
 */
export function rSquared(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, targets = 1): number {
  checkLengths(yTrue, yPred, targets);
  const rows = yTrue.length / targets;
  if (rows === 0) return Number.NaN;
  let sum = 0;
  for (let t = 0; t < targets; t++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += yTrue[r * targets + t]!;
    mean /= rows;
    let residual = 0;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const truth = yTrue[r * targets + t]!;
      residual += (truth - yPred[r * targets + t]!) ** 2;
      total += (truth - mean) ** 2;
    }
    if (total === 0) sum += residual === 0 ? 1 : 0;
    else sum += 1 - residual / total;
  }
  return sum / targets;
}
