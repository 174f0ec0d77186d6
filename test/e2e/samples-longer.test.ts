/**
 * `npm run test:e2e`: samples trained long enough to learn, with the quality each one must
 * reach (a few minutes on 2 cores). The full-length runs and their results are in
 * bench/BENCHMARKS.md; `npm test` runs every sample for one epoch on 64 examples instead.
 */
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { SampleScratch } from "../samples/sample-runner.js";

const scratch = new SampleScratch("e2e-");
afterAll(() => scratch.dispose());
const fashionInstalled = existsSync("/usr/share/datasets/fashion-mnist");
const MINUTES = 60_000;

describe("samples trained to quality", () => {
  it("iris, full length: test accuracy ≥ 0.95", () => {
    const result = scratch.run("iris.dlm", ["--force"]);
    expect(result.status, result.stderr).toBe(0);
    expect(scratch.metrics("iris").evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0.95);
  });

  it("boston_housing, full length: RMSE below 6 (the labels' standard deviation is 9.2)", () => {
    const result = scratch.run("boston_housing.dlm", ["--force"]);
    expect(result.status, result.stderr).toBe(0);
    const metrics = scratch.metrics("boston_housing").evaluation!.metrics;
    expect(metrics["rmse"]).toBeLessThan(6);
    expect(metrics["r2"]).toBeGreaterThan(0.5);
  });

  it("mnist, 2 epochs on 10,000 examples: test accuracy ≥ 0.96", () => {
    const result = scratch.run("mnist.dlm", ["--epochs", "2", "--limit", "10000", "--force"], 10 * MINUTES);
    expect(result.status, result.stderr).toBe(0);
    expect(scratch.metrics("mnist").evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0.96);
  });

  it("spam, 2 epochs on 2,000 messages: test accuracy ≥ 0.9", () => {
    const result = scratch.run("spam.dlm", ["--epochs", "2", "--limit", "2000", "--force"], 10 * MINUTES);
    expect(result.status, result.stderr).toBe(0);
    expect(scratch.metrics("spam").evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0.9);
  });

  it.skipIf(!fashionInstalled)("fashion_mnist, 1 epoch on 6,000 images: test accuracy ≥ 0.75", () => {
    const result = scratch.run("fashion_mnist.dlm", ["--epochs", "1", "--limit", "6000", "--force"], 10 * MINUTES);
    expect(result.status, result.stderr).toBe(0);
    expect(scratch.metrics("fashion_mnist").evaluation?.metrics["accuracy"]).toBeGreaterThanOrEqual(0.75);
  });
});
