import { describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/errors.js";
import { checkExperimentsIn, irisExperiment } from "./checked-experiments.js";

const HOUSES = "size,rooms,city,price\n50,2,paris,300.5\n70,3,lyon,250.25\n80,4,paris,500.75\n90,3,lyon,410.5\n";
const WEATHER = "day,temp,wind,sky\n1,10,3,sun\n2,11,4,rain\n3,12,2,sun\n4,9,5,rain\n5,8,5,rain\n";
const MAILS = "label,body\nham,hello there\nspam,buy now\nham,see you\n";

/** A regression experiment over `source`, with `extraData` lines in `data`. */
function houses(source: string, extraData = "", model = "dense(8, activation: relu) dense(1)"): string {
  return `experiment houses {\n  data {\n    source: ${source}\n    ${extraData}\n  }\n  model { ${model} }\n  train { loss: mse, epochs: 3 }\n}\n`;
}

describe("builtin data sets", () => {
  it("DLM215: marks an unknown name and lists the data sets", () => {
    const { result, experiments, reported } = checkExperimentsIn(irisExperiment({ data: 'source: builtin("irsi")' }));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM215", marked: '"irsi"', message: 'unknown built-in data set "irsi"', help: "did you mean `iris`?" })]);
    expect(experiments.diagnostics[0]?.notes?.[0]).toContain("mnist, fashion_mnist, iris");
    expect(result.diagnostics).toEqual([]);
  });

  it("DLM220: marks a class the data set does not have", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")\n    classes: ["setosa", "virginca"]' });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM220", marked: '"virginca"', message: '"virginca" is not a class of "iris"', help: "did you mean `virginica`?" }),
    ]);
  });

  it("keeps the classes written, in their order", () => {
    const text =
      'experiment pair { data { source: builtin("mnist") classes: ["7", "1"] } model { flatten dense(2, activation: softmax) } train { loss: sparse_categorical_crossentropy, epochs: 1 } }';
    const plan = checkExperimentsIn(text).experiments.plans[0];
    expect(plan?.dataInfo.classes).toEqual(["7", "1"]);
    expect(plan?.data.classes).toEqual(["7", "1"]);
  });

  it("DLM510: warns that penguins has missing values while `missing` is `error`", () => {
    const text = irisExperiment({ data: 'source: builtin("penguins")', model: "model Mlp { dense(3, activation: softmax) }" });
    const checked = checkExperimentsIn(text);
    expect(checked.reported).toEqual([expect.objectContaining({ code: "DLM510", severity: "warning", marked: '"penguins"' })]);
    expect(checked.experiments.plans).toHaveLength(1);
    expect(checkExperimentsIn(text.replace('builtin("penguins")', 'builtin("penguins")\n    missing: drop')).reported).toEqual([]);
  });

  it("DLM510: warns that a text source without tokenize uses the default tokenizer", () => {
    const text =
      'experiment spam { data { source: builtin("spam") } model { embedding(10000, 4) global_avg_pool1d dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 1 } }';
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported.map((r) => [r.code, r.severity])).toEqual([["DLM510", "warning"]]);
    expect(experiments.plans[0]?.model.input).toEqual([100]);
  });

  it("DLM506: rejects tokenize and window on a table, and a task the data set does not have", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")\n    tokenize(vocab: 100, length: 5)\n    window(size: 3)\n    task: regression' });
    expect(checkExperimentsIn(text).reported.map((r) => [r.code, r.marked])).toEqual([
      ["DLM506", "tokenize(vocab: 100, length: 5)"],
      ["DLM506", "window(size: 3)"],
      ["DLM506", "regression"],
    ]);
  });

  it("DLM503: rejects augmentation on non-image data", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")\n    augment { noise(0.1) }' });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM503", marked: "augment", message: "`augment` applies to images, but this data is tabular (examples of shape [4])" }),
    ]);
  });
});

