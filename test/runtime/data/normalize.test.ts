import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { applyNormalization, fitNormalization } from "../../../runtime/data/normalize.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { DataSpec } from "../../../runtime/data/spec.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** 20 rows `x,y,label`; rows 16..19 are the test split when the split keeps file order. */
function writeTable(dir: string, name: string, change: (row: number, x: number) => number): void {
  const lines = ["x,y,label"];
  for (let row = 0; row < 20; row++)
    lines.push(`${change(row, row * 1.5)},${(row % 7) - 3},${row % 2 === 0 ? "even" : "odd"}`);
  writeFileSync(join(dir, name), lines.join("\n") + "\n");
}

describe("normalisation statistics", () => {
  const dir = mkdtempSync(join(tmpdir(), "dlm-normalize-"));
  writeTable(dir, "original.csv", (_, x) => x);
  writeTable(dir, "test-changed.csv", (row, x) => (row >= 16 ? x * 1000 + 7 : x));
  writeTable(dir, "train-changed.csv", (row, x) => (row === 0 ? 500 : x));
  const spec = (path: string, kind: "standardize" | "minmax"): DataSpec => ({
    source: { kind: "csv", path, label: "label" },
    split: { train: 0.8, test: 0.2, shuffle: false, stratify: false },
    normalize: { kind },
  });

  for (const kind of ["standardize", "minmax"] as const) {
    it(`${kind}: come from the training split only`, async () => {
      const original = await prepareData(spec("original.csv", kind), { seed: 0, baseDir: dir });
      const testChanged = await prepareData(spec("test-changed.csv", kind), { seed: 0, baseDir: dir });
      const trainChanged = await prepareData(spec("train-changed.csv", kind), { seed: 0, baseDir: dir });
      expect(original.train.size).toBe(16);
      // Changing test values leaves the statistics exactly as they were ...
      expect(testChanged.preprocessing.normalize).toEqual(original.preprocessing.normalize);
      // ... while the test features themselves did change, and a training change moves the statistics.
      expect(testChanged.test!.x.dataSync()[0]).not.toBe(original.test!.x.dataSync()[0]);
      expect(trainChanged.preprocessing.normalize).not.toEqual(original.preprocessing.normalize);
      for (const data of [original, testChanged, trainChanged]) disposePreparedData(data);
    });
  }

  it("standardize gives the training features mean 0 and std 1", async () => {
    const data = await prepareData(spec("original.csv", "standardize"), { seed: 0, baseDir: dir });
    const moments = tf.tidy(() => tf.moments(data.train.x, 0));
    expect([...moments.mean.dataSync()].map((m) => Math.abs(m) < 1e-5)).toEqual([true, true]);
    expect([...moments.variance.dataSync()].map((v) => Math.abs(v - 1) < 1e-4)).toEqual([true, true]);
    tf.dispose([moments.mean, moments.variance]);
    disposePreparedData(data);
  });
});

describe("fitNormalization / applyNormalization", () => {
  it("works per feature on the last axis and survives a constant feature", () => {
    const values = Float32Array.from([1, 5, 3, 5, 5, 5]);
    const fitted = fitNormalization({ kind: "standardize" }, values, 2);
    expect(fitted).toEqual({ kind: "standardize", mean: [3, 5], std: [Math.sqrt(8 / 3), 0] });
    applyNormalization(values, 2, fitted);
    expect(values[1]).toBe(0);
    expect(values[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
  });

  it("scale multiplies by the factor", () => {
    const values = Float32Array.from([255, 0, 51]);
    applyNormalization(values, 1, fitNormalization({ kind: "scale", factor: 1 / 255 }, values, 1));
    expect([...values]).toEqual([1, 0, Math.fround(0.2)]);
  });
});
