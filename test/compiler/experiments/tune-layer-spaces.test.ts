/**
 * Search spaces written as layer arguments: read against the layer's parameter, the
 * model checked at every point of the search (a failing point names its values), DLM505
 * where the experiment does not tune, and the plan's `layer` sites with the TF.js config
 * keys that carry each value.
 */
import { describe, expect, it } from "vitest";
import { checkSource } from "../../../compiler/program.js";
import { checkExperimentsIn } from "./checked-experiments.js";

/** An MNIST experiment training `model` (a declaration, or `{ inline layers }`), tuning unless `tune` is empty. */
function mnist(model: string, tune = "  tune { trials: 4, objective: val_accuracy }\n"): string {
  const inline = model.startsWith("{");
  return (
    `${inline ? "" : `${model}\n`}experiment digits {\n` +
    '  data { source: builtin("mnist") split { validation: 0.1 } }\n' +
    `  ${inline ? `model ${model}` : "model: Net"}\n` +
    "  train { loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 1 }\n" +
    `${tune}}\n`
  );
}

const spacesOf = (text: string) => checkExperimentsIn(text).experiments.plans[0]?.tune?.spaces.map((space) => [space.name, space.space, space.site]);

describe("layer search spaces in a tune experiment", () => {
  it("plans one space per written argument with its layer site; the model holds the first point", () => {
    const text = mnist("{ flatten hidden = dense(choice(16, 32), activation: choice(relu, tanh)) dropout(range(0.1, 0.5)) dense(10, activation: softmax) }");
    const { reported, experiments } = checkExperimentsIn(text);
    expect(reported).toEqual([]);
    const plan = experiments.plans[0]!;
    expect(plan.tune?.spaces.map((space) => [space.name, space.space, space.site])).toEqual([
      ["hidden.units", { kind: "choice", values: [16, 32] }, { kind: "layer", layerName: "hidden", param: "units", layers: [{ name: "hidden", configKeys: ["units"] }] }],
      [
        "hidden.activation",
        { kind: "choice", values: ["relu", "tanh"] },
        { kind: "layer", layerName: "hidden", param: "activation", layers: [{ name: "hidden", configKeys: ["activation"] }] },
      ],
      ["dropout.rate", { kind: "range", lo: 0.1, hi: 0.5, integer: false }, { kind: "layer", layerName: "dropout", param: "rate", layers: [{ name: "dropout", configKeys: ["rate"] }] }],
    ]);
    expect(plan.model.layers.find((layer) => layer.name === "hidden")?.args).toMatchObject({ units: 16, activation: "relu" });
    expect(plan.model.layers.find((layer) => layer.name === "hidden")?.output).toEqual([16]);
    const first = plan.tune!.spaces[0]!;
    expect(text.slice(first.range.start, first.range.end)).toBe("choice(16, 32)");
  });

  it("accepts a space in a top-level model with its own input, and one copied by `repeat` is one hyperparameter", () => {
    const net = "model Net(input: [28, 28, 1]) { conv2d(8, choice(3, 5)) flatten repeat 2 { dense(choice(16, 32), activation: relu) } dense(10, activation: softmax) }";
    expect(checkExperimentsIn(mnist(net)).reported).toEqual([]);
    expect(spacesOf(mnist(net))).toEqual([
      ["conv2d.kernel", { kind: "choice", values: [3, 5] }, { kind: "layer", layerName: "conv2d", param: "kernel", layers: [{ name: "conv2d", configKeys: ["kernelSize"] }] }],
      [
        "dense.units",
        { kind: "choice", values: [16, 32] },
        {
          kind: "layer",
          layerName: "dense",
          param: "units",
          layers: [
            { name: "dense", configKeys: ["units"] },
            { name: "dense_1", configKeys: ["units"] },
          ],
        },
      ],
    ]);
  });

  it("carries a space through an untyped block parameter: every layer it reaches shares it", () => {
    const text = `block Twice(k) { conv2d(8, k, padding: same) conv2d(8, k, padding: same) }\n${mnist("{ Twice(k: choice(3, 5)) flatten dense(10, activation: softmax) }")}`;
    expect(checkExperimentsIn(text).reported).toEqual([]);
    expect(spacesOf(text)).toEqual([
      [
        "conv2d.kernel",
        { kind: "choice", values: [3, 5] },
        {
          kind: "layer",
          layerName: "conv2d",
          param: "kernel",
          layers: [
            { name: "conv2d", configKeys: ["kernelSize"] },
            { name: "conv2d_1", configKeys: ["kernelSize"] },
          ],
        },
      ],
    ]);
  });

  it("lists layer and setting spaces together", () => {
    const text = mnist("{ flatten dense(range(8, 64), activation: relu) dense(10, activation: softmax) }").replace(
      "epochs: 1",
      "epochs: 1, optimizer: adam(learning_rate: log_range(1e-4, 1e-2))",
    );
    expect(spacesOf(text)?.map(([name, space]) => [name, space])).toEqual([
      ["dense.units", { kind: "range", lo: 8, hi: 64, integer: true }],
      ["train.optimizer.learning_rate", { kind: "log_range", lo: 1e-4, hi: 1e-2 }],
    ]);
  });
});

