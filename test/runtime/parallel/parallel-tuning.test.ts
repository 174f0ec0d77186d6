/**
 * `tune { parallel }`: what the checker accepts and lowers, how many trials `auto` runs at
 * once, and that trials trained in trial workers give the table trials one at a time give
 * (values, objective within 1e-6, epochs), with early stopping, a learning rate reduced on a
 * plateau, dropout, a conv net and augmentation (the main thread trains trial 1, a worker
 * trial 2, then each takes the next when free);
 * a trial that throws, or whose worker dies, fails the search naming the trial.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition, Hyperparameters, StageSpec } from "../../../runtime/experiment.js";
import { augmentationOf } from "../../../runtime/data/augment.js";
import type { AugmentStep } from "../../../runtime/data/spec.js";
import type { PreparedData, Split } from "../../../runtime/prepared-data.js";
import { chooseParallelTrials } from "../../../runtime/parallel/trial-count.js";
import { trialPoolEvents, type TrialPool } from "../../../runtime/parallel/trial-pool.js";
import { applySearchValues, formatTrialTable, runTuning, type TuningOptions, type TuningResult } from "../../../runtime/tune.js";
import { checkExperimentsIn, irisExperiment } from "../../compiler/experiments/checked-experiments.js";
import { loadExperiment } from "../../compiler/outcomes/load-program.js";
import { disposeData, pseudoRandom, tinyClassification, useCpuBackend } from "../train/fixtures.js";

const tuneWith = (parallel: string) => irisExperiment({ extra: `  tune { trials: 3, parallel: ${parallel} }\n` });

describe("the `parallel` setting of `tune`", () => {
  it("takes `auto` or a count into the plan, and is `auto` when not written", () => {
    for (const [written, expected] of [
      ["auto", "auto"],
      ["2", 2],
    ] as const) {
      const { experiments, reported } = checkExperimentsIn(tuneWith(written));
      expect(reported).toEqual([]);
      expect(experiments.plans[0]!.tune?.parallel).toBe(expected);
    }
    const unwritten = checkExperimentsIn(irisExperiment({ extra: "  tune { trials: 3 }\n" }));
    expect(unwritten.experiments.plans[0]!.tune?.parallel).toBe("auto");
  });

  it("rejects anything else on the value: DLM302 below 1, DLM301 for another type", () => {
    for (const [written, code, message] of [
      ["0", "DLM302", "`parallel` of tune must be ≥ 1, found 0"],
      ["fast", "DLM301", "`parallel` of tune expects `auto` or a whole number ≥ 1, found the name `fast`"],
    ] as const) {
      const { reported } = checkExperimentsIn(tuneWith(written));
      expect(reported).toEqual([expect.objectContaining({ code, marked: written })]);
      expect(reported[0]!.message).toContain(message);
    }
  });

  it("reaches the generated program's tune spec", () => {
    expect(loadExperiment(tuneWith("2")).tune?.parallel).toBe(2);
  });
});

describe("chooseParallelTrials", () => {
  it("auto takes the cores, one per trial at most; a count is capped at the trials; tfjs-node stays at one", () => {
    expect(chooseParallelTrials("auto", 6, "wasm", 2)).toEqual({ trials: 2, reason: "auto: 2 cores" });
    expect(chooseParallelTrials("auto", 3, "cpu", 8).trials).toBe(3);
    expect(chooseParallelTrials("auto", 6, "wasm", 1).trials).toBe(1);
    expect(chooseParallelTrials(4, 2, "wasm", 8)).toEqual({ trials: 2, reason: "asked for 4, one per trial at most" });
    expect(chooseParallelTrials(2, 6, "node", 8).trials).toBe(1);
    // The runtime's API without the setting: one at a time, as before `parallel` existed.
    expect(chooseParallelTrials(undefined, 6, "wasm", 8).trials).toBe(1);
  });
});

/** A search definition whose `tune.parallel` is left for each run to set. */
function searchOver(
  stage: StageSpec,
  buildModel: ExperimentDefinition["buildModel"],
  space: NonNullable<ExperimentDefinition["tune"]>["space"],
  extra: Partial<ExperimentDefinition> = {},
): ExperimentDefinition {
  const definition: ExperimentDefinition = {
    name: "search",
    sourceFile: "search.dlm",
    baseDir: ".",
    seed: 11,
    backend: "cpu",
    data: { source: { kind: "builtin", name: "iris" } },
    buildModel,
    train: stage,
    // A continuous objective, so "within 1e-6" compares more than a count of right answers.
    tune: { trials: 4, objective: "val_loss", strategy: "grid", space },
    evaluate: { on: "validation", metrics: ["accuracy"] },
    withHyperparameters: (hyperparameters) =>
      applySearchValues({ train: definition.train }, hyperparameters, [
        { name: "train.optimizer.learning_rate", path: ["train", "optimizer", "learningRate"] },
      ]),
    ...extra,
  };
  return definition;
}

