/**
 * ROC curves and the area under them.
 *
 * The curve has one point per distinct score threshold (examples with equal scores enter
 * together, as a diagonal step), and the AUC is the trapezoid area under those points —
 * exactly the Mann-Whitney statistic with ties counted 1/2. Counts are integers until the
 * final division, so the area is exact.
 */
import type { Average } from "./classification.js";
import type { ClassScores } from "./class-scores.js";

/** One point of a ROC curve. */
export interface RocPoint {
  /** False-positive rate: negatives scored at or above the threshold / all negatives. */
  readonly fpr: number;
  /** True-positive rate: positives scored at or above the threshold / all positives. */
  readonly tpr: number;
}

/** A ROC curve with its area. */
export interface RocCurve {
  /** From (0, 0) to (1, 1); points in the middle of straight segments are dropped (the area is unchanged). Empty when undefined. */
  readonly points: RocPoint[];
  /** Area under the curve; NaN when the truth has no positives or no negatives. */
  readonly auc: number;
  /** Number of positive examples. */
  readonly positives: number;
}

/** ROC curve of scores against a 0/1 truth (`isPositive[i] !== 0` marks a positive). */
export function rocCurve(isPositive: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const size = scores.length;
  let positives = 0;
  for (let i = 0; i < size; i++) if (isPositive[i] !== 0) positives++;
  const negatives = size - positives;
  if (positives === 0 || negatives === 0) return { points: [], auc: Number.NaN, positives };

  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  // Integer corners (false positives, true positives) after each distinct threshold.
  const corners: [number, number][] = [[0, 0]];
  let truePositives = 0;
  let falsePositives = 0;
  let doubledArea = 0;
  for (let start = 0; start < size;) {
    let end = start;
    const threshold = scores[order[start]!]!;
    const before: [number, number] = [falsePositives, truePositives];
    while (end < size && scores[order[end]!]! === threshold) {
      if (isPositive[order[end]!] !== 0) truePositives++;
      else falsePositives++;
      end++;
    }
    doubledArea += (falsePositives - before[0]) * (truePositives + before[1]);
    pushCorner(corners, [falsePositives, truePositives]);
    start = end;
  }

  const points = corners.map(([fp, tp]) => ({ fpr: fp / negatives, tpr: tp / positives }));
  return { points, auc: doubledArea / 2 / (positives * negatives), positives };
}

/** Appends a corner, first dropping the previous one when it lies on the straight line to the new one. */
function pushCorner(corners: [number, number][], corner: [number, number]): void {
  if (corners.length >= 2) {
    const [x0, y0] = corners[corners.length - 2]!;
    const [x1, y1] = corners[corners.length - 1]!;
    const [x2, y2] = corner;
    if ((x1 - x0) * (y2 - y0) === (x2 - x0) * (y1 - y0)) corners.pop();
  }
  corners.push(corner);
}

/** One-vs-rest ROC curve of class `c`: examples of `c` are positives, scored by column `c`. */
export function oneVsRestCurve(data: ClassScores, c: number): RocCurve {
  const { size, numClasses: k, labels, scores } = data;
  const isPositive = new Uint8Array(size);
  const columnScores = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    isPositive[i] = labels[i] === c ? 1 : 0;
    columnScores[i] = scores[i * k + c]!;
  }
  return rocCurve(isPositive, columnScores);
}

/**
 * The curves a report shows: the positive class's alone for 2 classes (class `positive`,
 * default 1; the other class's curve is its mirror image), one per class otherwise.
 */
export function reportedCurves(data: ClassScores, positive = 1): { classId: number; curve: RocCurve }[] {
  const classIds = data.numClasses === 2 ? [positive] : Array.from({ length: data.numClasses }, (_, c) => c);
  return classIds.map((classId) => ({ classId, curve: oneVsRestCurve(data, classId) }));
}

/**
 * ROC AUC of a split. Two classes: the positive class's AUC (class `positive`, default 1;
 * both classes give the same area, since a two-column score row sums to 1; any `average`
 * is ignored, as in scikit-learn). More classes, one-vs-rest: `macro` (default) is the mean AUC over the
 * classes with both positives and negatives in the truth (AUC is undefined for the rest),
 * `weighted` weights those by support, `micro` is one curve over all (example, class) pairs.
 */
export function rocAuc(data: ClassScores, average: Average = "macro", positive = 1): number {
  if (!data.finite) return Number.NaN;
  if (data.numClasses === 2) return oneVsRestCurve(data, positive).auc;
  if (average === "micro") {
    const isPositive = new Uint8Array(data.scores.length);
    data.labels.forEach((label, i) => {
      isPositive[i * data.numClasses + label] = 1;
    });
    return rocCurve(isPositive, data.scores).auc;
  }

  let weightedSum = 0;
  let totalWeight = 0;
  for (let c = 0; c < data.numClasses; c++) {
    const curve = oneVsRestCurve(data, c);
    if (Number.isNaN(curve.auc)) continue;
    const weight = average === "weighted" ? curve.positives : 1;
    weightedSum += curve.auc * weight;
    totalWeight += weight;
  }
  return totalWeight === 0 ? Number.NaN : weightedSum / totalWeight;
}
