import { describe, expect, it } from "vitest";
import {
  accuracyFromMatrix,
  averagedScore,
  confusionMatrix,
  perClassStatistics,
  predictClasses,
  readClassScores,
} from "../../../runtime/metrics/index.js";

// Three classes; class 2 is never predicted.
//   example:   0  1  2  3  4  5
//   true:      0  0  1  1  1  2
//   predicted: 0  1  1  1  0  0
const PREDICT_0 = [0.6, 0.3, 0.1];
const PREDICT_1 = [0.2, 0.7, 0.1];
const yTrue = new Int32Array([0, 0, 1, 1, 1, 2]);
const yPred = new Float32Array([PREDICT_0, PREDICT_1, PREDICT_1, PREDICT_1, PREDICT_0, PREDICT_0].flat());

/** Confusion matrix of the example above. */
function exampleMatrix(): number[][] {
  const data = readClassScores(yTrue, yPred, 3);
  return confusionMatrix(data.labels, predictClasses(data), 3);
}

describe("confusion matrix", () => {
  it("has rows = true class and columns = predicted class", () => {
    // true 0 → predicted 0 once (ex. 0), 1 once (ex. 1)
    // true 1 → predicted 0 once (ex. 4), 1 twice (ex. 2, 3)
    // true 2 → predicted 0 once (ex. 5)
    expect(exampleMatrix()).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [1, 0, 0],
    ]);
  });

  it("is not symmetric in the arguments: one true-1 predicted as 0 lands in row 1, column 0", () => {
    const matrix = confusionMatrix(new Int32Array([1]), new Int32Array([0]), 2);
    expect(matrix).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });
});