describe("every point of the search is checked", () => {
  it("reports a kernel size that breaks a shape, naming the value and marking it", () => {
    const { reported, experiments } = checkExperimentsIn(
      mnist("{ conv2d(8, 3) max_pool2d(4) conv2d(8, choice(3, 5, 7)) flatten dense(10, activation: softmax) }"),
    );
    expect(reported).toEqual([
      expect.objectContaining({
        code: "DLM402",
        marked: "7",
        message: "with conv2d_1.kernel = 7, conv2d reduces height 6 to 0 (kernel 7, stride 1, padding valid)",
      }),
    ]);
    expect(experiments.diagnostics[0]?.notes).toContain("the input shape [28, 28, 1] comes from the data of experiment `digits`");
    expect(experiments.plans).toEqual([]);
  });

  it("checks combinations: two values fine alone fail together", () => {
    // 28 → kernel 7: 22 → pool 4: 5 → kernel 6: 0; with either first value the last size stays ≥ 1
    const { reported } = checkExperimentsIn(
      mnist("{ conv2d(8, choice(3, 7)) max_pool2d(4) conv2d(8, choice(3, 6)) flatten dense(10, activation: softmax) }"),
    );
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM402", "6", "with conv2d.kernel = 7, conv2d_1.kernel = 6, conv2d reduces height 5 to 0 (kernel 6, stride 1, padding valid)"],
    ]);
  });

  it("checks the layer's own rules at each point (DLM307)", () => {
    const { reported } = checkExperimentsIn(mnist("{ conv2d(8, 3, stride: choice(1, 2), dilation: 2) flatten dense(10, activation: softmax) }"));
    expect(reported).toEqual([expect.objectContaining({ code: "DLM307", marked: "2" })]);
    expect(reported[0]?.message).toMatch(/^with conv2d\.stride = 2, conv2d: a `dilation` above 1 cannot be combined with a `stride` above 1/);
  });

  it("checks each value against the parameter, as if written alone", () => {
    const { reported } = checkExperimentsIn(mnist("{ flatten dense(choice(16, -3, 2.5)) dense(10, activation: softmax) }"));
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM302", "-3", "`units` of dense must be ≥ 1, found -3"],
      ["DLM301", "2.5", "`units` of dense expects an integer, found 2.5"],
    ]);
    const reversed = checkExperimentsIn(mnist("{ flatten dense(range(64, 8)) dense(10, activation: softmax) }")).reported;
    expect(reversed.map((r) => [r.code, r.message])).toEqual([["DLM302", "`range` needs lo < hi, found lo = 64 and hi = 8"]]);
  });

  it("reports a failing first value once, where the model checker finds it", () => {
    const result = checkSource(mnist("{ flatten dense(choice(-3, 16)) dense(10, activation: softmax) }"));
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([["DLM302", "`units` of dense must be ≥ 1, found -3"]]);
  });
});

describe("DLM505 for layer search spaces", () => {
  it("rejects a space in an inline model of an experiment without tune", () => {
    const { reported } = checkExperimentsIn(mnist("{ flatten dense(choice(16, 32)) dense(10, activation: softmax) }", ""));
    expect(reported.map((r) => [r.code, r.marked, r.message])).toEqual([
      ["DLM505", "choice(16, 32)", "search space `choice(…)` outside a `tune` experiment"],
    ]);
  });

  it("rejects a declared model's space where an experiment without tune trains it, and names the experiment", () => {
    const { experiments } = checkExperimentsIn(mnist("model Net { flatten dense(log_range(8, 64)) dense(10, activation: softmax) }", ""));
    expect(experiments.diagnostics.map((d) => [d.code, d.notes])).toEqual([
      ["DLM505", ["model `Net` is trained by experiment `digits`, which has no `tune { }`"]],
    ]);
  });

  it("leaves a model that no experiment trains to be checked at its first point", () => {
    const result = checkSource("model Net(input: [8]) { dense(choice(16, 32), activation: relu) dense(2) }");
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.output).toEqual([2]);
  });

  it("searches a value TF.js takes inside an object: `l2` lands in the layer's regularizer", () => {
    const { reported, experiments } = checkExperimentsIn(mnist("{ flatten dense(16, l2: choice(1e-4, 1e-3)) dense(10, activation: softmax) }"));
    expect(reported).toEqual([]);
    expect(experiments.plans[0]?.tune?.spaces.map((space) => space.site)).toEqual([
      { kind: "layer", layerName: "dense", param: "l2", layers: [{ name: "dense", configKeys: ["kernelRegularizer.regularizer.l2"] }] },
    ]);
  });
});
