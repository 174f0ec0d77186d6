import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { GraphNode } from "../../compiler/expand-model.js";
import type { TfjsConfigValue } from "../../compiler/layers/layer-definition.js";
import { checkSource } from "../../compiler/program.js";
import type { ModelInfo } from "../../compiler/models.js";
import { codesIn, reportedIn } from "./checked-source.js";

const SMALL_CNN = `/// A small convolutional network for 28x28 grey images.
model SmallCnn(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  conv2d(64, 3, activation: relu)
  max_pool2d(2)
  flatten
  dense(128, activation: relu, l2: 1e-4)
  dropout(0.5)
  dense(10, activation: softmax)
}`;

function onlyModel(text: string): ModelInfo {
  const result = checkSource(text);
  expect(result.diagnostics).toEqual([]);
  const [model] = result.models;
  if (model === undefined) throw new Error("no model");
  return model;
}

describe("shape inference", () => {
  it("infers docs/language.md's SmallCnn", () => {
    const model = onlyModel(SMALL_CNN);
    expect(model.layers.map((layer) => layer.output)).toEqual([
      [26, 26, 32],
      [13, 13, 32],
      [11, 11, 64],
      [5, 5, 64],
      [1600],
      [128],
      [128],
      [10],
    ]);
    expect(model.layers.map((layer) => layer.name)).toEqual([
      "conv2d",
      "max_pool2d",
      "conv2d_1",
      "max_pool2d_1",
      "flatten",
      "dense",
      "dropout",
      "dense_1",
    ]);
    expect(model.params).toBe(225_034);
    expect(model.trainableParams).toBe(225_034);
    expect(model.output).toEqual([10]);
  });

  it("keeps `?` lengths unknown", () => {
    const model = onlyModel("model Text(input: [?]) { embedding(1000, 16) lstm(8, return_sequences: true) global_max_pool1d dense(1) }");
    expect(model.layers.map((layer) => layer.output)).toEqual([[null, 16], [null, 8], [8], [1]]);
  });

  it("adds an `add` layer after a residual body", () => {
    const model = onlyModel("model R(input: [8, 8, 16]) { residual { conv2d(16, 3, padding: same) batch_norm } relu }");
    expect(model.layers.map((layer) => [layer.name, layer.kind, layer.output])).toEqual([
      ["conv2d", "conv2d", [8, 8, 16]],
      ["batch_norm", "batch_norm", [8, 8, 16]],
      ["add", "add", [8, 8, 16]],
      ["relu", "relu", [8, 8, 16]],
    ]);
    expect(model.params).toBe(16 * 9 * 16 + 16 + 4 * 16);
    expect(model.trainableParams).toBe(16 * 9 * 16 + 16 + 2 * 16);
  });
});

describe("DLM401 wrong input rank", () => {
  it("names the shape found and the form expected, with a reshape hint", () => {
    const result = checkSource("model M(input: [784]) {\n  conv2d(32, 3)\n}");
    expect(result.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      ["DLM401", "conv2d expects input [height, width, channels], found [784]", "add `reshape([28, 28, 1])` before it"],
    ]);
    expect(reportedIn("model M(input: [784]) {\n  conv2d(32, 3)\n}")[0]?.marked).toBe("conv2d(32, 3)");
  });

  it("suggests the reshape or flatten that fits", () => {
    const help = (text: string): string | undefined => checkSource(text).diagnostics[0]?.help;
    expect(help("model M(input: [100]) { lstm(8) }")).toBe("add `reshape([100, 1])` before it");
    expect(help("model M(input: [3072]) { conv2d(8, 3) }")).toBe("add `reshape([32, 32, 3])` before it");
    expect(help("model M(input: [10, 4]) { embedding(100, 8) }")).toBe("add `flatten` before it");
    expect(help("model M(input: [10]) { flatten }")).toBe("the input is already flat; remove `flatten`");
  });

  it("stops at the first error of a model, while other models still report", () => {
    const text = "model A(input: [784]) { conv2d(8, 3) lstm(4) }\nmodel B(input: [4]) { lstm(4) }";
    expect(reportedIn(text).map((r) => [r.code, r.marked])).toEqual([
      ["DLM401", "conv2d(8, 3)"],
      ["DLM401", "lstm(4)"],
    ]);
  });
});

describe("DLM402 size reaches zero", () => {
  it("points at the window argument", () => {
    const text = "model M(input: [8, 8, 1]) {\n  conv2d(8, 5)\n  conv2d(8, 5)\n}";
    const reported = reportedIn(text);
    expect(reported).toEqual([
      { code: "DLM402", marked: "5", message: "conv2d reduces height 4 to 0 (kernel 5, stride 1, padding valid)" },
    ]);
    expect(checkSource(text).diagnostics[0]?.range.start).toBe(text.lastIndexOf("5"));
  });

  it("points at the call when the window is a default", () => {
    expect(reportedIn("model M(input: [1, 1, 4]) { max_pool2d }")).toEqual([
      expect.objectContaining({ code: "DLM402", marked: "max_pool2d" }),
    ]);
  });
});

describe("DLM403 reshape product", () => {
  it("marks the target shape", () => {
    expect(reportedIn("model M(input: [784]) { reshape([28, 28, 3]) }")).toEqual([
      {
        code: "DLM403",
        marked: "[28, 28, 3]",
        message: "reshape to [28, 28, 3] needs 2352 values, but its input [784] has 784",
      },
    ]);
  });
});

