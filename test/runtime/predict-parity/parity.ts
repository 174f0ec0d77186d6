/**
 * What the predict-parity tests share: train an experiment with `dlm run`, feed the raw rows
 * (texts, images, consecutive rows) of its test split through `dlm predict`, and recompute
 * the evaluation's own predictions in process — the same data pipeline (`prepareData` with
 * the compiled `DataSpec` and seed), the bundle's model, `predictSplit`, the target mapped
 * back to its units — so the two can be compared example by example.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { nodeCompilerHost } from "../../../compiler/host.js";
import { checkProgram } from "../../../compiler/program.js";
import { inTargetUnits } from "../../../runtime/data/normalize.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import { predictSplit } from "../../../runtime/evaluate.js";
import { loadBundle } from "../../../runtime/export.js";
import type { ClassPrediction, RegressionPrediction } from "../../../runtime/predict.js";
import { makeScratch, runDlm } from "../../robustness/runs/scratch.js";

/** A scratch folder with `file.dlm` written in it; `dlm` runs there on the cpu backend. */
export function scratchWith(prefix: string, files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = makeScratch(prefix);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** `dlm run FILE` to completion; fails the test with dlm's stderr otherwise. */
export function runExperiment(dir: string, file: string): void {
  const result = runDlm(dir, ["run", file, "--backend", "cpu", "--out", "runs"], 300_000);
  expect(result.status, result.stderr + result.stdout).toBe(0);
}

/** `dlm predict BUNDLE INPUT --json`, parsed. */
export function predictWithCli(dir: string, bundle: string, input: string): (ClassPrediction | RegressionPrediction)[] {
  const result = runDlm(dir, ["predict", bundle, input, "--json", "--backend", "cpu"], 120_000);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as (ClassPrediction | RegressionPrediction)[];
}

/** metrics.json of a run: the evaluation's metrics. */
export function evaluationMetrics(dir: string, experiment: string): Record<string, number> {
  const metrics = JSON.parse(readFileSync(join(dir, "runs", experiment, "metrics.json"), "utf8")) as {
    evaluation: { metrics: Record<string, number> };
  };
  return metrics.evaluation.metrics;
}

/** The evaluation's predictions on the test split, recomputed in process: `[examples][outputs]`, in the target's units. */
export async function evaluationPredictions(dir: string, file: string, experiment: string, bundle: string): Promise<number[][]> {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  const plan = checkProgram([join(dir, file)], nodeCompilerHost()).plans.find((candidate) => candidate.name === experiment)!;
  const data = await prepareData(plan.data, { seed: plan.seed, baseDir: dir });
  const loaded = await loadBundle(join(dir, bundle));
  const split = data.test!;
  const flat = inTargetUnits(predictSplit(loaded.model, split, 64), loaded.preprocessing.target);
  const width = flat.length / split.size;
  loaded.model.dispose();
  disposePreparedData(data);
  return Array.from({ length: split.size }, (_, row) => Array.from(flat.subarray(row * width, (row + 1) * width)));
}

/** Probabilities of `dlm predict` (class order) equal the evaluation's within 1e-6, example by example. */
export function expectSameProbabilities(cli: readonly (ClassPrediction | RegressionPrediction)[], evaluation: readonly number[][], classes: readonly string[]): void {
  expect(cli).toHaveLength(evaluation.length);
  cli.forEach((prediction, example) => {
    const probabilities = (prediction as ClassPrediction).probabilities;
    const expected = evaluation[example]!;
    // One sigmoid output is P(class 1); softmax outputs are one probability per class.
    const perClass = expected.length === 1 ? [1 - expected[0]!, expected[0]!] : expected;
    classes.forEach((label, id) => expect(Math.abs(probabilities[label]! - perClass[id]!), `example ${example + 1}, ${label}`).toBeLessThanOrEqual(1e-6));
  });
}

/** Regression values of `dlm predict` equal the evaluation's to float32 precision, in the target's units. */
export function expectSameValues(cli: readonly (ClassPrediction | RegressionPrediction)[], evaluation: readonly number[][]): void {
  expect(cli).toHaveLength(evaluation.length);
  cli.forEach((prediction, example) => {
    const values = (prediction as RegressionPrediction).values;
    evaluation[example]!.forEach((expected, output) =>
      expect(Math.abs(values[output]! - expected), `example ${example + 1}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected))),
    );
  });
}
