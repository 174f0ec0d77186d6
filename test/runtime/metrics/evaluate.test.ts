import { describe, expect, it } from "vitest";
import { evaluatePredictions } from "../../../runtime/metrics/index.js";

describe("evaluatePredictions", () => {
  // true 0 0 1 1 1 2, predicted 0 1 1 1 0 0 (class 2 never predicted)
  const PREDICT_0 = [0.6, 0.3, 0.1];
  const PREDICT_1 = [0.2, 0.7, 0.1];
  const yTrue = new Int32Array([0, 0, 1, 1, 1, 2]);
  const yPred = new Float32Array([PREDICT_0, PREDICT_1, PREDICT_1, PREDICT_1, PREDICT_0, PREDICT_0].flat());
  const classes = ["cat", "dog", "<script>bird</script>"];

  it("computes requested numbers and the tables that come with them", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, {
      task: "classification",
      classes,
      metrics: ["accuracy", "f1", "auc", "confusion_matrix"],
      average: "macro",
    });
    // accuracy = 3/6; macro F1 = (2/5 + 2/3 + 0) / 3 = 16/45
    expect(evaluation.metrics.accuracy).toBeCloseTo(1 / 2, 12);
    expect(evaluation.metrics.f1).toBeCloseTo(16 / 45, 12);
    expect(Object.keys(evaluation.metrics)).toEqual(["accuracy", "f1", "auc"]);
    expect(evaluation.average).toBe("macro");
    expect(evaluation.confusionMatrix).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [1, 0, 0],
    ]);
    expect(evaluation.perClass?.map((row) => [row.class, row.support])).toEqual([
      ["cat", 2],
      ["dog", 3],
      ["<script>bird</script>", 1],
    ]);
    expect(evaluation.perClass?.[2]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(evaluation.roc?.map((curve) => curve.class)).toEqual(classes);
    for (const curve of evaluation.roc ?? []) {
      expect(curve.points[0]).toEqual({ fpr: 0, tpr: 0 });
      expect(curve.points.at(-1)).toEqual({ fpr: 1, tpr: 1 });
    }
  });

  it("leaves out the tables nobody asked for, but always records the classes and their scores", () => {
    const evaluation = evaluatePredictions(yTrue, yPred, { task: "classification", classes, metrics: ["accuracy"] });
    expect(evaluation.classes).toEqual(classes);
    expect(evaluation.perClass?.map((row) => row.support)).toEqual([2, 3, 1]);
    expect(evaluation.confusionMatrix).toBeUndefined();
    expect(evaluation.roc).toBeUndefined();
  });

  it("reports one ROC curve, the positive class's, for binary sigmoid output", () => {
    const evaluation = evaluatePredictions(
      new Int32Array([0, 0, 1, 1, 1]),
      new Float32Array([0.2, 0.6, 0.7, 0.4, 0.9]),
      {
        task: "classification",
        classes: ["ham", "spam"],
        metrics: ["precision", "auc"],
      },
    );
    // positive class: precision = 2/(2+1); AUC = 5/6
    expect(evaluation.average).toBe("binary");
    expect(evaluation.metrics.precision).toBeCloseTo(2 / 3, 12);
    expect(evaluation.roc).toHaveLength(1);
    expect(evaluation.roc?.[0]?.class).toBe("spam");
    expect(evaluation.roc?.[0]?.auc).toBeCloseTo(5 / 6, 12);
  });

  it("evaluates regression without classification tables", () => {
    const evaluation = evaluatePredictions(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 2, 3, 5]), {
      task: "regression",
      metrics: ["mse", "mae", "rmse", "r2"],
    });
    expect(evaluation).toEqual({ metrics: { mse: 0.25, mae: 0.25, rmse: 0.5, r2: expect.closeTo(0.8, 6) } });
  });

  it("throws on a metric the checker should have rejected", () => {
    expect(() => evaluatePredictions(yTrue, yPred, { task: "classification", metrics: ["r2"] })).toThrow(/r2/);
  });
});
