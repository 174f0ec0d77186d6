/**
 * Every numeric hyperparameter is tunable: each numeric argument of every layer, optimizer,
 * schedule and callback, searched with `choice(a, b)`, checks clean and reaches the place
 * that uses it. For a layer argument, the model the generated program builds at a point
 * has the same TF.js layer config as the model written with that value; for a setting, the
 * program's stage specs at a point hold the value where the first point's value was.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../../compiler/program.js";
import type { StageSpec } from "../../../runtime/experiment.js";
import { applySearchValues, SearchSiteError } from "../../../runtime/tune.js";
import { loadExperiment } from "./load-program.js";
import { searchedLayerArguments, searchedSettings, type SearchedParameter } from "./tunable-fixtures.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  tf.enableProdMode();
});

/** The source with the search replaced by one written value and no `tune` section. */
function writtenAt(searched: SearchedParameter, value: number): string {
  return searched.source
    .replace(`choice(${searched.values[0]}, ${searched.values[1]})`, String(value))
    .replace(/ {2}tune \{[^}]*\}\n/, "");
}

/** The value at `path` of an object, or undefined. */
function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === "object" && node !== null ? (node as Record<string | number, unknown>)[key] : undefined,
    root,
  );
}

/**
 * A layer config with regularizers whose penalties are all 0 taken out: `l2: choice(0, …)`
 * at 0 builds an L2 regularizer of 0, which adds nothing to the loss, where `l2: 0` written
 * builds none. (TF.js's depthwise_conv2d serialises its regularizer as `depthwiseConstraint`.)
 */
function withoutZeroPenalties(config: tf.serialization.ConfigDict): tf.serialization.ConfigDict {
  const isZero = (value: unknown): boolean => {
    const regularizer = value as { className?: string; config?: Record<string, unknown> } | null;
    return (
      regularizer?.className === "L1L2" && Object.values(regularizer.config ?? {}).every((penalty) => penalty === 0)
    );
  };
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, isZero(value) ? null : value]));
}

const SETTINGS = searchedSettings();
const LAYER_ARGUMENTS = searchedLayerArguments();

describe("every numeric setting of train is tunable", () => {
  it("covers every optimizer, schedule and callback with a numeric argument", () => {
    expect(new Set(SETTINGS.map((searched) => searched.owner))).toEqual(
      new Set([
        "sgd",
        "adam",
        "rmsprop",
        "adagrad",
        "adamax",
        "step_decay",
        "exponential_decay",
        "cosine_decay",
        "warmup",
        "early_stopping",
        "reduce_lr_on_plateau",
      ]),
    );
  });

  for (const searched of SETTINGS) {
    it(`${searched.owner}(${searched.param.name}): the trial's stage spec holds the searched value`, () => {
      const checked = checkSource(searched.source, "input.dlm");
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const spaces = checked.plans[0]!.tune!.spaces;
      expect(spaces).toHaveLength(1);
      const site = spaces[0]!.site;
      if (site.kind !== "setting") throw new Error("expected a setting site");
      const experiment = loadExperiment(searched.source);
      expect(valueAt({ train: experiment.train }, site.path)).toBe(searched.values[0]);
      const trial = experiment.withHyperparameters!({ [spaces[0]!.name]: searched.values[1] });
      expect(valueAt(trial, site.path)).toBe(searched.values[1]);
      // The same stage as if the second value had been written.
      const written = loadExperiment(writtenAt(searched, searched.values[1]));
      expect(trial.train).toEqual(written.train);
    });
  }
});

describe("every numeric layer argument is tunable", () => {
  it("covers the layers with numeric arguments, `l2` of every layer that has it included", () => {
    const owners = new Set(LAYER_ARGUMENTS.map((searched) => `${searched.owner}.${searched.param.name}`));
    for (const expected of [
      "dense.units",
      "dense.l1",
      "dense.l2",
      "conv2d.l2",
      "conv2d.kernel",
      "dropout.rate",
      "batch_norm.momentum",
      "lstm.units",
      "upsample2d.size",
    ]) {
      expect(owners).toContain(expected);
    }
    expect(LAYER_ARGUMENTS.length).toBeGreaterThan(50);
  });

  for (const searched of LAYER_ARGUMENTS) {
    it(`${searched.owner}(${searched.param.name}): the trial's layer is the layer written with that value`, async () => {
      const experiment = loadExperiment(searched.source);
      const name = Object.keys(experiment.tune!.space)[0]!;
      for (const value of searched.values) {
        const trial = await experiment.buildModel({} as never, { [name]: value });
        const written = await loadExperiment(writtenAt(searched, value)).buildModel({} as never, {});
        expect(withoutZeroPenalties(trial.getLayer("searched").getConfig())).toEqual(
          withoutZeroPenalties(written.getLayer("searched").getConfig()),
        );
        trial.dispose();
        written.dispose();
      }
    });
  }
});

describe("applySearchValues", () => {
  const stage: StageSpec = {
    optimizer: { name: "sgd", learningRate: 0.01 },
    loss: "mse",
    metrics: [],
    epochs: 2,
    batchSize: 8,
    callbacks: [
      {
        kind: "early_stopping",
        monitor: "val_loss",
        patience: 2,
        minDelta: 0,
        mode: "auto",
        restoreBestWeights: false,
      },
    ],
  };

  it("fails loudly on a path that does not exist instead of writing onto the parent", () => {
    const apply = (path: ["train", ...(string | number)[]]) => () =>
      applySearchValues({ train: stage }, { x: 0.5 }, [{ name: "x", path }]);
    expect(apply(["train", "optimizer", "learning_rate"])).toThrow(SearchSiteError);
    expect(apply(["train", "optimizer", "learning_rate"])).toThrow(
      "cannot apply search value `x` at train.optimizer.learning_rate",
    );
    expect(apply(["train", "callbacks", 3, "patience"])).toThrow("`train.callbacks.3` does not exist");
    expect(apply(["train", "schedule", "factor"])).toThrow("`train.schedule` does not exist");
  });

  it("fails loudly when the value's type differs from the value it replaces", () => {
    expect(() =>
      applySearchValues({ train: stage }, { x: "adam" }, [{ name: "x", path: ["train", "optimizer", "learningRate"] }]),
    ).toThrow("it holds number, but the trial gives string adam");
  });
});