describe("split fractions (DLM309)", () => {
  it("names the sum when the fractions exceed 1", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")\n    split { train: 0.8, validation: 0.2, test: 0.2 }' });
    expect(checkExperimentsIn(text).reported).toEqual([
      expect.objectContaining({ code: "DLM309", marked: "split", message: "split fractions add up to 1.2 (train 0.8 + validation 0.2 + test 0.2), more than 1" }),
    ]);
  });

  it("counts the default test fraction when nothing is left for training", () => {
    const text = irisExperiment({ data: 'source: builtin("iris")\n    split { validation: 0.85 }' });
    expect(checkExperimentsIn(text).reported[0]?.message).toBe("the split leaves no training examples: validation 0.85 + the default test 0.2 = 1.05");
  });

  it("checks each fraction in (0, 1) and accepts 0.7 + 0.15 + 0.15", () => {
    const bad = irisExperiment({ data: 'source: builtin("iris")\n    split { validation: 1.5 }' });
    expect(checkExperimentsIn(bad).reported).toEqual([expect.objectContaining({ code: "DLM302", marked: "1.5" })]);
    const good = irisExperiment({ data: 'source: builtin("iris")\n    split { train: 0.7, validation: 0.15, test: 0.15 }' });
    expect(checkExperimentsIn(good).reported).toEqual([]);
  });
});

describe("CSV files", () => {
  it("reads the header and labels to know the data: features one-hot, task inferred", () => {
    const { experiments, reported } = checkExperimentsIn(houses('csv("data/houses.csv", label: price)'), { "data/houses.csv": HOUSES });
    expect(reported).toEqual([]);
    const plan = experiments.plans[0]!;
    expect(plan.dataInfo).toEqual({
      task: "regression",
      targets: 1,
      modality: "tabular",
      featureShape: [4],
      featureNames: ["size", "rooms", "city=lyon", "city=paris"],
    });
    expect(plan.data.source).toEqual({ kind: "csv", path: "data/houses.csv", label: "price" });
    expect(plan.model.input).toEqual([4]);
  });

  it("DLM216: names the path it looked for, resolved against the .dlm file's folder", () => {
    const { reported } = checkExperimentsIn(houses('csv("data/huoses.csv", label: price)'), { "data/houses.csv": HOUSES });
    expect(reported).toEqual([
      expect.objectContaining({ code: "DLM216", marked: '"data/huoses.csv"', message: 'cannot read CSV file "data/huoses.csv" (looked for data/huoses.csv)' }),
    ]);
  });

  it("DLM216: reports a malformed file with its line", () => {
    const { reported } = checkExperimentsIn(houses('csv("bad.csv", label: a)'), { "bad.csv": "a,a\n1,2\n" });
    expect(reported[0]).toEqual(expect.objectContaining({ code: "DLM216", marked: '"bad.csv"' }));
    expect(reported[0]?.message).toContain('bad.csv:1, column "a": column "a" appears twice in the header row');
  });

  it("DLM217: marks unknown label, feature and text columns with did-you-mean", () => {
    const { reported } = checkExperimentsIn(houses('csv("h.csv", label: Price, features: [size, citty], text: nte)'), { "h.csv": HOUSES });
    expect(reported.map((r) => [r.code, r.marked, r.help])).toEqual([
      ["DLM217", "Price", "did you mean `price`?"],
      ["DLM217", "citty", "did you mean `city`?"],
      ["DLM217", "nte", undefined],
    ]);
    expect(reported[0]?.message).toBe('h.csv has no label column "Price"');
  });

  it("DLM220 / DLM506: classes must be label values; names cannot be a regression target", () => {
    const classes = checkExperimentsIn(houses('csv("h.csv", label: city)', 'classes: ["paris", "lyonn"]', "dense(2, activation: softmax)"), { "h.csv": HOUSES });
    expect(classes.reported).toContainEqual(expect.objectContaining({ code: "DLM220", marked: '"lyonn"', help: "did you mean `lyon`?" }));
    const regression = checkExperimentsIn(houses('csv("h.csv", label: city)', "task: regression"), { "h.csv": HOUSES });
    expect(regression.reported).toEqual([expect.objectContaining({ code: "DLM506", marked: "regression" })]);
  });

  it("DLM510: warns about empty cells while `missing` is `error`", () => {
    const withGap = HOUSES.replace("80,4,paris", ",4,paris");
    const { reported, experiments } = checkExperimentsIn(houses('csv("h.csv", label: price)'), { "h.csv": withGap });
    expect(reported).toEqual([expect.objectContaining({ code: "DLM510", severity: "warning", marked: '"h.csv"' })]);
    expect(experiments.diagnostics[0]?.notes).toEqual(['column "size": 1 missing (first on line 4)']);
  });

  it("tokenizes a text column (DLM506 when there is none)", () => {
    const text =
      'experiment mails { data { source: csv("m.csv", label: label, text: body) tokenize(vocab: 50, length: 8) } model { embedding(50, 4) global_avg_pool1d dense(1, activation: sigmoid) } train { loss: binary_crossentropy, epochs: 1 } }';
    const plan = checkExperimentsIn(text, { "m.csv": MAILS }).experiments.plans[0];
    expect(plan?.dataInfo).toEqual({ task: "classification", classes: ["ham", "spam"], modality: "text", featureShape: [8] });
    const withoutText = checkExperimentsIn(text.replace(", text: body", ""), { "m.csv": MAILS });
    expect(withoutText.reported).toEqual([expect.objectContaining({ code: "DLM506", message: "`tokenize` needs a text column, but the CSV source has none" })]);
  });

  it("cuts a time series into windows over the numeric columns", () => {
    const text = houses('csv("w.csv", label: temp)', "window(size: 3, horizon: 2)\n    split { train: 0.6, validation: 0.2, test: 0.2 }", "lstm(4) dense(2)");
    const { experiments, reported } = checkExperimentsIn(text, { "w.csv": WEATHER });
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.dataInfo).toEqual({
      task: "regression",
      modality: "series",
      featureShape: [3, 3],
      featureNames: ["day", "temp", "wind"],
      targets: 2,
    });
    expect(experiments.plans[0]?.data.window).toEqual({ size: 3, horizon: 2 });
  });

  it("DLM217 / DLM506: a window target must be a numeric column", () => {
    const unknown = houses('csv("w.csv", label: temp)', "window(size: 2, target: temperature)", "lstm(4) dense(1)");
    expect(checkExperimentsIn(unknown, { "w.csv": WEATHER }).reported).toEqual([expect.objectContaining({ code: "DLM217", marked: "temperature" })]);
    const names = houses('csv("w.csv", label: temp)', "window(size: 2, target: sky)", "lstm(4) dense(1)");
    expect(checkExperimentsIn(names, { "w.csv": WEATHER }).reported).toEqual([
      expect.objectContaining({ code: "DLM506", message: 'the `window` target "sky" must be a numeric column' }),
    ]);
  });
});

