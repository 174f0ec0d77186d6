/**
 * What `--resume` relies on besides the checkpoint itself: finding the right run directory
 * (also when a kill left only `checkpoint.previous`), the tuned hyperparameters a resumed
 * run must train with, and a clear error when the data no longer fits the compiled model.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { findLatestRunDirectory, readHyperparameters, writeHyperparameters } from "../../../runtime/run-directory.js";
import { checkModelFitsData } from "../../../runtime/run-stages.js";

const out = mkdtempSync(join(tmpdir(), "dlm-run-dirs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A run directory with a checkpoint saved `secondsAgo` (in `checkpoint`, or only in `checkpoint.previous`). */
function runWithCheckpoint(name: string, secondsAgo: number, place = "checkpoint"): string {
  const dir = join(out, name);
  mkdirSync(join(dir, place), { recursive: true });
  const file = join(dir, place, "checkpoint.json");
  writeFileSync(file, "{}");
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, when, when);
  return dir;
}

describe("findLatestRunDirectory", () => {
  it("picks the run of the experiment whose checkpoint was saved last", async () => {
    runWithCheckpoint("iris", 300);
    const newer = runWithCheckpoint("iris-20250101-120000", 100);
    runWithCheckpoint("iris-20250101-120000-2", 200);
    mkdirSync(join(out, "iris-20250102-080000"), { recursive: true }); // no checkpoint: cannot be resumed
    expect(await findLatestRunDirectory(out, "iris")).toBe(newer);
  });

  it("ignores other experiments whose names merely start the same way", async () => {
    runWithCheckpoint("iris-small", 1);
    runWithCheckpoint("iris_v2", 1);
    expect(await findLatestRunDirectory(out, "iris")).toBe(join(out, "iris-20250101-120000"));
  });

  it("finds a checkpoint that only survives as `checkpoint.previous`", async () => {
    const dir = runWithCheckpoint("mnist", 10, "checkpoint.previous");
    expect(await findLatestRunDirectory(out, "mnist")).toBe(dir);
  });

  it("is undefined when nothing can be resumed", async () => {
    expect(await findLatestRunDirectory(out, "spam")).toBeUndefined();
    expect(await findLatestRunDirectory(join(out, "nowhere"), "iris")).toBeUndefined();
  });
});

describe("hyperparameters of a tuned run", () => {
  it("round-trip through the run directory; untuned runs have none", async () => {
    const dir = join(out, "tuned");
    mkdirSync(dir, { recursive: true });
    expect(await readHyperparameters(dir)).toBeUndefined();
    await writeHyperparameters(dir, { learning_rate: 0.003, units: 64, activation: "relu" });
    expect(await readHyperparameters(dir)).toEqual({ learning_rate: 0.003, units: 64, activation: "relu" });
  });
});

describe("checkModelFitsData", () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [6] })] });
  });
  afterAll(() => model.dispose());

  it("accepts data of the model's input shape", () => {
    expect(() => checkModelFitsData(model, { task: "classification", modality: "tabular", featureShape: [6] })).not.toThrow();
  });

  it("names both shapes when the data changed since compiling", () => {
    const mismatch = () => checkModelFitsData(model, { task: "classification", modality: "tabular", featureShape: [5] });
    expect(mismatch).toThrow(DataError);
    expect(mismatch).toThrow("the data gives examples of shape [5], but the model takes [6]; the data changed since the program was compiled");
  });
});