/** Runs the search with `parallel` set; returns the result, what it said, and the trials sent to workers. */
async function searchWith(
  definition: ExperimentDefinition,
  data: PreparedData,
  parallel: number | "auto",
  options: TuningOptions = {},
): Promise<{ result: TuningResult; lines: string[]; inWorkers: number[] }> {
  const lines: string[] = [];
  const inWorkers: number[] = [];
  const dispatched = ({ trial }: { trial: number }) => inWorkers.push(trial);
  trialPoolEvents.on("dispatch", dispatched);
  try {
    const result = await runTuning(
      { ...definition, tune: { ...definition.tune!, parallel } },
      data,
      (line) => lines.push(line),
      options,
    );
    return { result, lines, inWorkers };
  } finally {
    trialPoolEvents.off("dispatch", dispatched);
  }
}

/** The two searches' tables agree: the same points, epochs and best trial, objectives within 1e-6. */
function expectSameTable(parallel: TuningResult, sequential: TuningResult): void {
  expect(parallel.trials.map((trial) => [trial.trial, trial.values, trial.epochs])).toEqual(
    sequential.trials.map((trial) => [trial.trial, trial.values, trial.epochs]),
  );
  parallel.trials.forEach((trial, index) => {
    expect(Math.abs(trial.objectiveValue - sequential.trials[index]!.objectiveValue)).toBeLessThan(1e-6);
  });
  expect(parallel.best.trial).toBe(sequential.best.trial);
  expect(formatTrialTable(parallel)).toEqual(formatTrialTable(sequential));
}

