/**
 * The positive class of two-class metrics (`evaluate { positive: "LABEL" }`) and what an
 * evaluation records for `metrics.json`: classes, averaging, positive class and per-class
 * scores, all against values computed by hand.
 */
import { describe, expect, it } from "vitest";
import { computeMetric, evaluatePredictions } from "../../../runtime/metrics/index.js";
import { positiveClassId } from "../../../runtime/evaluate.js";
import { DataError } from "../../../runtime/data/errors.js";
import { averagedMetricLabel } from "../../../runtime/report/tables.js";

// 5 ham (class 0), 3 spam (class 1); p = P(spam) from one sigmoid unit, predicted spam when p > 0.5.
// predicted: [0,1,0,1,0 | 1,0,1]; confusion [[3, 2], [1, 2]].
const yTrue = new Int32Array([0, 0, 0, 0, 0, 1, 1, 1]);
const yPred = new Float32Array([0.1, 0.6, 0.3, 0.7, 0.2, 0.8, 0.4, 0.9]);
const classes = ["ham", "spam"];
const metrics = ["precision", "recall", "f1", "auc", "confusion_matrix"];

// By hand. spam: TP 2, FP 2, FN 1 → P 1/2, R 2/3, F1 4/7. ham: TP 3, FP 1, FN 2 → P 3/4, R 3/5, F1 2/3.
// AUC: of the 15 (spam, ham) pairs, spam scores higher in 5 + 3 + 5 = 13 → 13/15, for either class.
const SPAM = { precision: 1 / 2, recall: 2 / 3, f1: 4 / 7 };
const HAM = { precision: 3 / 4, recall: 3 / 5, f1: 2 / 3 };

describe("the positive class of two classes", () => {
  it("defaults to class 1 and says so", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, { task: "classification", classes, metrics });
    expect(evaluation.average).toBe("binary");
    expect(evaluation.positive).toBe("spam");
    expect(evaluation.metrics.precision).toBeCloseTo(SPAM.precision, 12);
    expect(evaluation.metrics.recall).toBeCloseTo(SPAM.recall, 12);
    expect(evaluation.metrics.f1).toBeCloseTo(SPAM.f1, 12);
    expect(evaluation.metrics.auc).toBeCloseTo(13 / 15, 12);
    expect(evaluation.roc?.map((curve) => curve.class)).toEqual(["spam"]);
  });

  it("reports the named class's scores and ROC curve when `positive` is class 0", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, { task: "classification", classes, metrics, positive: 0 });
    expect(evaluation.positive).toBe("ham");
    expect(evaluation.metrics.precision).toBeCloseTo(HAM.precision, 12);
    expect(evaluation.metrics.recall).toBeCloseTo(HAM.recall, 12);
    expect(evaluation.metrics.f1).toBeCloseTo(HAM.f1, 12);
    expect(evaluation.metrics.auc).toBeCloseTo(13 / 15, 12);
    expect(evaluation.roc?.map((curve) => curve.class)).toEqual(["ham"]);
    // ham's curve: scored by 1 - p, ham examples are the positives; its area is the same.
    expect(evaluation.roc?.[0]?.auc).toBeCloseTo(13 / 15, 12);
  });

  it("is the same for a two-column softmax as for one sigmoid unit", () => {
    const softmax = new Float32Array(Array.from(yPred).flatMap((p) => [1 - p, p]));
    const evaluation = evaluatePredictions(yTrue, softmax, { task: "classification", classes, metrics, positive: 0 });
    expect(evaluation.metrics.precision).toBeCloseTo(HAM.precision, 6);
    expect(evaluation.metrics.f1).toBeCloseTo(HAM.f1, 6);
  });

  it("gives way to a written average, which uses both classes", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, {
      task: "classification",
      classes,
      metrics,
      average: "macro",
      positive: 0,
    });
    expect(evaluation.average).toBe("macro");
    expect(evaluation.positive).toBeUndefined();
    expect(evaluation.metrics.f1).toBeCloseTo((HAM.f1 + SPAM.f1) / 2, 12); // 13/21
  });

  it("drives per-epoch monitoring through the same registry", () => {
    const info = { task: "classification" as const, numClasses: 2 };
    expect(computeMetric("recall", yTrue, yPred, info)).toBeCloseTo(SPAM.recall, 12);
    expect(computeMetric("recall", yTrue, yPred, { ...info, positive: 0 })).toBeCloseTo(HAM.recall, 12);
  });
});

describe("what an evaluation records", () => {
  it("classes, per-class precision / recall / F1 / support and the confusion matrix", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, {
      task: "classification",
      classes,
      metrics: ["accuracy", "confusion_matrix"],
    });
    expect(evaluation.classes).toEqual(["ham", "spam"]);
    expect(evaluation.confusionMatrix).toEqual([
      [3, 2],
      [1, 2],
    ]);
    expect(evaluation.metrics).toEqual({ accuracy: 5 / 8 });
    const perClass = evaluation.perClass ?? [];
    expect(perClass.map((row) => [row.class, row.support])).toEqual([
      ["ham", 5],
      ["spam", 3],
    ]);
    for (const [row, expected] of [
      [perClass[0]!, HAM],
      [perClass[1]!, SPAM],
    ] as const) {
      expect(row.precision).toBeCloseTo(expected.precision, 12);
      expect(row.recall).toBeCloseTo(expected.recall, 12);
      expect(row.f1).toBeCloseTo(expected.f1, 12);
    }
  });

  it("names classes by id when the data gives no names, and averages three classes with macro", () => {
    const evaluation = evaluatePredictions(
      new Int32Array([0, 1, 2, 2]),
      new Float32Array([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.8, 0.1, 0.1]),
      { task: "classification", metrics: ["f1"] },
    );
    expect(evaluation.classes).toEqual(["0", "1", "2"]);
    expect(evaluation.average).toBe("macro");
    expect(evaluation.positive).toBeUndefined();
    // class 0: P 1/2 R 1 F1 2/3; class 1: 1; class 2: P 1 R 1/2 F1 2/3 → macro 7/9
    expect(evaluation.metrics.f1).toBeCloseTo(7 / 9, 12);
  });
});

describe("positiveClassId", () => {
  it("finds the label among two classes; none written means the default", () => {
    expect(positiveClassId("ham", classes)).toBe(0);
    expect(positiveClassId("spam", classes)).toBe(1);
    expect(positiveClassId(undefined, classes)).toBeUndefined();
  });

  it("is a DataError, not a crash, when the data changed since compiling", () => {
    expect(() => positiveClassId("eggs", classes)).toThrow(DataError);
    expect(() => positiveClassId("eggs", classes)).toThrow(
      '`evaluate { positive: "eggs" }` names no class of two: the data has 2 classes ("ham", "spam"); the data changed since the program was compiled',
    );
    expect(() => positiveClassId("a", ["a", "b", "c"])).toThrow(DataError);
  });
});

describe("how the terminal and the report name a metric", () => {
  it("says which class a two-class score belongs to, and how others were averaged", () => {
    expect(averagedMetricLabel("precision", "binary", "ham")).toBe("precision (positive class: ham)");
    expect(averagedMetricLabel("auc", "binary", "spam")).toBe("auc (positive class: spam)");
    expect(averagedMetricLabel("f1", "weighted", undefined)).toBe("f1 (weighted)");
    expect(averagedMetricLabel("accuracy", "binary", "ham")).toBe("accuracy");
    expect(averagedMetricLabel("rmse", undefined, undefined)).toBe("rmse");
  });
});
