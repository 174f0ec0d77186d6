/**
 * The search: which points a grid or a seeded random draw visits, how a trial's values
 * rewrite the stage specs, seeded weight initialisation, the terminal table, and a whole
 * search over a tiny data set picking the best point.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition, Hyperparameters, SearchSpace, StageSpec } from "../../runtime/experiment.js";
import { buildSeededModel } from "../../runtime/seeded-model.js";
import { applySearchValues, formatTrialTable, gridValues, runTuning, searchPoints, type TuningResult } from "../../runtime/tune.js";
import { disposeData, tinyClassification, useCpuBackend } from "./train/fixtures.js";

const SPACE: Record<string, SearchSpace> = {
  units: { kind: "choice", values: [8, 16, 32] },
  rate: { kind: "log_range", lo: 1e-4, hi: 1e-2 },
  depth: { kind: "range", lo: 1, hi: 4, integer: true },
};

describe("searchPoints", () => {
  it("visits the grid in name order, every choice and three points across each range, up to `trials`", () => {
    expect(gridValues({ kind: "range", lo: 1, hi: 4, integer: true })).toEqual([1, 3, 4]);
    expect(gridValues({ kind: "log_range", lo: 1e-4, hi: 1e-2 })).toEqual([1e-4, 1e-3, 1e-2]);
    const points = searchPoints(SPACE, "grid", 100, 0);
    expect(points).toHaveLength(27);
    expect(points.slice(0, 2)).toEqual([
      { depth: 1, rate: 1e-4, units: 8 },
      { depth: 1, rate: 1e-4, units: 16 },
    ]);
    expect(searchPoints(SPACE, "grid", 4, 0)).toEqual(points.slice(0, 4));
  });

  it("draws random points inside each space, the same for the same seed", () => {
    const points = searchPoints(SPACE, "random", 20, 7);
    expect(searchPoints(SPACE, "random", 20, 7)).toEqual(points);
    expect(searchPoints(SPACE, "random", 20, 8)).not.toEqual(points);
    for (const point of points) {
      expect([8, 16, 32]).toContain(point["units"]);
      expect(point["rate"]).toBeGreaterThanOrEqual(1e-4);
      expect(point["rate"]).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(point["depth"])).toBe(true);
    }
    // a log-uniform draw spreads over the decades instead of crowding the top one
    expect(points.filter((point) => (point["rate"] as number) < 1e-3).length).toBeGreaterThan(3);
  });
});

const STAGE: StageSpec = {
  optimizer: { name: "sgd", learningRate: 0.01 },
  loss: "sparse_categorical_crossentropy",
  metrics: ["accuracy"],
  epochs: 5,
  batchSize: 16,
  callbacks: [{ kind: "early_stopping", monitor: "val_loss", patience: 2, minDelta: 0, mode: "auto", restoreBestWeights: false }],
};

describe("applySearchValues", () => {
  it("writes each trial value at its path in a copy of the stage specs", () => {
    const parts = { train: STAGE };
    const rewritten = applySearchValues(parts, { "train.optimizer.learning_rate": 0.5, "train.early_stopping.patience": 7, "dense.units": 4 }, [
      { name: "train.optimizer.learning_rate", path: ["train", "optimizer", "learningRate"] },
      { name: "train.early_stopping.patience", path: ["train", "callbacks", 0, "patience"] },
    ]);
    expect(rewritten.train.optimizer).toEqual({ name: "sgd", learningRate: 0.5 });
    expect(rewritten.train.callbacks[0]).toMatchObject({ patience: 7 });
    expect(parts.train.optimizer.learningRate).toBe(0.01);
  });
});

describe("with TensorFlow.js", () => {
  beforeAll(useCpuBackend);

  /** A dense classifier whose hidden width comes from the trial. */
  const buildModel = async (_info: unknown, hyperparameters: Hyperparameters): Promise<tf.LayersModel> => {
    const inputs = tf.input({ shape: [2] });
    const hidden = tf.layers.dense({ units: Number(hyperparameters["hidden.units"] ?? 4), activation: "relu" }).apply(inputs);
    const outputs = tf.layers.dense({ units: 3, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
    return tf.model({ inputs, outputs });
  };

  it("buildSeededModel starts from the same weights for the same seed and restores Math.random", async () => {
    const random = Math.random;
    const weightsOf = async (seed: number) => {
      const model = await buildSeededModel({ buildModel, seed }, tinyClassification(3, 3).info, {});
      const values = model.getWeights().map((weight) => Array.from(weight.dataSync()));
      model.dispose();
      return values;
    };
    expect(await weightsOf(3)).toEqual(await weightsOf(3));
    expect(await weightsOf(3)).not.toEqual(await weightsOf(4));
    expect(Math.random).toBe(random);
  });

  describe("runTuning", () => {
    const data = tinyClassification(48, 24);
    afterAll(() => disposeData(data));

    const definition: ExperimentDefinition = {
      name: "tiny",
      sourceFile: "tiny.dlm",
      baseDir: ".",
      seed: 3,
      backend: "cpu",
      data: { source: { kind: "builtin", name: "iris" } },
      buildModel,
      train: { ...STAGE, callbacks: [] },
      tune: {
        trials: 4,
        objective: "val_accuracy",
        strategy: "grid",
        maxEpochs: 12,
        space: { "hidden.units": { kind: "choice", values: [8, 16] }, "train.optimizer.learning_rate": { kind: "choice", values: [1e-5, 0.5] } },
      },
      evaluate: { on: "validation", metrics: ["accuracy"] },
      withHyperparameters: (hyperparameters) =>
        applySearchValues({ train: definition.train }, hyperparameters, [
          { name: "train.optimizer.learning_rate", path: ["train", "optimizer", "learningRate"] },
        ]),
    };

    it("trains every point, picks the best on the objective, prints the table, and repeats exactly", async () => {
      const lines: string[] = [];
      const result = await runTuning(definition, data, (line) => lines.push(line));
      expect(result.trials.map((trial) => [trial.values, trial.epochs])).toEqual([
        [{ "hidden.units": 8, "train.optimizer.learning_rate": 1e-5 }, 12],
        [{ "hidden.units": 8, "train.optimizer.learning_rate": 0.5 }, 12],
        [{ "hidden.units": 16, "train.optimizer.learning_rate": 1e-5 }, 12],
        [{ "hidden.units": 16, "train.optimizer.learning_rate": 0.5 }, 12],
      ]);
      // a learning rate of 1e-5 barely moves the weights in 12 epochs; 0.5 separates the three clusters
      expect(result.best.values["train.optimizer.learning_rate"]).toBe(0.5);
      expect(result.best.objectiveValue).toBeGreaterThan(0.9);
      expect(Math.max(...result.trials.map((trial) => trial.objectiveValue))).toBe(result.best.objectiveValue);
      expect(lines.filter((line) => line.startsWith("dlm: trial "))).toHaveLength(4);
      expect(lines).toContain(formatTrialTable(result)[1]);
      const again = await runTuning(definition, data, () => undefined);
      expect(again.trials.map((trial) => trial.objectiveValue)).toEqual(result.trials.map((trial) => trial.objectiveValue));
    });
  });
});

describe("formatTrialTable", () => {
  it("prints one aligned row per trial with its values, objective and epochs, the best marked", () => {
    const trials = [
      { trial: 1, values: { "dense.units": 8, "train.optimizer.learning_rate": 0.012345 }, objectiveValue: 0.9, epochs: 20 },
      { trial: 2, values: { "dense.units": 32, "train.optimizer.learning_rate": 0.001 }, objectiveValue: 0.96667, epochs: 7 },
    ];
    const result: TuningResult = { objective: "val_accuracy", trials, best: trials[1]! };
    expect(formatTrialTable(result)).toEqual([
      "dlm: search done, best trial marked *",
      "  trial  dense.units  train.optimizer.learning_rate  val_accuracy  epochs",
      "     1             8                        0.01235        0.9000      20",
      "     2*           32                          0.001        0.9667       7",
    ]);
  });
});