describe("trials in parallel", () => {
  beforeAll(useCpuBackend);

  const data = tinyClassification(60, 30);
  afterAll(() => disposeData(data));

  /** A dense classifier with dropout, its hidden width from the trial. */
  const denseModel = async (_info: unknown, hyperparameters: Hyperparameters): Promise<tf.LayersModel> => {
    const inputs = tf.input({ shape: [2] });
    const hidden = tf.layers
      .dense({ units: Number(hyperparameters["hidden.units"] ?? 4), activation: "relu" })
      .apply(inputs);
    const dropped = tf.layers.dropout({ rate: 0.2 }).apply(hidden);
    const outputs = tf.layers.dense({ units: 3, activation: "softmax" }).apply(dropped) as tf.SymbolicTensor;
    return tf.model({ inputs, outputs });
  };

  const stage: StageSpec = {
    optimizer: { name: "adam", learningRate: 0.01 },
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
    epochs: 20,
    batchSize: 8,
    callbacks: [
      {
        kind: "early_stopping",
        monitor: "val_loss",
        patience: 2,
        minDelta: 0.01,
        mode: "auto",
        restoreBestWeights: false,
      },
      {
        kind: "reduce_lr_on_plateau",
        monitor: "val_loss",
        factor: 0.5,
        patience: 1,
        minLr: 0,
        minDelta: 0.01,
        mode: "auto",
      },
    ],
  };
  const search = searchOver(stage, denseModel, {
    "hidden.units": { kind: "choice", values: [4, 16] },
    "train.optimizer.learning_rate": { kind: "choice", values: [0.003, 0.05] },
  });

  it("two at a time (this thread and a worker) give the table of one trial at a time, early stopping included", async () => {
    const sequential = await searchWith(search, data, 1);
    const parallel = await searchWith(search, data, 2);
    expect(parallel.lines).toContain("dlm: 2 trials at a time (as asked)");
    // The main thread takes trial 1, the worker trial 2, then each the next when free.
    expect(parallel.inWorkers).toContain(2);
    expect(sequential.lines.some((line) => line.includes("at a time"))).toBe(false);
    expect(sequential.inWorkers).toEqual([]);
    expectSameTable(parallel.result, sequential.result);
    // Early stopping ended trials at different epochs, so the epochs compared are each trial's own.
    const epochs = new Set(sequential.result.trials.map((trial) => trial.epochs));
    expect(epochs.size).toBeGreaterThan(1);
    expect(Math.min(...epochs)).toBeLessThan(stage.epochs);
    // Every trial said its line once, whatever order they finished in.
    expect(parallel.lines.filter((line) => line.startsWith("dlm: trial ")).sort()).toEqual(
      sequential.lines.filter((line) => line.startsWith("dlm: trial ")).sort(),
    );
  });

  it("auto trains trial 1 here and the rest in workers once trial 1 proves long enough, with the same table", async () => {
    const sequential = await searchWith(search, data, 1);
    const auto = await searchWith(search, data, "auto", { autoMinTrialSeconds: 0 });
    expect(auto.lines[0]).toMatch(/^dlm: trial 1 first, then 2 trials at a time if it takes 0 s or more \(auto: /);
    expect(auto.inWorkers.length).toBeGreaterThan(0);
    expect(auto.inWorkers).not.toContain(1);
    expectSameTable(auto.result, sequential.result);
  });

  it("auto keeps short trials on this thread, saying how long trial 1 took", async () => {
    const sequential = await searchWith(search, data, 1);
    const auto = await searchWith(search, data, "auto", { autoMinTrialSeconds: 600 });
    expect(auto.lines).toContainEqual(
      expect.stringMatching(/^dlm: the other trials run one at a time \(auto: trial 1 took \d+\.\d s, under the 600 s that repay starting a trial worker\)$/),
    );
    expect(auto.inWorkers).toEqual([]);
    expectSameTable(auto.result, sequential.result);
  });

  it("a small conv net on augmented images: the worker rebuilds the augmentation from the steps", async () => {
    const steps: AugmentStep[] = [
      { kind: "flip", mode: "vertical" },
      { kind: "noise", stddev: 0.1 },
    ];
    const images = tinyImages(steps);
    const convModel = async (_info: unknown, hyperparameters: Hyperparameters): Promise<tf.LayersModel> =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [6, 6, 1],
            filters: Number(hyperparameters["conv.filters"] ?? 2),
            kernelSize: 3,
            activation: "relu",
          }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, activation: "softmax" }),
        ],
      });
    const conv = searchOver(
      { ...stage, epochs: 4, callbacks: [] },
      convModel,
      {
        "conv.filters": { kind: "choice", values: [2, 3] },
        "train.optimizer.learning_rate": { kind: "choice", values: [0.01, 0.05] },
      },
      { data: { source: { kind: "builtin", name: "mnist" }, augment: steps } },
    );
    try {
      const sequential = await searchWith(conv, images, 1);
      const parallel = await searchWith(conv, images, 2);
      expect(parallel.lines).toContain("dlm: 2 trials at a time (as asked)");
      expect(parallel.inWorkers).toContain(2);
      expectSameTable(parallel.result, sequential.result);
      // Without the augmentation the losses differ: a worker that skipped it could not have matched.
      const { augment: _, ...plain } = images;
      const unaugmented = await searchWith({ ...conv, data: { source: { kind: "builtin", name: "mnist" } } }, plain, 1);
      unaugmented.result.trials.forEach((trial, index) => {
        expect(Math.abs(trial.objectiveValue - parallel.result.trials[index]!.objectiveValue)).toBeGreaterThan(1e-4);
      });
    } finally {
      disposeData(images);
    }
  });

  it("a model a worker cannot rebuild trains on the main thread afterwards, with the same table", async () => {
    const custom = async (info: unknown, hyperparameters: Hyperparameters): Promise<tf.LayersModel> => {
      const model = await denseModel(info, hyperparameters);
      const doubled = new TimesTwo({}).apply(model.outputs[0]!) as tf.SymbolicTensor;
      return tf.model({ inputs: model.inputs, outputs: doubled });
    };
    const definition = searchOver({ ...stage, epochs: 3, callbacks: [] }, custom, search.tune!.space);
    const sequential = await searchWith(definition, data, 1);
    const parallel = await searchWith(definition, data, 2);
    expect(parallel.inWorkers).toContain(2);
    expect(parallel.lines.find((line) => line.startsWith("dlm: trial 2 trains on the main thread"))).toMatch(
      /^dlm: trial 2 trains on the main thread: its model could not move to a worker \(.*TimesTwo/,
    );
    expectSameTable(parallel.result, sequential.result);
  });

  it("an augmentation `augment { }` does not describe keeps the trials on this thread", async () => {
    const steps: AugmentStep[] = [{ kind: "flip", mode: "vertical" }];
    const images = tinyImages(steps);
    const lines: string[] = [];
    const definition = searchOver(
      { ...stage, epochs: 1, callbacks: [] },
      async () =>
        tf.sequential({
          layers: [tf.layers.flatten({ inputShape: [6, 6, 1] }), tf.layers.dense({ units: 2, activation: "softmax" })],
        }),
      { "train.optimizer.learning_rate": { kind: "choice", values: [0.01, 0.05] } },
    );
    try {
      const result = await runTuning(
        { ...definition, tune: { ...definition.tune!, trials: 2, parallel: 2 } },
        images,
        (line) => lines.push(line),
      );
      expect(lines).toContain(
        "dlm: trials run one at a time: the data's augmentation is not the one `augment { }` describes",
      );
      expect(result.trials).toHaveLength(2);
    } finally {
      disposeData(images);
    }
  });

  describe("a failing trial", () => {
    let crash: ((event: { pool: TrialPool; thread: number; trial: number }) => void) | undefined;
    afterEach(() => {
      if (crash !== undefined) trialPoolEvents.off("dispatch", crash);
      crash = undefined;
    });

    it("one that throws in its worker fails the search, naming the trial and why", async () => {
      const failing = searchOver(stage, denseModel, search.tune!.space, {
        withHyperparameters: (hyperparameters) => {
          const parts = applySearchValues({ train: stage }, hyperparameters, [
            { name: "train.optimizer.learning_rate", path: ["train", "optimizer", "learningRate"] },
          ]);
          // The second point (the first a worker takes) has an optimizer no runtime has.
          const second =
            hyperparameters["hidden.units"] === 4 && hyperparameters["train.optimizer.learning_rate"] === 0.05;
          return second
            ? { train: { ...parts.train, optimizer: { name: "nope" as "adam", learningRate: 0.01 } } }
            : parts;
        },
      });
      await expect(searchWith(failing, data, 2)).rejects.toThrow(
        "tuning: trial 2 failed in its worker: no optimizer named `nope` in this runtime",
      );
    });

    it("one whose worker dies fails the search, naming the trial", async () => {
      crash = ({ pool, thread, trial }) => {
        if (trial === 2) void pool.crashThread(thread);
      };
      trialPoolEvents.on("dispatch", crash);
      await expect(searchWith(search, data, 2)).rejects.toThrow(
        /^tuning: trial 2 stopped: its worker's thread exited with code \d+$/,
      );
    });
  });
});

