/**
 * `normalize_target`: a regression whose target sits around 1,000 trains in a few epochs
 * when the target is standardized (the default), and does not when it is left as is; the
 * metrics are in the target's own units either way.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invertNormalization, fitTargetNormalization } from "../../runtime/data/normalize.js";
import { disposePreparedData, prepareData } from "../../runtime/data/prepare.js";
import type { DataSpec, TargetNormalizeSpec } from "../../runtime/data/spec.js";
import { evaluateSplit } from "../../runtime/evaluate.js";
import type { StageSpec } from "../../runtime/experiment.js";
import { train } from "../../runtime/train.js";
import { useCpuBackend } from "./train/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "dlm-normalize-target-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic value in [0, 1). */
function pseudoRandom(i: number, j: number): number {
  const x = Math.sin(i * 12.9898 + j * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** 500 rows: price = 1000 + 20·a − 15·b + 10·c + noise (±5), features in [0, 10). */
function writeHouses(): void {
  const lines = ["a,b,c,price"];
  for (let i = 0; i < 500; i++) {
    const [a, b, c] = [0, 1, 2].map((j) => 10 * pseudoRandom(i, j)) as [number, number, number];
    const price = 1000 + 20 * a - 15 * b + 10 * c + 10 * (pseudoRandom(i, 3) - 0.5);
    lines.push([a, b, c, price].map((value) => value.toFixed(4)).join(","));
  }
  writeFileSync(join(dir, "houses.csv"), lines.join("\n") + "\n");
}

beforeAll(async () => {
  await useCpuBackend();
  writeHouses();
});

function spec(normalizeTarget?: TargetNormalizeSpec): DataSpec {
  return {
    source: { kind: "csv", path: "houses.csv", label: "price" },
    split: { validation: 0.1, test: 0.2 },
    normalize: { kind: "standardize" },
    ...(normalizeTarget === undefined ? {} : { normalizeTarget }),
  };
}

const STAGE: StageSpec = {
  optimizer: { name: "adam" },
  loss: "mse",
  metrics: ["r2", "rmse"],
  epochs: 10,
  batchSize: 16,
  callbacks: [],
};

/** Trains dense(16, relu) → dense(1) for 10 epochs (Adam's default rate) and evaluates on test. */
async function trainAndEvaluate(normalizeTarget?: TargetNormalizeSpec) {
  const data = await prepareData(spec(normalizeTarget), { seed: 4, baseDir: dir });
  const input = tf.input({ shape: [3] });
  const hidden = tf.layers.dense({ units: 16, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const output = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const history = await train(model, data, {
    epochs: STAGE.epochs,
    batchSize: STAGE.batchSize,
    optimizer: STAGE.optimizer,
    loss: "mse",
    metrics: STAGE.metrics,
    seed: 4,
  });
  const evaluation = evaluateSplit(model, data, { on: "test", metrics: ["r2", "rmse", "mae"] }, STAGE)!;
  const target = data.preprocessing.target;
  model.dispose();
  disposePreparedData(data);
  return { evaluation, history, target };
}

describe("normalize_target", () => {
  it("standardize (the default): R² ≥ 0.9 within 10 epochs, metrics in the target's units", async () => {
    const { evaluation, history, target } = await trainAndEvaluate();
    expect(target?.kind).toBe("standardize");
    expect(evaluation.metrics["r2"]).toBeGreaterThanOrEqual(0.9);
    // The noise is ±5 around prices spread over ~±150: an error in price units, not in standard deviations.
    expect(evaluation.metrics["rmse"]).toBeGreaterThan(1);
    expect(evaluation.metrics["rmse"]).toBeLessThan(40);
    // Epoch metrics too: the last validation R² and RMSE are in price units.
    expect(history.logs["val_r2"]!.at(-1)).toBeGreaterThanOrEqual(0.9);
    expect(history.logs["val_rmse"]!.at(-1)).toBeGreaterThan(1);
  });

  it("none: the same model and epochs stay far from the target (R² < 0)", async () => {
    const { evaluation, target } = await trainAndEvaluate("none");
    expect(target).toBeUndefined();
    expect(evaluation.metrics["r2"]).toBeLessThan(0);
    expect(evaluation.metrics["rmse"]).toBeGreaterThan(500);
  });

  it("minmax: fitted on the training targets, inverted exactly", () => {
    const fitted = fitTargetNormalization("minmax", [990, 1010, 1000])!;
    expect(fitted).toEqual({ kind: "minmax", min: [990], max: [1010] });
    const values = Float32Array.from([0, 0.5, 1]);
    invertNormalization(values, 1, fitted);
    expect(Array.from(values)).toEqual([990, 1000, 1010]);
    const standardized = fitTargetNormalization("standardize", [1, 3])!;
    expect(standardized).toEqual({ kind: "standardize", mean: [2], std: [1] });
    expect(fitTargetNormalization("none", [1, 2])).toBeUndefined();
  });

  it("classification labels are never scaled", async () => {
    const lines = ["x,label", ...Array.from({ length: 20 }, (_, i) => `${i},${i % 2 === 0 ? "even" : "odd"}`)];
    writeFileSync(join(dir, "parity.csv"), lines.join("\n") + "\n");
    const data = await prepareData({ source: { kind: "csv", path: "parity.csv", label: "label" } }, { seed: 1, baseDir: dir });
    expect(data.preprocessing.target).toBeUndefined();
    disposePreparedData(data);
    await expect(
      prepareData({ source: { kind: "csv", path: "parity.csv", label: "label" }, normalizeTarget: "minmax" }, { seed: 1, baseDir: dir }),
    ).rejects.toThrow("`normalize_target` applies to regression targets; this data's task is classification");
  });
});
