/**
 * Finite or fail in a search: a trial whose weights diverge (learning rate 1e30) stops at
 * that epoch and has no objective value, so it can never be picked as the best point; its
 * clipped, finite loss used to score it like any other trial.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition, Hyperparameters } from "../../runtime/experiment.js";
import { applySearchValues, runTuning } from "../../runtime/tune.js";
import { disposePreparedData, prepareData } from "../../runtime/data/prepare.js";
import type { PreparedData } from "../../runtime/prepared-data.js";
import "@tensorflow/tfjs-backend-wasm";
import { registerTrainingKernels } from "../../runtime/kernels/register.js";

// wasm, as `dlm run` uses: its clip turns the NaN probabilities into a finite cross-entropy, so the
// loss alone looks sound (on cpu the loss itself is NaN).
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("wasm");
  await tf.ready();
  registerTrainingKernels("wasm");
});

const buildModel = async (_info: unknown, _hyperparameters: Hyperparameters): Promise<tf.LayersModel> => {
  // samples/iris.dlm's model: its cross-entropy clips to a finite loss while the weights turn NaN.
  const inputs = tf.input({ shape: [4] });
  const first = tf.layers.dense({ units: 16, activation: "relu" }).apply(inputs);
  const second = tf.layers.dense({ units: 16, activation: "relu" }).apply(first);
  const outputs = tf.layers.dense({ units: 3, activation: "softmax" }).apply(second) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs });
};

describe("a diverging trial", () => {
  let data: PreparedData;
  beforeAll(async () => {
    data = await prepareData(
      {
        source: { kind: "builtin", name: "iris" },
        split: { train: 0.7, validation: 0.15, test: 0.15, stratify: true },
        normalize: { kind: "standardize" },
      },
      { seed: 42, baseDir: "." },
    );
  });
  afterAll(() => disposePreparedData(data));

  it("scores NaN and is never the best, while the sound trial is", async () => {
    const train = {
      optimizer: { name: "sgd", learningRate: 0.1 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      epochs: 4,
      batchSize: 16,
      callbacks: [],
    } as const;
    const definition: ExperimentDefinition = {
      name: "tiny",
      sourceFile: "tiny.dlm",
      baseDir: ".",
      seed: 42,
      backend: "cpu",
      data: { source: { kind: "builtin", name: "iris" } },
      buildModel,
      train,
      tune: {
        trials: 2,
        objective: "loss",
        strategy: "grid",
        space: { "train.optimizer.learning_rate": { kind: "choice", values: [1e30, 0.1] } },
      },
      evaluate: { on: "validation", metrics: ["accuracy"] },
      withHyperparameters: (hyperparameters) =>
        applySearchValues({ train }, hyperparameters, [
          { name: "train.optimizer.learning_rate", path: ["train", "optimizer", "learningRate"] },
        ]),
    };
    const result = await runTuning(definition, data, () => undefined);
    const [diverged, sound] = result.trials;
    expect(diverged!.values["train.optimizer.learning_rate"]).toBe(1e30);
    expect(diverged!.epochs).toBe(1);
    expect(diverged!.objectiveValue).toBeNaN();
    expect(Number.isFinite(sound!.objectiveValue)).toBe(true);
    expect(result.best.values["train.optimizer.learning_rate"]).toBe(0.1);
  });
});
