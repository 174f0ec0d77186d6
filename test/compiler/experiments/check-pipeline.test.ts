import { describe, expect, it } from "vitest";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

const model = (layers: string): string => `model Mlp { ${layers} }\n`;
const train = (lines: string): string => `loss: sparse_categorical_crossentropy\n    epochs: 3\n    ${lines}`;

describe("DLM501 loss against the last activation", () => {
  it("rejects softmax with binary_crossentropy", () => {
    const { reported, experiments } = checkExperimentsIn(irisExperiment({ train: "loss: binary_crossentropy\n    epochs: 3" }));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM501", marked: "binary_crossentropy" })]);
    expect(reported[0]?.message).toContain("does not fit the last activation `softmax`");
    expect(experiments.diagnostics[0]?.related?.[0]?.message).toBe("the output goes through `softmax` here");
  });

  it("rejects sigmoid with (sparse) categorical crossentropy", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ model: model("dense(3, activation: sigmoid)") }));
    expect(reported.map((r) => [r.code, r.marked])).toEqual([["DLM501", "sparse_categorical_crossentropy"]]);
  });

  it("rejects a linear output with a crossentropy, looking past dropout", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ model: model("dense(3) dropout(0.2)") }));
    expect(reported[0]?.message).toBe(
      "loss `sparse_categorical_crossentropy` does not fit the last activation `linear`: sparse_categorical_crossentropy expects probabilities, but the model ends with `linear`",
    );
  });

  it("reads trailing activation layers, bare or written out", () => {
    expect(checkExperimentsIn(irisExperiment({ model: model("dense(3) softmax") })).reported).toEqual([]);
    expect(checkExperimentsIn(irisExperiment({ model: model("dense(3) activation(softmax)") })).reported).toEqual([]);
    expect(checkExperimentsIn(irisExperiment({ model: model("dense(3) activation(relu)") })).reported.map((r) => r.code)).toEqual(["DLM501"]);
  });
});

describe("DLM507 setting against the task", () => {
  it("rejects a regression loss on classes and a classification loss on targets", () => {
    const classes = checkExperimentsIn(irisExperiment({ train: "loss: mse\n    epochs: 3" }));
    expect(classes.reported).toEqual([
      expect.objectContaining({
        code: "DLM507",
        marked: "mse",
        message: "loss `mse` is for regression, but the data is a classification task with 3 classes (setosa, versicolor, virginica)",
      }),
    ]);
    const targets = checkExperimentsIn(
      'experiment b { data { source: builtin("boston_housing") } model { dense(1) } train { loss: sparse_categorical_crossentropy, epochs: 1, class_weight: balanced } }',
    );
    expect(targets.reported.map((r) => [r.code, r.marked])).toEqual([
      ["DLM507", "sparse_categorical_crossentropy"],
      ["DLM507", "balanced"],
    ]);
  });
});

describe("DLM508 metrics against the task", () => {
  it("rejects regression metrics on classes and confusion_matrix per epoch", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ train: train("metrics: [accuracy, rmse, confusion_matrix]") }));
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM508", "rmse", "metric `rmse` is for regression, but the data is a classification task"],
      ["DLM508", "confusion_matrix", "`confusion_matrix` is not a number per epoch: only `evaluate` computes it"],
    ]);
  });

  it("checks evaluate's metrics too", () => {
    const text = 'experiment b { data { source: builtin("boston_housing") } model { dense(1) } train { loss: mse, epochs: 1 } evaluate { metrics: [r2, accuracy] } }';
    expect(checkExperimentsIn(text).reported).toEqual([expect.objectContaining({ code: "DLM508", marked: "accuracy" })]);
  });
});

describe("DLM220 class weights", () => {
  it("accepts class names and ids, and marks other keys", () => {
    const { reported, experiments } = checkExperimentsIn(irisExperiment({ train: train("class_weight: { setosa: 2, 2: 1.5, virginca: 3 }") }));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM220", marked: "virginca", help: "did you mean `virginica`?" })]);
    expect(experiments.plans).toEqual([]);
    const good = checkExperimentsIn(irisExperiment({ train: train("class_weight: { setosa: 2, 2: 1.5 }") }));
    expect(good.experiments.plans[0]?.train.classWeight).toEqual({ setosa: 2, "2": 1.5 });
  });
});

