import { describe, expect, it } from "vitest";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

describe("the model meets the data", () => {
  it("gives a model without input the data's feature shape", () => {
    const plan = checkExperimentsIn(irisExperiment()).experiments.plans[0]!;
    expect(plan.model).toEqual(expect.objectContaining({ name: "Mlp", input: [4], output: [3], params: 4 * 8 + 8 + 8 * 3 + 3 }));
    expect(plan.model.layers.map((layer) => layer.name)).toEqual(["dense", "dense_1"]);
  });

  it("names an inline model after its experiment", () => {
    const text = 'experiment iris { data { source: builtin("iris") } model { dense(3, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    const plan = checkExperimentsIn(text).experiments.plans[0]!;
    expect([plan.model.name, plan.model.input, plan.model.output]).toEqual(["iris", [4], [3]]);
  });

  it("DLM406: a declared input must match the data, naming both shapes", () => {
    const { reported, experiments } = checkExperimentsIn(irisExperiment({ model: "model Mlp(input: [784]) { dense(3, activation: softmax) }\n" }));
    expect(reported).toEqual([
      expect.objectContaining({ code: "DLM406", marked: "Mlp", message: "model `Mlp` takes input [784], but the data gives examples of shape [4]" }),
    ]);
    expect(experiments.diagnostics[0]?.related?.[0]?.message).toBe("`Mlp` declares input [784] here");
  });

  it("DLM406: an embedding needs a row for every token id", () => {
    const text =
      'experiment spam { data { source: builtin("spam") tokenize(vocab: 5000, length: 50) } model { embedding(1000, 8) global_avg_pool1d dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 1 } }';
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM406", marked: "model", message: "the inline model embeds 1000 token ids, but the tokenizer gives ids up to 4999 (vocab 5000)" }),
    ]);
  });

  it("reports shape errors of a model without input once, with where its input came from", () => {
    const text =
      "model Conv { conv2d(4, 3) flatten dense(3, activation: softmax) }\n" +
      'experiment a { data { source: builtin("iris") } model: Conv train { loss: sparse_categorical_crossentropy, epochs: 1 } }\n' +
      'experiment b { data { source: builtin("iris") } model: Conv train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported).toEqual([expect.objectContaining({ code: "DLM401", marked: "conv2d(4, 3)" })]);
    expect(experiments.diagnostics[0]?.notes).toContain("the input shape [4] comes from the data of experiment `a`");
  });

  it("DLM407: the output must give one value per class", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ model: "model Mlp { dense(10, activation: softmax) }\n" }));
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM407",
        marked: "Mlp",
        message: "model `Mlp` gives output [10], but the data has 3 classes (setosa, versicolor, virginica): expected [3]",
        help: "end the model with `dense(3, activation: softmax)`",
      }),
    ]);
  });

  it("DLM407: a spatial output needs flattening", () => {
    const text = 'experiment m { data { source: builtin("mnist") } model { conv2d(4, 3) dense(10, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    const [reported] = checkExperimentsIn(text).reported;
    expect(reported).toEqual(expect.objectContaining({ code: "DLM407", marked: "model" }));
    expect(reported?.message).toContain("gives output [26, 26, 10]");
  });

  it("accepts one sigmoid unit with binary_crossentropy for two classes, and [t] for regression", () => {
    const binary = checkExperimentsIn(
      'experiment spam { data { source: builtin("spam") tokenize(vocab: 100, length: 10) } model { embedding(100, 4) flatten dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 1 } }',
    );
    expect(binary.reported).toEqual([]);
    const twoUnits = checkExperimentsIn(
      'experiment spam { data { source: builtin("spam") tokenize(vocab: 100, length: 10) } model { embedding(100, 4) flatten dense(1, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }',
    );
    // The one-unit softmax is also DLM413 (its output is constant), a separate fact about the same layer.
    expect(twoUnits.reported.map((r) => [r.code, r.help]).filter(([code]) => code !== "DLM413")).toEqual([
      ["DLM407", "use `loss: binary_crossentropy` with one sigmoid unit, or `dense(2, activation: softmax)`"],
    ]);
    expect(twoUnits.reported.map((r) => r.code)).toContain("DLM413");
    const regression = checkExperimentsIn(
      'experiment b { data { source: builtin("boston_housing") } model { dense(2) } train { loss: mse, epochs: 1 } }',
    );
    expect(regression.reported[0]?.message).toBe("the inline model gives output [2], but the data has 1 regression target: expected [1]");
  });
});