describe("DLM404 residual mismatch", () => {
  it("names both shapes at the residual keyword", () => {
    expect(reportedIn("model M(input: [8, 8, 16]) {\n  residual { conv2d(32, 3, padding: same) }\n}")).toEqual([
      {
        code: "DLM404",
        marked: "residual",
        message: "residual body changes the shape: input [8, 8, 16] vs body output [8, 8, 32]",
      },
    ]);
  });
});

describe("DLM405 model input", () => {
  it("needs a list of positive integers or `?`", () => {
    expect(reportedIn("model M(input: [28, 0, 1]) { flatten }")).toEqual([
      { code: "DLM405", marked: "0", message: "each length of a model input must be a positive integer or `?`, found 0" },
    ]);
    expect(reportedIn("model M(input: 784) { dense(1) }")).toEqual([
      { code: "DLM405", marked: "784", message: "model input must be a shape such as `[28, 28, 1]`, found 784" },
    ]);
    expect(reportedIn("model M(input: []) { dense(1) }")[0]?.code).toBe("DLM405");
    expect(reportedIn("model M(input: [2.5]) { dense(1) }")[0]?.marked).toBe("2.5");
    expect(codesIn("model M(input: [?, 8]) { dense(1) }")).toEqual([]);
  });

  it("leaves a model without a valid input out of the models list", () => {
    expect(checkSource("model M(input: [0]) { dense(1) }").models).toEqual([]);
    expect(checkSource("model M { dense(1) }").models).toEqual([]);
  });
});

/** Builds a TF.js model from the checked graph through the registry's own TF.js configs. */
function buildWithTfjs(model: ModelInfo): tf.LayersModel {
  const input = tf.input({ shape: [...model.input] as number[] });
  const toConfig = (value: TfjsConfigValue): unknown => {
    if (Array.isArray(value)) return value.map(toConfig);
    if (typeof value === "object" && value !== null) {
      const record = value as Record<string, TfjsConfigValue>;
      if ("regularizer" in record) return tf.regularizers.l1l2(record["regularizer"] as { l1: number; l2: number });
      if ("factory" in record && "config" in record) return makeLayer(record["factory"] as string, record["config"] as Record<string, TfjsConfigValue>);
      return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, toConfig(item)]));
    }
    return value;
  };
  const makeLayer = (factory: string, config: Record<string, TfjsConfigValue>): tf.layers.Layer => {
    const create = (tf.layers as unknown as Record<string, (config: unknown) => tf.layers.Layer>)[factory];
    if (create === undefined) throw new Error(`no tf.layers.${factory}`);
    return create(toConfig(config));
  };
  let layerIndex = 0;
  const apply = (nodes: readonly GraphNode[], x: tf.SymbolicTensor): tf.SymbolicTensor => {
    for (const node of nodes) {
      if (node.kind === "broken" || (node.kind === "layer" && node.args === undefined)) throw new Error("incomplete graph");
      if (node.kind === "residual") {
        const body = apply(node.body, x);
        layerIndex++;
        x = tf.layers.add().apply([x, body]) as tf.SymbolicTensor;
        continue;
      }
      const inferred = model.layers[layerIndex++];
      const config = node.definition.tfjs.config(node.args as never, inferred?.inputShape ?? []);
      x = makeLayer(node.definition.tfjs.factory, config as Record<string, TfjsConfigValue>).apply(x) as tf.SymbolicTensor;
    }
    return x;
  };
  return tf.model({ inputs: input, outputs: apply(model.graph.nodes, input) });
}

function weightCount(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((sum, weight) => sum + weight.shape.reduce((product: number, length) => product * (length ?? 1), 1), 0);
}

describe("shapes and weight counts agree with TF.js", () => {
  const models: Record<string, string> = {
    "SmallCnn": SMALL_CNN,
    "residual convolutions": `model Res(input: [32, 32, 3]) {
      conv2d(16, 3, padding: same, activation: relu)
      batch_norm
      residual { conv2d(16, 3, padding: same) batch_norm relu conv2d(16, [3, 1], padding: same) }
      max_pool2d(3, stride: 2)
      separable_conv2d(32, 3, depth_multiplier: 2)
      depthwise_conv2d([3, 2], stride: 2)
      global_avg_pool2d
      dense(10, activation: softmax)
    }`,
    "sequences": `model Seq(input: [100]) {
      embedding(1000, 16)
      conv1d(32, 5, activation: relu)
      max_pool1d
      bidirectional(lstm(16, return_sequences: true))
      gru(8, return_sequences: true)
      simple_rnn(4)
      layer_norm
      dense(1, activation: sigmoid)
    }`,
    "upsampling": `model Up(input: [7, 7, 4]) {
      zero_pad2d(1)
      conv2d_transpose(8, 3, stride: 2)
      upsample2d(2)
      spatial_dropout2d(0.1)
      avg_pool2d([2, 3])
      leaky_relu(0.2)
      flatten
      dense(16, l1: 0.01)
      reshape([4, 4])
      global_max_pool1d
    }`,
  };
  for (const [label, text] of Object.entries(models)) {
    it(label, () => {
      const model = onlyModel(text);
      const built = buildWithTfjs(model);
      const tfjsLayers = built.layers.slice(1);
      expect(tfjsLayers.map((layer) => (layer.outputShape as (number | null)[]).slice(1))).toEqual(
        model.layers.map((layer) => [...layer.output]),
      );
      expect(tfjsLayers.map((layer) => layer.countParams())).toEqual(model.layers.map((layer) => layer.params));
      expect(built.countParams()).toBe(model.params);
      expect(weightCount(built.trainableWeights)).toBe(model.trainableParams);
    });
  }
});
