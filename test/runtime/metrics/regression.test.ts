import { describe, expect, it } from "vitest";
import { meanAbsoluteError, meanSquaredError, rootMeanSquaredError, rSquared } from "../../../runtime/metrics/index.js";

describe("regression metrics", () => {
  const truth = [1, 2, 3, 4];
  const prediction = [1, 2, 3, 5]; // errors 0, 0, 0, -1

  it("averages squared and absolute errors", () => {
    // MSE = (0 + 0 + 0 + 1) / 4; MAE = (0 + 0 + 0 + 1) / 4; RMSE = √(1/4)
    expect(meanSquaredError(truth, prediction)).toBe(0.25);
    expect(meanAbsoluteError(truth, prediction)).toBe(0.25);
    expect(rootMeanSquaredError(truth, prediction)).toBe(0.5);
  });

  it("computes R² as 1 - SS_res / SS_tot", () => {
    // mean = 2.5; SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5; SS_res = 1 → 1 - 1/5
    expect(rSquared(truth, prediction)).toBeCloseTo(0.8, 12);
  });

  it("gives R² = 1 for a perfect prediction and 0 for predicting the mean", () => {
    expect(rSquared(truth, truth)).toBe(1);
    expect(rSquared(truth, [2.5, 2.5, 2.5, 2.5])).toBe(0);
  });

  it("gives a negative R² for predictions worse than the mean", () => {
    // SS_res = 9 + 1 + 1 + 9 = 20; 1 - 20/5 = -3
    expect(rSquared(truth, [4, 3, 2, 1])).toBeCloseTo(-3, 12);
  });

  it("averages R² over targets and errors over all values", () => {
    // rows [1, 10], [2, 20], [3, 30] predicted [1, 10], [2, 20], [3, 33]
    const twoTargetsTruth = [1, 10, 2, 20, 3, 30];
    const twoTargetsPrediction = [1, 10, 2, 20, 3, 33];
    // target 0: perfect → 1; target 1: mean 20, SS_tot = 100 + 0 + 100 = 200, SS_res = 9 → 191/200
    // R² = (1 + 191/200) / 2 = 391/400
    expect(rSquared(twoTargetsTruth, twoTargetsPrediction, 2)).toBeCloseTo(391 / 400, 12);
    // MSE = 9 / 6 values
    expect(meanSquaredError(twoTargetsTruth, twoTargetsPrediction)).toBe(1.5);
  });

  it("scores a constant truth 1 when matched and 0 otherwise", () => {
    expect(rSquared([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(rSquared([3, 3, 3], [3, 3, 4])).toBe(0);
  });

  it("rejects arrays of different lengths and is NaN on an empty split", () => {
    expect(() => meanSquaredError([1, 2], [1])).toThrow(/1 predictions for 2 values/);
    expect(() => rSquared([1, 2, 3], [1, 2, 3], 2)).toThrow(/rows of 2 targets/);
    expect(meanSquaredError([], [])).toBeNaN();
  });
});