/** A layer class only the test's thread registers: a trial worker cannot rebuild a model that has it. */
class TimesTwo extends tf.layers.Layer {
  static readonly className = "TimesTwo";

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
  }
}
tf.serialization.registerClass(TimesTwo);

/** Two classes of 6×6 grey images (a bright left or right half, with noise), augmented by `steps`. */
function tinyImages(steps: readonly AugmentStep[]): PreparedData {
  const info = {
    task: "classification",
    featureShape: [6, 6, 1],
    classes: ["left", "right"],
    modality: "image",
  } as const;
  const split = (size: number, salt: number): Split => {
    const pixels: number[] = [];
    for (let i = 0; i < size; i++) {
      for (let row = 0; row < 6; row++) {
        for (let column = 0; column < 6; column++) {
          const bright = column < 3 === (i % 2 === 0);
          pixels.push((bright ? 0.8 : 0.2) + 0.2 * (pseudoRandom(i, row * 6 + column, salt) - 0.5));
        }
      }
    }
    const labels = Array.from({ length: size }, (_, i) => i % 2);
    return { x: tf.tensor4d(pixels, [size, 6, 6, 1]), y: tf.tensor1d(labels, "int32"), size };
  };
  const augment = augmentationOf(steps, info);
  return {
    info,
    train: split(24, 5),
    validation: split(12, 6),
    preprocessing: { normalize: { kind: "none" } },
    ...(augment === undefined ? {} : { augment }),
  };
}