describe("DLM502 monitored values", () => {
  it("needs a validation split for val_ names, including the default monitor", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")', train: train("callbacks { early_stopping() reduce_lr_on_plateau(monitor: val_loss) }") });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM502", "early_stopping()", "`early_stopping` monitors `val_loss` by default, which is never logged: the data has no validation split"],
      ["DLM502", "val_loss", "monitored value `val_loss` is never logged: the data has no validation split"],
    ]);
  });

  it("needs the metric in the stage's metrics", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ train: train('callbacks { model_checkpoint("ck", monitor: val_accuracy) }') }));
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM502",
        marked: "val_accuracy",
        message: "monitored value `val_accuracy` is never logged: `accuracy` is not in the metrics of `train`",
        help: "add `accuracy` to `metrics: [...]` of `train`",
      }),
    ]);
  });

  it("suggests a logged name for a typo or a Keras alias", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ train: train("metrics: [accuracy]\n    callbacks { early_stopping(monitor: val_los) early_stopping(monitor: val_acc) }") }));
    expect(reported.map((r) => r.help)).toEqual(["did you mean `val_loss`?", "did you mean `val_accuracy`?"]);
  });

  it("accepts loss, lr and metrics with their val_ forms", () => {
    const text = irisExperiment({ train: train("metrics: [f1]\n    callbacks { early_stopping(monitor: val_f1) reduce_lr_on_plateau(monitor: loss) early_stopping(monitor: lr) }") });
    expect(checkExperimentsIn(text).reported).toEqual([]);
  });

  it("checks the tune objective", () => {
    const text = irisExperiment({ train: train(""), extra: "  tune { trials: 2, objective: val_accuracy }\n" });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM502", marked: "val_accuracy", message: "objective `val_accuracy` is never logged: `accuracy` is not in the metrics of `train`" }),
    ]);
  });
});

describe("DLM509 evaluated split", () => {
  it("rejects evaluating on a split that does not exist", () => {
    const noValidation = checkExperimentsIn(irisExperiment({ data: 'source: builtin("iris")', extra: "  evaluate { on: validation }\n" }));
    expect(noValidation.reported).toEqual([expect.objectContaining({ code: "DLM509", marked: "validation" })]);
    const noTest = checkExperimentsIn(
      irisExperiment({ data: 'source: builtin("iris")\n    split { train: 0.8, validation: 0.2 }', extra: "  evaluate { on: test }\n" }),
    );
    expect(noTest.reported).toEqual([expect.objectContaining({ code: "DLM509", marked: "test" })]);
  });

  it("defaults to validation when the split leaves no test examples", () => {
    const plan = checkExperimentsIn(irisExperiment({ data: 'source: builtin("iris")\n    split { train: 0.8, validation: 0.2 }' })).experiments.plans[0];
    expect(plan?.evaluate).toEqual({ on: "validation", metrics: ["accuracy"] });
  });
});

describe("DLM505 search spaces", () => {
  it("rejects search spaces outside a tune experiment", () => {
    const text = irisExperiment({ train: "optimizer: adam(learning_rate: log_range(1e-4, 1e-2))\n    loss: sparse_categorical_crossentropy\n    epochs: choice(3, 5)" });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM505", "log_range(1e-4, 1e-2)", "search space `log_range(…)` outside a `tune` experiment"],
      ["DLM505", "choice(3, 5)", "search space `choice(…)` outside a `tune` experiment"],
    ]);
  });

  it("rejects them where a trial cannot vary them, and checks every point", () => {
    const text = irisExperiment({
      data: 'source: builtin("iris")\n    limit: choice(10, 20)\n    split { validation: 0.2 }',
      train: "optimizer: adam(learning_rate: range(1e-2, 1e-4))\n    loss: sparse_categorical_crossentropy\n    epochs: 5\n    batch_size: choice(16, 2.5)\n    shuffle: range(0, 1)",
      extra: "  tune { trials: 2 }\n",
    });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked])).toEqual([
      ["DLM505", "choice(10, 20)"],
      ["DLM302", "range(1e-2, 1e-4)"],
      ["DLM301", "2.5"],
      ["DLM301", "range(0, 1)"],
    ]);
  });
});
