/**
 * A search over `l2` and a callback argument, run through the generated program and the
 * runtime's own search: every trial's model carries that trial's `l2` in its layer, and
 * every trial's early stopping stops after that trial's `patience` — observed on the model
 * TF.js built and on the callback that ran, not on a log line.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CallbackSpec } from "../../../runtime/experiment.js";
import { EarlyStopping } from "../../../runtime/callbacks/early-stopping.js";
import { disposePreparedData, prepareData } from "../../../runtime/data/prepare.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { runTuning } from "../../../runtime/tune.js";
import { loadExperiment } from "./load-program.js";

/** Every callback the search created, with the specs it was made from, in order. */
const created = vi.hoisted(() => [] as { specs: readonly CallbackSpec[]; callbacks: readonly unknown[] }[]);

vi.mock("../../../runtime/callbacks/registry.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../runtime/callbacks/registry.js")>();
  return {
    ...original,
    makeCallbacks: (...args: Parameters<typeof original.makeCallbacks>) => {
      const callbacks = original.makeCallbacks(...args);
      created.push({ specs: args[0], callbacks });
      return callbacks;
    },
  };
});

// `min_delta: 1000`: no epoch after the first improves, so a trial trains exactly 1 + patience epochs.
// `parallel: 1`: the trials train on this thread, where the test watches the callbacks.
const SOURCE = `experiment search {
  seed: 5
  data {
    source: builtin("iris")
    split { train: 0.6, validation: 0.2, test: 0.2 }
    normalize: standardize
  }
  model {
    hidden = dense(8, activation: relu, l2: choice(1e-4, 0.05))
    dense(3, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 10
    batch_size: 16
    callbacks { early_stopping(monitor: val_loss, patience: choice(1, 3), min_delta: 1000) }
  }
  tune { trials: 4, objective: val_accuracy, strategy: grid, parallel: 1 }
}
`;

describe("a search over l2 and a callback argument", () => {
  let data: PreparedData;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    tf.enableProdMode();
  });
  afterAll(() => {
    if (data !== undefined) disposePreparedData(data);
  });

  it("gives each trial's model its l2 and each trial's early stopping its patience", async () => {
    const experiment = loadExperiment(SOURCE);
    data = await prepareData(experiment.data, { seed: experiment.seed, baseDir: "." });
    const regularizers: unknown[] = [];
    const buildModel = experiment.buildModel;
    const definition = {
      ...experiment,
      buildModel: async (...args: Parameters<typeof buildModel>) => {
        const model = await buildModel(...args);
        regularizers.push(model.getLayer("hidden").getConfig()["kernelRegularizer"]);
        return model;
      },
    };
    const result = await runTuning(definition, data, () => undefined);

    expect(result.trials.map((trial) => trial.values)).toEqual([
      { "hidden.l2": 1e-4, "train.early_stopping.patience": 1 },
      { "hidden.l2": 1e-4, "train.early_stopping.patience": 3 },
      { "hidden.l2": 0.05, "train.early_stopping.patience": 1 },
      { "hidden.l2": 0.05, "train.early_stopping.patience": 3 },
    ]);
    expect(regularizers).toEqual(
      result.trials.map((trial) => ({ className: "L1L2", config: { l1: 0, l2: trial.values["hidden.l2"] } })),
    );
    expect(created).toHaveLength(4);
    result.trials.forEach((trial, index) => {
      const patience = trial.values["train.early_stopping.patience"] as number;
      const [stopping] = created[index]!.callbacks;
      expect(stopping).toBeInstanceOf(EarlyStopping);
      expect((stopping as EarlyStopping).stoppedEpoch).toBe(patience);
      expect(trial.epochs).toBe(patience + 1);
    });
  });
});
