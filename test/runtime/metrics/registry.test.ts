import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { METRIC_NAMES, METRICS, computeMetric, findMetric, isHigherBetter } from "../../../runtime/metrics/index.js";

const CLASSIFICATION = { task: "classification" } as const;

describe("METRICS", () => {
  it("has one entry per language name, keyed by its own name", () => {
    expect(Object.keys(METRICS).sort()).toEqual([...METRIC_NAMES].sort());
    for (const name of METRIC_NAMES) expect(METRICS[name].name).toBe(name);
  });

  it("marks the confusion matrix as a table and everything else as a number", () => {
    const tables = METRIC_NAMES.filter((name) => METRICS[name].kind === "table");
    expect(tables).toEqual(["confusion_matrix"]);
  });

  it("finds only real names", () => {
    expect(findMetric("f1")?.name).toBe("f1");
    expect(findMetric("toString")).toBeUndefined();
    expect(findMetric("f2")).toBeUndefined();
  });
});

describe("computeMetric", () => {
  // true 0 0 1 1 1, P(1) = 0.2 0.6 0.7 0.4 0.9 → predicted 0 1 1 0 1
  const labels = new Int32Array([0, 0, 1, 1, 1]);
  const sigmoid = new Float32Array([0.2, 0.6, 0.7, 0.4, 0.9]);

  it("computes binary scores from a sigmoid output", () => {
    // accuracy = 3/5; TP = 2, FP = 1, FN = 1 → precision = recall = F1 = 2/(2+1)
    expect(computeMetric("accuracy", labels, sigmoid, CLASSIFICATION)).toBeCloseTo(3 / 5, 12);
    expect(computeMetric("precision", labels, sigmoid, CLASSIFICATION)).toBeCloseTo(2 / 3, 12);
    expect(computeMetric("recall", labels, sigmoid, CLASSIFICATION)).toBeCloseTo(2 / 3, 12);
    expect(computeMetric("f1", labels, sigmoid, CLASSIFICATION)).toBeCloseTo(2 / 3, 12);
    // 5 of 6 (positive, negative) pairs ranked right
    expect(computeMetric("auc", labels, sigmoid, CLASSIFICATION)).toBeCloseTo(5 / 6, 12);
    // class 0 F1 = 1/2, class 1 F1 = 2/3 → macro (1/2 + 2/3) / 2 = 7/12
    expect(computeMetric("f1", labels, sigmoid, { ...CLASSIFICATION, average: "macro" })).toBeCloseTo(7 / 12, 12);
  });

  it("gives the same value for one sigmoid output and the equivalent two softmax columns", () => {
    const example = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 8 })), {
      minLength: 1,
      maxLength: 30,
    });
    const averages = [undefined, "macro", "micro", "weighted"] as const;
    fc.assert(
      fc.property(example, fc.constantFrom(...averages), (rows, average) => {
        const y = new Int32Array(rows.map(([label]) => label));
        const p = rows.map(([, s]) => s / 8); // exact in float32, with ties and p = 0.5
        const oneColumn = new Float32Array(p);
        const twoColumns = new Float32Array(p.flatMap((q) => [1 - q, q]));
        for (const name of ["accuracy", "precision", "recall", "f1", "auc"]) {
          const info = { task: "classification", numClasses: 2, average } as const;
          const fromSigmoid = computeMetric(name, y, oneColumn, info);
          const fromSoftmax = computeMetric(name, y, twoColumns, info);
          if (Number.isNaN(fromSigmoid)) expect(fromSoftmax).toBeNaN();
          else expect(fromSoftmax).toBeCloseTo(fromSigmoid, 12);
        }
      }),
    );
  });

  it("gives micro F1 = accuracy for single-label multi-class data", () => {
    const example = fc.integer({ min: 2, max: 5 }).chain((k) =>
      fc.tuple(
        fc.constant(k),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: k - 1 }),
            fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
      ),
    );
    fc.assert(
      fc.property(example, ([k, rows]) => {
        const y = new Int32Array(rows.map(([label]) => label));
        const p = new Float32Array(rows.flatMap(([, scores]) => scores));
        const info = { task: "classification", numClasses: k, average: "micro" } as const;
        expect(computeMetric("f1", y, p, info)).toBeCloseTo(computeMetric("accuracy", y, p, info), 12);
      }),
    );
  });

  it("computes regression metrics over [n, targets] values", () => {
    // errors 0, 0, 0, -1 → MSE 1/4, RMSE 1/2; R² = 1 - 1/5
    const truth = new Float32Array([1, 2, 3, 4]);
    const prediction = new Float32Array([1, 2, 3, 5]);
    expect(computeMetric("mse", truth, prediction, { task: "regression" })).toBe(0.25);
    expect(computeMetric("rmse", truth, prediction, { task: "regression" })).toBe(0.5);
    expect(computeMetric("r2", truth, prediction, { task: "regression" })).toBeCloseTo(0.8, 6);
    // as 2 targets: rows [1, 2], [3, 4] → [1, 2], [3, 5]; target 0 perfect = 1,
    // target 1: mean 3, SS_tot = 1 + 1 = 2, SS_res = 1 → 1/2; R² = (1 + 1/2) / 2
    expect(computeMetric("r2", truth, prediction, { task: "regression", targets: 2 })).toBeCloseTo(0.75, 6);
  });

  it("returns NaN for classification metrics when the model produced NaN", () => {
    const info = { task: "classification", numClasses: 2 } as const;
    expect(computeMetric("accuracy", labels, new Float32Array([0.1, Number.NaN, 0.2, 0.3, 0.4]), info)).toBeNaN();
  });

  it("throws on names and tasks the checker should have rejected", () => {
    expect(() => computeMetric("f2", labels, sigmoid, CLASSIFICATION)).toThrow(/unknown metric "f2"/);
    expect(() => computeMetric("confusion_matrix", labels, sigmoid, CLASSIFICATION)).toThrow(/table/);
    expect(() => computeMetric("mse", labels, sigmoid, CLASSIFICATION)).toThrow(/not defined for classification/);
  });
});

describe("isHigherBetter", () => {
  it("maximises accuracy-like metrics, with or without val_", () => {
    for (const name of ["accuracy", "val_accuracy", "f1", "val_auc", "r2", "val_precision"]) {
      expect(isHigherBetter(name)).toBe(true);
    }
  });

  it("minimises losses, errors and unknown names", () => {
    for (const name of ["loss", "val_loss", "mse", "val_rmse", "mae", "lr", "confusion_matrix"]) {
      expect(isHigherBetter(name)).toBe(false);
    }
  });
});