describe("label-based scores", () => {
  it("accuracy counts the diagonal", () => {
    // (1 + 2 + 0) / 6
    expect(accuracyFromMatrix(exampleMatrix())).toBeCloseTo(3 / 6, 12);
  });

  it("computes each class's precision, recall and F1, with zero_division = 0", () => {
    const [class0, class1, class2] = perClassStatistics(exampleMatrix());
    // class 0: TP = 1, predicted as 0 = 1 + 1 + 1 = 3, support = 2
    expect(class0!.precision).toBeCloseTo(1 / 3, 12);
    expect(class0!.recall).toBeCloseTo(1 / 2, 12);
    // F1 = 2·(1/3)·(1/2) / (1/3 + 1/2) = (1/3) / (5/6) = 2/5
    expect(class0!.f1).toBeCloseTo(2 / 5, 12);
    expect(class0!.support).toBe(2);
    // class 1: TP = 2, predicted as 1 = 1 + 2 = 3, support = 3
    expect(class1!.precision).toBeCloseTo(2 / 3, 12);
    expect(class1!.recall).toBeCloseTo(2 / 3, 12);
    expect(class1!.f1).toBeCloseTo(2 / 3, 12);
    // class 2 is never predicted: precision = 0/0 → 0; recall = 0/1 = 0; F1 = 0
    expect(class2).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it("macro-averages over the classes", () => {
    const matrix = exampleMatrix();
    // precision: (1/3 + 2/3 + 0) / 3 = 1/3
    expect(averagedScore(matrix, "precision", "macro")).toBeCloseTo(1 / 3, 12);
    // recall: (1/2 + 2/3 + 0) / 3 = (7/6) / 3 = 7/18
    expect(averagedScore(matrix, "recall", "macro")).toBeCloseTo(7 / 18, 12);
    // F1: (2/5 + 2/3 + 0) / 3 = (16/15) / 3 = 16/45
    expect(averagedScore(matrix, "f1", "macro")).toBeCloseTo(16 / 45, 12);
  });

  it("weights by support", () => {
    const matrix = exampleMatrix();
    // precision: (1/3·2 + 2/3·3 + 0·1) / 6 = (8/3) / 6 = 4/9
    expect(averagedScore(matrix, "precision", "weighted")).toBeCloseTo(4 / 9, 12);
    // recall: (1/2·2 + 2/3·3 + 0·1) / 6 = 3/6
    expect(averagedScore(matrix, "recall", "weighted")).toBeCloseTo(1 / 2, 12);
    // F1: (2/5·2 + 2/3·3 + 0·1) / 6 = (14/5) / 6 = 7/15
    expect(averagedScore(matrix, "f1", "weighted")).toBeCloseTo(7 / 15, 12);
  });

  it("micro-averages to the accuracy for single-label data", () => {
    const matrix = exampleMatrix();
    // pooled TP = 3, pooled FP = pooled FN = 3 → 3 / (3 + 3)
    for (const score of ["precision", "recall", "f1"] as const) {
      expect(averagedScore(matrix, score, "micro")).toBeCloseTo(3 / 6, 12);
    }
  });

  it("defaults to macro for more than two classes", () => {
    expect(averagedScore(exampleMatrix(), "f1")).toBeCloseTo(16 / 45, 12);
  });

  it("leaves a class absent from both truth and predictions out of the macro average", () => {
    // The same example with a fourth class that no example has and none is predicted as.
    const fourColumns = Array.from({ length: 6 }, (_, i) => [...yPred.slice(i * 3, i * 3 + 3), 0]).flat();
    const data = readClassScores(yTrue, new Float32Array(fourColumns), 4);
    const matrix = confusionMatrix(data.labels, predictClasses(data), 4);
    // Still (2/5 + 2/3 + 0) / 3: class 3 is listed but not averaged.
    expect(averagedScore(matrix, "f1", "macro")).toBeCloseTo(16 / 45, 12);
    expect(perClassStatistics(matrix)[3]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it("scores the positive class for two classes unless an average is given", () => {
    // true:      0    0    1    1    1
    // P(1):      0.2  0.6  0.7  0.4  0.9  → predicted 0 1 1 0 1
    const data = readClassScores(new Int32Array([0, 0, 1, 1, 1]), new Float32Array([0.2, 0.6, 0.7, 0.4, 0.9]));
    const matrix = confusionMatrix(data.labels, predictClasses(data), 2);
    // TP = 2 (ex. 2, 4), FP = 1 (ex. 1), FN = 1 (ex. 3), TN = 1 (ex. 0)
    expect(matrix).toEqual([
      [1, 1],
      [1, 2],
    ]);
    // precision = 2/(2+1), recall = 2/(2+1)
    expect(averagedScore(matrix, "precision")).toBeCloseTo(2 / 3, 12);
    expect(averagedScore(matrix, "recall")).toBeCloseTo(2 / 3, 12);
    // class 0: precision = 1/(1+1), recall = 1/(1+1), F1 = 1/2 → macro F1 = (1/2 + 2/3) / 2 = 7/12
    expect(averagedScore(matrix, "f1", "macro")).toBeCloseTo(7 / 12, 12);
  });

  it("returns NaN for an empty split", () => {
    expect(
      accuracyFromMatrix([
        [0, 0],
        [0, 0],
      ]),
    ).toBeNaN();
    expect(
      averagedScore(
        [
          [0, 0],
          [0, 0],
        ],
        "f1",
        "macro",
      ),
    ).toBeNaN();
  });
});

describe("reading predictions", () => {
  it("turns one sigmoid output into the columns [1 - p, p]", () => {
    const data = readClassScores(new Int32Array([0, 1]), new Float32Array([0.25, 0.75]));
    expect(data.numClasses).toBe(2);
    expect(Array.from(data.scores)).toEqual([0.75, 0.25, 0.25, 0.75]);
  });

  it("predicts class 1 from a sigmoid only above 0.5, like a softmax tie picking class 0", () => {
    const sigmoid = readClassScores(new Int32Array([0, 0, 0]), new Float32Array([0.5, 0.49, 0.51]));
    const softmax = readClassScores(new Int32Array([0, 0, 0]), new Float32Array([0.5, 0.5, 0.51, 0.49, 0.49, 0.51]));
    expect(Array.from(predictClasses(sigmoid))).toEqual([0, 0, 1]);
    expect(Array.from(predictClasses(softmax))).toEqual([0, 0, 1]);
  });

  it("rejects labels outside the classes and mismatched lengths", () => {
    expect(() => readClassScores(new Int32Array([3]), new Float32Array([0.5, 0.5, 0]), 3)).toThrow(/label 3/);
    expect(() => readClassScores(new Int32Array([0, 1]), new Float32Array([0.5, 0.5, 0]), 3)).toThrow(/2 × 3 = 6/);
  });

  it("flags NaN predictions", () => {
    expect(readClassScores(new Int32Array([0]), new Float32Array([Number.NaN, 1])).finite).toBe(false);
  });
});
