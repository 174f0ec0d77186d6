import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkExperiments } from "../../../compiler/experiments/check-experiments.js";
import { nodeCompilerHost } from "../../../compiler/host.js";
import { checkProgram } from "../../../compiler/program.js";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

describe("plans carry the runtime's types with defaults filled in", () => {
  it("fills seed, backend, optimizer, batch size, metrics, callbacks and evaluate", () => {
    const text = 'experiment iris { data { source: builtin("iris") } model { dense(3, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 4 } }';
    const plan = checkExperimentsIn(text).experiments.plans[0]!;
    expect(plan.seed).toBe(0);
    expect(plan.backend).toBe("auto");
    expect(plan.data).toEqual({ source: { kind: "builtin", name: "iris" } });
    expect(plan.train).toEqual({
      optimizer: { name: "adam", learningRate: 0.001 },
      loss: "sparse_categorical_crossentropy",
      metrics: [],
      epochs: 4,
      batchSize: 32,
      callbacks: [],
    });
    // No split written: the default leaves 0.2 for test.
    expect(plan.evaluate).toEqual({ on: "test", metrics: [] });
    expect(plan.export).toBeUndefined();
    expect(plan.fineTune).toBeUndefined();
    expect(plan.tune).toBeUndefined();
  });

  it("writes optimizer, schedule, callbacks and settings in camelCase, with each optimizer's default rate", () => {
    const text = irisExperiment({
      train:
        "optimizer: sgd(momentum: 0.9, nesterov: true)\n    schedule: step_decay(every: 10)\n    loss: sparse_categorical_crossentropy\n    metrics: [accuracy]\n" +
        "    epochs: 20\n    batch_size: 8\n    validation_batch_size: 64\n    shuffle: false\n" +
        '    callbacks {\n      early_stopping(patience: 3, restore_best_weights: true)\n      model_checkpoint("ck", monitor: val_accuracy)\n' +
        '      reduce_lr_on_plateau(factor: 0.5)\n      csv_logger("log.csv")\n      terminate_on_nan\n      progress(bar: false)\n    }',
      extra: '  seed: 7\n  backend: wasm\n  export: "out/iris"\n  evaluate { metrics: [accuracy, f1], average: weighted, report: "r.md" }\n',
    });
    const { experiments, reported } = checkExperimentsIn(text);
    expect(reported).toEqual([]);
    const plan = experiments.plans[0]!;
    expect([plan.seed, plan.backend, plan.export]).toEqual([7, "wasm", "out/iris"]);
    expect(plan.train).toEqual({
      optimizer: { name: "sgd", learningRate: 0.01, momentum: 0.9, nesterov: true },
      schedule: { kind: "step_decay", every: 10, factor: 0.5 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      epochs: 20,
      batchSize: 8,
      validationBatchSize: 64,
      shuffle: false,
      callbacks: [
        { kind: "early_stopping", monitor: "val_loss", patience: 3, minDelta: 0, mode: "auto", restoreBestWeights: true },
        { kind: "model_checkpoint", path: "ck", monitor: "val_accuracy", saveBestOnly: true, mode: "auto" },
        { kind: "reduce_lr_on_plateau", monitor: "val_loss", factor: 0.5, patience: 10, minLr: 0, minDelta: 1e-4, mode: "auto" },
        { kind: "csv_logger", path: "log.csv" },
        { kind: "terminate_on_nan" },
        { kind: "progress", bar: false },
      ],
    });
    expect(plan.evaluate).toEqual({ on: "test", metrics: ["accuracy", "f1"], average: "weighted", report: "r.md" });
  });

  it("lowers data settings to DataSpec", () => {
    const text =
      'experiment m { data { source: builtin("mnist") limit: 100 split { validation: 0.1, shuffle: false } normalize: scale(1 / 255) missing: drop ' +
      "augment { crop(size: [24, 24], padding: 2) translate(2) zoom(0.1) brightness(0.1) contrast(0.2) noise(0.05) flip(both) } } " +
      "model { flatten dense(10, activation: softmax) } train { loss: categorical_crossentropy, epochs: 1 } }";
    const plan = checkExperimentsIn(text).experiments.plans[0]!;
    expect(plan.data).toEqual({
      source: { kind: "builtin", name: "mnist" },
      limit: 100,
      split: { validation: 0.1, shuffle: false },
      normalize: { kind: "scale", factor: 1 / 255 },
      missing: "drop",
      augment: [
        { kind: "crop", size: [24, 24], padding: 2 },
        { kind: "translate", pixels: 2 },
        { kind: "zoom", range: 0.1 },
        { kind: "brightness", delta: 0.1 },
        { kind: "contrast", range: 0.2 },
        { kind: "noise", stddev: 0.05 },
        { kind: "flip", mode: "both" },
      ],
    });
    // MNIST keeps its own test split.
    expect(plan.evaluate.on).toBe("test");
  });

  it("fine_tune takes what it does not write from train, except callbacks", () => {
    const text =
      'model Base(input: [4]) { hidden = dense(8, activation: relu) dense(3, activation: softmax) }\nexperiment base { data { source: builtin("iris") } model: Base train { loss: sparse_categorical_crossentropy, epochs: 1 } export: "out/base" }\n' +
      'experiment tuned { data { source: builtin("iris") split { validation: 0.2 } } model { pretrained("out/base", until: hidden) dense(3, activation: softmax) }\n' +
      "  train { optimizer: sgd(learning_rate: 0.1), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 6, batch_size: 4, callbacks { early_stopping(patience: 1) } }\n" +
      "  fine_tune { unfreeze: last(1), epochs: 2 }\n}";
    const { experiments, reported } = checkExperimentsIn(text);
    expect(reported).toEqual([]);
    expect(experiments.plans[1]?.fineTune).toEqual({
      optimizer: { name: "sgd", learningRate: 0.1 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      epochs: 2,
      batchSize: 4,
      callbacks: [],
      unfreeze: { last: 1 },
    });
  });
});

describe("tune experiments", () => {
  it("records each search space with its site in the stage specs; the plan holds the first point", () => {
    const text = irisExperiment({
      train:
        "optimizer: sgd(learning_rate: log_range(1e-4, 1e-2), momentum: range(0, 0.9))\n    loss: sparse_categorical_crossentropy\n    metrics: [accuracy]\n" +
        "    epochs: 5\n    batch_size: choice(16, 32)\n    callbacks { early_stopping(patience: range(2, 6)) }",
      extra: "  tune { trials: 4, objective: val_accuracy, strategy: grid, max_epochs: 3 }\n",
    });
    const { experiments, reported } = checkExperimentsIn(text);
    expect(reported).toEqual([]);
    const plan = experiments.plans[0]!;
    expect(plan.tune?.trials).toBe(4);
    expect(plan.tune?.objective).toBe("val_accuracy");
    expect(plan.tune?.strategy).toBe("grid");
    expect(plan.tune?.maxEpochs).toBe(3);
    expect(plan.tune?.spaces.map((space) => [space.name, space.space, space.site])).toEqual([
      ["train.optimizer.learning_rate", { kind: "log_range", lo: 1e-4, hi: 1e-2 }, { kind: "setting", path: ["train", "optimizer", "learningRate"] }],
      ["train.optimizer.momentum", { kind: "range", lo: 0, hi: 0.9, integer: false }, { kind: "setting", path: ["train", "optimizer", "momentum"] }],
      ["train.batch_size", { kind: "choice", values: [16, 32] }, { kind: "setting", path: ["train", "batchSize"] }],
      ["train.early_stopping.patience", { kind: "range", lo: 2, hi: 6, integer: true }, { kind: "setting", path: ["train", "callbacks", 0, "patience"] }],
    ]);
    expect(plan.train.optimizer).toEqual({ name: "sgd", learningRate: 1e-4, momentum: 0 });
    expect(plan.train.batchSize).toBe(16);
    const spaceText = text.slice(plan.tune!.spaces[2]!.range.start, plan.tune!.spaces[2]!.range.end);
    expect(spaceText).toBe("choice(16, 32)");
  });

  it("defaults the objective to val_loss, the strategy to random and parallel to auto", () => {
    const plan = checkExperimentsIn(irisExperiment({ extra: "  tune { trials: 3 }\n" })).experiments.plans[0]!;
    expect(plan.tune).toEqual({ trials: 3, objective: "val_loss", strategy: "random", parallel: "auto", spaces: [] });
  });
});

describe("a five-error experiment", () => {
  it("reports all five in one run", () => {
    const text =
      "experiment five {\n" +
      '  data { source: builtin("irsi") }\n' +
      "  model { dense(3, activation: softmax) }\n" +
      "  train {\n    optimizer: adma\n    loss: sparse_categorical_crossentropy\n    metrics: [acuracy]\n    epochs: 0\n    batchsize: 16\n  }\n}\n";
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported.map((r) => [r.code, r.marked])).toEqual([
      ["DLM215", '"irsi"'],
      ["DLM204", "adma"],
      ["DLM204", "acuracy"],
      ["DLM302", "0"],
      ["DLM203", "batchsize"],
    ]);
    expect(experiments.plans).toEqual([]);
  });
});

describe("samples", () => {
  const host = nodeCompilerHost();
  const expected: Record<string, readonly [string, readonly (number | null)[], readonly (number | null)[]][]> = {
    "boston_housing.dlm": [["boston_housing", [13], [1]]],
    "fashion_mnist.dlm": [["fashion_mnist", [28, 28, 1], [10]]],
    "iris.dlm": [["iris", [4], [3]]],
    "mnist.dlm": [["mnist", [28, 28, 1], [10]]],
    "spam.dlm": [["spam", [300], [1]]],
    "tune_iris.dlm": [["tune_iris", [4], [3]]],
    "transfer_fashion.dlm": [
      ["pretrained_fashion", [96, 96, 3], [10]],
      ["scratch_fashion", [96, 96, 3], [10]],
    ],
    "transfer_digits.dlm": [
      ["pretrain_low_digits", [28, 28, 1], [5]],
      ["finetune_high_digits", [28, 28, 1], [5]],
      ["scratch_high_digits", [28, 28, 1], [5]],
    ],
  };
  const samples = readdirSync("samples").filter((name) => name.endsWith(".dlm")).sort();

  it("lists every sample here", () => {
    expect(samples).toEqual(Object.keys(expected).sort());
  });

  for (const name of samples) {
    it(`${name} checks without errors and plans its models`, () => {
      const file = `samples/${name}`;
      const result = checkProgram([file], host);
      const { plans, diagnostics } = checkExperiments(result, host);
      expect([...result.diagnostics, ...diagnostics].filter((diagnostic) => diagnostic.severity === "error")).toEqual([]);
      expect(plans.map((plan) => [plan.name, plan.model.input, plan.model.output])).toEqual(expected[name]);
    });
  }

  it("transfer_digits fine-tunes the exported model without it on disk", () => {
    const file = "samples/transfer_digits.dlm";
    const virtualHost = { ...host, readFile: (path: string) => (path.includes("exports") ? undefined : host.readFile(path)) };
    const { plans } = checkExperiments(checkProgram([file], virtualHost), virtualHost);
    const finetune = plans.find((plan) => plan.name === "finetune_high_digits")!;
    // the pretrained convolutional features (12 × 12 × 32 after flatten) and a new head
    expect(finetune.model.layers.map((layer) => [layer.kind, layer.output])).toEqual([
      ["pretrained", [4608]],
      ["dense", [128]],
      ["dropout", [128]],
      ["dense", [5]],
    ]);
    expect(finetune.fineTune?.unfreeze).toBe("all");
    // the base is frozen while the head trains: only the two dense layers count
    expect(finetune.model.trainableParams).toBe(4608 * 128 + 128 + 128 * 5 + 5);
  });
});
