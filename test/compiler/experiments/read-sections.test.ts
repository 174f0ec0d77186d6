import { describe, expect, it } from "vitest";
import { checkExperimentsIn, codesOf, irisExperiment } from "./checked-experiments.js";

const withTrain = (train: string): string => irisExperiment({ train });

describe("DLM203 unknown setting or section", () => {
  it("marks a misspelt setting and suggests the schema's name", () => {
    const { reported } = checkExperimentsIn(withTrain("loss: sparse_categorical_crossentropy\n    epochs: 5\n    batchsize: 16"));
    expect(reported).toEqual([
      expect.objectContaining({ code: "DLM203", marked: "batchsize", message: "unknown setting `batchsize` in `train`", help: "did you mean `batch_size`?" }),
    ]);
  });

  it("says which section a misplaced setting belongs to", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ data: 'source: builtin("iris")\n    epochs: 3' }));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM203", marked: "epochs", help: "`epochs` belongs in `train`" })]);
  });

  it("marks an unknown section and a call that cannot stand alone", () => {
    const text = irisExperiment({
      train: "loss: sparse_categorical_crossentropy\n    epochs: 5\n    callback { }\n    early_stopping(patience: 2)",
    });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM203", marked: "callback", help: "did you mean `callbacks`?" }),
      expect.objectContaining({ code: "DLM203", marked: "early_stopping", help: "a callback belongs in `callbacks { … }`" }),
    ]);
  });

  it("rejects an inline model inside a section", () => {
    const text = 'experiment e { data { source: builtin("iris") } train { loss: mse, epochs: 1 model { dense(1) } } }';
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked])).toContainEqual(["DLM203", "model"]);
  });
});

describe("DLM301 setting written as a section and the reverse", () => {
  it("tells a section from a setting", () => {
    const text = 'experiment e { data: builtin("iris") model { dense(3) } train { loss { } epochs: 1 } }';
    const reported = checkExperimentsIn(text).reported;
    expect(reported).toContainEqual(expect.objectContaining({ code: "DLM301", marked: "data", help: "write `data { … }`" }));
    expect(reported).toContainEqual(expect.objectContaining({ code: "DLM301", marked: "loss", help: "write `loss: …`" }));
  });
});

describe("DLM218 written twice", () => {
  it("marks the second setting", () => {
    const { reported } = checkExperimentsIn(withTrain("loss: sparse_categorical_crossentropy\n    epochs: 5\n    epochs: 8"));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM218", marked: "epochs", message: "setting `epochs` is written twice in `train`" })]);
    expect(reported[0]?.marked).toBe("epochs");
  });

  it("marks a second model, given by name and inline", () => {
    const text = irisExperiment({ extra: "  model { dense(3, activation: softmax) }\n" });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM218", marked: "model", message: "the model is written twice in experiment `iris`" }),
    ]);
  });

  it("marks a section written twice and a metric listed twice", () => {
    const text = irisExperiment({ train: "loss: sparse_categorical_crossentropy\n    metrics: [accuracy, accuracy]\n    epochs: 5", extra: "  train { epochs: 1 }\n" });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked])).toEqual([
      ["DLM218", "accuracy"],
      ["DLM218", "train"],
    ]);
  });
});

describe("DLM303 missing required section or setting", () => {
  it("names each missing section at the experiment's name", () => {
    const { reported } = checkExperimentsIn("experiment bare { model { dense(1) } }");
    expect(reported).toEqual([
      expect.objectContaining({ code: "DLM303", marked: "bare", message: "experiment `bare` is missing required section `data`" }),
      expect.objectContaining({ code: "DLM303", marked: "bare", message: "experiment `bare` is missing required section `train`" }),
    ]);
  });

  it("names each missing setting at its section", () => {
    const { reported } = checkExperimentsIn("experiment e { data { } model { dense(1) } train { } }");
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM303", "data", "`data` is missing required setting `source`"],
      ["DLM303", "train", "`train` is missing required setting `loss`"],
      ["DLM303", "train", "`train` is missing required setting `epochs`"],
    ]);
  });

  it("requires `unfreeze` in fine_tune and `trials` in tune", () => {
    const codes = codesOf(irisExperiment({ extra: "  fine_tune { epochs: 2 }\n  tune { objective: val_loss }\n" }));
    expect(codes.filter((code) => code === "DLM303")).toHaveLength(2);
  });
});

