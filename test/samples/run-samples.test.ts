/**
 * Every sample, end to end as a user runs it: `dlm run samples/X.dlm --epochs 1 --limit N`
 * on real data (small slices), then the run directory's metrics.json is read back.
 * The runs happen in a scratch folder inside the repository (so `dlm/runtime` and
 * TensorFlow.js resolve) that the test deletes afterwards.
 */
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runDlm } from "../robustness/runs/scratch.js";
import { ROOT, SampleScratch } from "./sample-runner.js";

const scratch = new SampleScratch("samples");
const SCRATCH = scratch.folder;

function runSample(sample: string, extra: string[] = []) {
  return scratch.run(sample, ["--epochs", "1", "--limit", "64", ...extra]);
}

const readMetrics = (experiment: string) => scratch.metrics(experiment);

const samples = readdirSync(join(ROOT, "samples")).filter((file) => file.endsWith(".dlm"));
const fashionInstalled = existsSync("/usr/share/datasets/fashion-mnist");

describe("samples run end to end", () => {
  it("has the samples the README documents", () => {
    expect(samples.sort()).toEqual(
      ["boston_housing.dlm", "fashion_mnist.dlm", "iris.dlm", "mnist.dlm", "spam.dlm", "transfer_digits.dlm", "transfer_fashion.dlm", "tune_iris.dlm"].sort(),
    );
  });

  const classification: Record<string, string> = { "iris.dlm": "iris", "mnist.dlm": "mnist", "spam.dlm": "spam" };
  for (const [sample, experiment] of Object.entries(classification)) {
    it(`${sample} trains one epoch and writes metrics.json, history.csv and a report`, () => {
      const result = runSample(sample);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.status, result.stderr).toBe(0);
      const metrics = readMetrics(experiment);
      expect(metrics.experiment).toBe(experiment);
      expect(metrics.backend).toBe("wasm");
      expect(metrics.epochsRun).toBe(1);
      expect(metrics.trainSamplesPerSecond).toBeGreaterThan(0);
      expect(metrics.evaluation?.split).toBe("test");
      const accuracy = metrics.evaluation?.metrics["accuracy"];
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
      expect(existsSync(join(SCRATCH, "runs", experiment, "history.csv"))).toBe(true);
      expect(existsSync(join(SCRATCH, "runs", experiment, "report.html"))).toBe(true);
    });
  }

  it("boston_housing.dlm (regression) reports RMSE, MAE and R²", () => {
    const result = runSample("boston_housing.dlm");
    expect(result.status, result.stderr).toBe(0);
    const metrics = readMetrics("boston_housing").evaluation!.metrics;
    expect(Object.keys(metrics).sort()).toEqual(["mae", "r2", "rmse"]);
    expect(metrics["rmse"]).toBeGreaterThan(0);
  });

  it.skipIf(!fashionInstalled)("fashion_mnist.dlm (batch norm + residual blocks) runs", () => {
    const result = runSample("fashion_mnist.dlm");
    expect(result.status, result.stderr).toBe(0);
    const metrics = readMetrics("fashion_mnist");
    expect(metrics.evaluation?.confusionMatrix).toHaveLength(10);
  });

  it("transfer_digits.dlm pretrains, exports, fine-tunes the export and trains from scratch", () => {
    const result = runSample("transfer_digits.dlm");
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(SCRATCH, "exports", "low_digits", "model.json"))).toBe(true);
    for (const experiment of ["pretrain_low_digits", "finetune_high_digits", "scratch_high_digits"]) {
      expect(readMetrics(experiment).evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0);
    }
    // `--epochs 1` applies to both stages of the fine-tuning experiment
    expect(readMetrics("finetune_high_digits").epochsRun).toBe(2);
  });

  it.skipIf(!fashionInstalled)(
    "transfer_fashion.dlm fine-tunes nsfwjs's MobileNetV2 on Fashion-MNIST at 96×96×3 and trains the same network from scratch",
    () => {
      // Run in place: the sample reaches the backbone as ../node_modules/nsfwjs/…, relative to samples/.
      const result = runDlm(ROOT, ["run", "samples/transfer_fashion.dlm", "--backend", "wasm", "--out", join(SCRATCH, "runs"), "--epochs", "1", "--limit", "16"], 400_000);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.match(/features \[96, 96, 3\], 10 classes/g)).toHaveLength(2);
      expect(result.stdout).toMatch(/training: 2 trainable weight tensors, 12,810 of 2,270,794 parameters/);
      expect(readMetrics("pretrained_fashion").epochsRun).toBe(2);
      expect(readMetrics("scratch_fashion").epochsRun).toBe(1);
      for (const experiment of ["pretrained_fashion", "scratch_fashion"]) {
        expect(readMetrics(experiment).evaluation?.confusionMatrix).toHaveLength(10);
      }
    },
    420_000,
  );

  it("tune_iris.dlm searches (`--trials 2`), trains the best point and reports the trials", () => {
    const result = runSample("tune_iris.dlm", ["--trials", "2"]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/dlm: trial 2\/2: hidden\.units=\d+, train\.optimizer\.learning_rate=[\d.e-]+ → val_accuracy [\d.]+ \(1 epochs\)/);
    expect(result.stdout).toMatch(/trial +hidden\.units +train\.optimizer\.learning_rate +val_accuracy +epochs/);
    const metrics = readMetrics("tune_iris");
    expect(metrics.epochsRun).toBe(1);
    expect(metrics.evaluation?.split).toBe("test");
    expect(metrics.evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0);
    const report = readFileSync(join(SCRATCH, "runs", "tune_iris", "report.html"), "utf8");
    expect(report).toContain("<h2>Hyperparameter search</h2>");
    expect(report).toContain("2 trials, objective val_accuracy");
    expect(report).toContain("hidden.units");
  });

  it("a second run gets its own timestamped directory instead of overwriting the first", () => {
    const result = runSample("iris.dlm");
    expect(result.status, result.stderr).toBe(0);
    const runs = readdirSync(join(SCRATCH, "runs")).filter((name) => name.startsWith("iris"));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.some((name) => /^iris-\d{8}-\d{6}/.test(name))).toBe(true);
  });
});