describe("pretrained models exported by an earlier experiment", () => {
  const program = (path: string) =>
    "model Features(input: [28, 28, 1]) {\n  conv2d(4, 3, activation: relu)\n  flatten\n  features = dense(16, activation: relu)\n  dense(5, activation: softmax)\n}\n" +
    'experiment first {\n  data { source: builtin("mnist") classes: ["0", "1", "2", "3", "4"] }\n  model: Features\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  export: "out/low"\n}\n' +
    `experiment second {\n  data { source: builtin("mnist") classes: ["5", "6"] split { validation: 0.2 } }\n  model {\n    pretrained("${path}", until: features)\n    dense(2, activation: softmax)\n  }\n` +
    "  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n  fine_tune { unfreeze: from(feature), optimizer: adam(learning_rate: 1e-4) }\n}\n";

  it("reads the planned model instead of a file that does not exist yet", () => {
    const { experiments, reported } = checkExperimentsIn(program("out/low/model.json").replace("from(feature)", "from(features)"));
    expect(reported).toEqual([]);
    const second = experiments.plans[1]!;
    expect(second.model.output).toEqual([2]);
    expect(second.model.layers[0]).toEqual(expect.objectContaining({ kind: "pretrained", output: [16], params: 4 * 9 + 4 + 26 * 26 * 4 * 16 + 16, trainableParams: 0 }));
    expect(second.fineTune).toEqual(expect.objectContaining({ unfreeze: { from: "features" }, epochs: 1, optimizer: { name: "adam", learningRate: 1e-4 } }));
  });

  it("accepts the export directory itself", () => {
    expect(checkExperimentsIn(program("out/low").replace("from(feature)", "all")).reported).toEqual([]);
  });

  it("DLM206: unfreeze from a layer the pretrained model does not have", () => {
    const { reported } = checkExperimentsIn(program("out/low/model.json"));
    expect(reported).toEqual([
      expect.objectContaining({ code: "DLM206", marked: "feature", message: "the pretrained model has no layer `feature` to unfreeze from", help: "did you mean `features`?" }),
    ]);
  });

  it("says so when the exporting experiment has errors", () => {
    const broken = program("out/low/model.json").replace("epochs: 1 }\n  export", "epochs: 0 }\n  export");
    const messages = checkExperimentsIn(broken).reported.map((r) => [r.code, r.message]);
    expect(messages).toContainEqual(["DLM302", "`epochs` of train must be ≥ 1, found 0"]);
    expect(messages).toContainEqual([
      "DLM207",
      "cannot use pretrained model `out/low/model.json`: experiment `first`, which exports it, has errors (fix them first)",
    ]);
  });

  it("DLM504: fine_tune needs a pretrained layer", () => {
    const { reported } = checkExperimentsIn(irisExperiment({ extra: "  fine_tune { unfreeze: last(2) }\n" }));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM504", marked: "last(2)" })]);
  });
});

describe("an exported model at another input size", () => {
  const program = (size: string) =>
    "model Conv(input: [28, 28, 1]) { conv2d(4, 3, activation: relu) features = global_avg_pool2d dense(10, activation: softmax) }\n" +
    'experiment digits { data { source: builtin("mnist") } model: Conv train { loss: sparse_categorical_crossentropy, epochs: 1 } export: "out/conv" }\n' +
    `experiment pets { data { source: images("pets", size: ${size}, channels: 1) } model { pretrained("out/conv", until: features) dense(2, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }\n`;
  const folder = () => ({ classes: ["cat", "dog"] });

  it("re-infers the shapes when every kept weight still fits", () => {
    const { experiments, reported } = checkExperimentsIn(program("[40, 40]"), {}, { readImageFolder: folder });
    expect(reported).toEqual([]);
    expect(experiments.plans[1]?.model.layers[0]).toEqual(expect.objectContaining({ inputShape: [40, 40, 1], output: [4] }));
  });

  it("rejects another rank", () => {
    const text = program("[40, 40]").replace('images("pets", size: [40, 40], channels: 1)', 'builtin("iris")');
    const [reported] = checkExperimentsIn(text).reported;
    expect(reported?.code).toBe("DLM401");
    expect(reported?.message).toContain("takes input [28, 28, 1] (rank 3), got [4]");
  });
});