describe("DLM219 experiment without a model", () => {
  it("marks the experiment's name", () => {
    const text = 'experiment nomodel { data { source: builtin("iris") } train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM219", marked: "nomodel", message: "experiment `nomodel` has no model" }),
    ]);
  });

  it("leaves an undefined model name to the binder (DLM207 once)", () => {
    const text = 'experiment e { data { source: builtin("iris") } model: Missing train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    expect(codesOf(text)).toEqual(["DLM207"]);
  });
});

describe("DLM204 unknown catalog names", () => {
  it("suggests the closest optimizer, loss, metric, schedule and callback", () => {
    const text = withTrain(
      "optimizer: adma(learning_rate: 0.01)\n    schedule: cosine(5)\n    loss: sparse_categorical_crosentropy\n    metrics: [acuracy]\n    epochs: 5\n    callbacks { early_stop(patience: 2) }",
    );
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked, r.help])).toEqual([
      ["DLM204", "adma", "did you mean `adam`?"],
      ["DLM204", "cosine", "did you mean `cosine_decay`?"],
      ["DLM204", "sparse_categorical_crosentropy", "did you mean `sparse_categorical_crossentropy`?"],
      ["DLM204", "acuracy", "did you mean `accuracy`?"],
      ["DLM204", "early_stop", "did you mean `early_stopping`?"],
    ]);
  });

  it("covers sources, normalizations, transforms and augmentations", () => {
    const text = irisExperiment({ data: 'source: bultin("iris")\n    normalize: standardise\n    tokenise(vocab: 10)\n    augment { flipp(horizontal) }' });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM204", "bultin", "unknown data source `bultin`"],
      ["DLM204", "standardise", "unknown normalization `standardise`"],
      ["DLM204", "tokenise", "unknown data transform `tokenise`"],
      ["DLM204", "flipp", "unknown augmentation `flipp`"],
    ]);
  });

  it("asks for names without quotes", () => {
    const { reported } = checkExperimentsIn(withTrain('loss: "mse"\n    epochs: 5'));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM301", marked: '"mse"', help: "write it without quotes: `mse`" })]);
  });
});

describe("catalog arguments read like layer arguments", () => {
  it("reports types, bounds, unknown parameters and extra arguments", () => {
    const text = withTrain(
      "optimizer: adam(learning_rate: -1, beta: 0.5)\n    loss: sparse_categorical_crossentropy\n    epochs: 2.5\n    batch_size: 0\n" +
        "    callbacks {\n      early_stopping(val_loss, 3, 0, auto, true, 9)\n      reduce_lr_on_plateau(factor: 2)\n      model_checkpoint()\n    }",
    );
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM302", "-1", "`learning_rate` of adam must be > 0, found -1"],
      ["DLM202", "beta", "adam has no parameter `beta`"],
      ["DLM301", "2.5", "`epochs` of train expects an integer, found 2.5"],
      ["DLM302", "0", "`batch_size` of train must be ≥ 1, found 0"],
      ["DLM304", "9", "early_stopping takes at most 5 arguments, found 6"],
      ["DLM302", "2", "`factor` of reduce_lr_on_plateau must be in (0, 1), found 2"],
      ["DLM303", "model_checkpoint()", "model_checkpoint is missing required argument `path`"],
    ]);
  });

  it("checks enum settings against their options", () => {
    const text = irisExperiment({ extra: "  backend: gpu\n" });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM302", marked: "gpu", message: "`backend` of experiment `iris` must be one of `auto`, `node`, `wasm`, `cpu`, found `gpu`" }),
    ]);
  });
});

describe("a call followed by a section", () => {
  it("reads `tokenize(…)` then `split { }` as two members", () => {
    const text =
      'experiment spam {\n  data {\n    source: builtin("spam")\n    tokenize(vocab: 100, length: 20)\n    split { validation: 0.1 }\n  }\n' +
      "  model { embedding(100, 4) global_avg_pool1d dense(1, activation: sigmoid) }\n  train { loss: binary_crossentropy, epochs: 1 }\n}";
    const { experiments, reported } = checkExperimentsIn(text);
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.data.tokenize).toEqual({ vocab: 100, length: 20, lowercase: true });
    expect(experiments.plans[0]?.data.split).toEqual({ validation: 0.1 });
  });
});