describe("image folders", () => {
  const folder = (dir: string) => (dir === "pets" ? { classes: ["cat", "dog"] } : new DataError("cannot read the image folder (no such folder)", { file: dir }));
  const pets = (extra = "") =>
    `experiment pets {\n  data {\n    source: images("pets", size: [32, 32], channels: 3)\n    ${extra}\n  }\n  model { conv2d(4, 3) flatten dense(2, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n`;

  it("takes classes from the sub-folders and the shape from `size` and `channels`", () => {
    const { experiments, reported } = checkExperimentsIn(pets("augment { flip(horizontal) rotate(10) }"), {}, { readImageFolder: folder });
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.dataInfo).toEqual({ task: "classification", modality: "image", featureShape: [32, 32, 3], classes: ["cat", "dog"] });
    expect(experiments.plans[0]?.data.augment).toEqual([
      { kind: "flip", mode: "horizontal" },
      { kind: "rotate", degrees: 10 },
    ]);
  });

  it("DLM216: names the folder it looked for", () => {
    const { reported } = checkExperimentsIn(pets().replace('"pets"', '"pest"'), {}, { readImageFolder: folder });
    expect(reported).toEqual([expect.objectContaining({ code: "DLM216", marked: '"pest"' })]);
    expect(reported[0]?.message).toBe('cannot read image folder "pest" (looked for pest): cannot read the image folder (no such folder)');
  });

  it("DLM220: classes must be sub-folders", () => {
    const { reported } = checkExperimentsIn(pets('classes: ["cat", "dgo"]'), {}, { readImageFolder: folder });
    expect(reported).toEqual([expect.objectContaining({ code: "DLM220", marked: '"dgo"', help: "did you mean `dog`?" })]);
  });
});
