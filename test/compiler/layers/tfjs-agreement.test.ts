/**
 * Every layer kind, several argument combinations each: DLM's output shape and weight
 * counts must equal what TF.js computes for the layer built from the registry's own
 * `tfjs.config` (which also checks the emitter mapping).
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { LAYERS, defaultArgs, lookupLayer } from "../../../compiler/layers/registry.js";
import type { ParamValue, Shape, ShapeContext } from "../../../compiler/layers/layer-definition.js";
import { countWeights, instantiateLayer } from "./tfjs-instantiate.js";

interface AgreementCase {
  readonly layer: string;
  readonly args: Readonly<Record<string, ParamValue>>;
  readonly input: Shape;
}

const NO_PRETRAINED: ShapeContext = { readPretrained: () => "no pretrained models in this test" };

function lstmCall(layer: string, args: Record<string, ParamValue>): ParamValue {
  const definition = lookupLayer(layer);
  if (!definition) throw new Error(layer);
  return { layer, args: defaultArgs(definition, args) };
}

const CASES: readonly AgreementCase[] = [
  // core
  { layer: "dense", args: { units: 10 }, input: [784] },
  { layer: "dense", args: { units: 5, activation: "relu", use_bias: false }, input: [6] },
  { layer: "dense", args: { units: 3, l1: 0.01, l2: 0.02, activation: "hard_sigmoid" }, input: [4, 7] },
  { layer: "dense", args: { units: 4, activation: "softmax" }, input: [2, 3, 5] },
  { layer: "dense", args: { units: 2, activation: "mish" }, input: [null, 6] },
  { layer: "flatten", args: {}, input: [7, 7, 64] },
  { layer: "flatten", args: {}, input: [3, 4] },
  { layer: "reshape", args: { shape: [7, 7, 16] }, input: [784] },
  { layer: "reshape", args: { shape: [-1, 4] }, input: [8, 6] },
  { layer: "reshape", args: { shape: [2, -1] }, input: [3, 4, 2] },
  { layer: "dropout", args: { rate: 0.5 }, input: [10] },
  { layer: "dropout", args: { rate: 0 }, input: [4, 5] },
  { layer: "spatial_dropout1d", args: { rate: 0.2 }, input: [10, 4] },
  { layer: "spatial_dropout2d", args: { rate: 0.3 }, input: [6, 6, 3] },
  { layer: "activation", args: { name: "relu6" }, input: [4] },
  { layer: "activation", args: { name: "hard_sigmoid" }, input: [2, 3] },
  { layer: "activation", args: { name: "softplus" }, input: [3] },
  { layer: "activation", args: { name: "linear" }, input: [3] },
  ...["relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish"].map((layer): AgreementCase => ({
    layer,
    args: {},
    input: [3, 5],
  })),
  { layer: "leaky_relu", args: {}, input: [5] },
  { layer: "leaky_relu", args: { alpha: 0.1 }, input: [3, 3] },
  { layer: "embedding", args: { vocab: 100, dim: 8 }, input: [20] },
  { layer: "embedding", args: { vocab: 50, dim: 4, mask_zero: true }, input: [null] },
  // conv
  { layer: "conv1d", args: { filters: 8, kernel: 3 }, input: [20, 4] },
  { layer: "conv1d", args: { filters: 4, kernel: 5, stride: 2, padding: "same" }, input: [17, 3] },
  { layer: "conv1d", args: { filters: 6, kernel: 3, dilation: 2 }, input: [30, 2] },
  { layer: "conv1d", args: { filters: 2, kernel: 4, stride: 3 }, input: [null, 5] },
  { layer: "conv1d", args: { filters: 3, kernel: 3, use_bias: false, l2: 0.01, activation: "relu" }, input: [10, 2] },
  { layer: "conv2d", args: { filters: 32, kernel: 3, activation: "relu" }, input: [28, 28, 1] },
  { layer: "conv2d", args: { filters: 16, kernel: [3, 5], stride: [2, 1], padding: "same" }, input: [15, 14, 3] },
  { layer: "conv2d", args: { filters: 4, kernel: 3, dilation: 2 }, input: [12, 12, 2] },
  { layer: "conv2d", args: { filters: 8, kernel: [2, 3], dilation: [2, 1], padding: "same" }, input: [9, 9, 2] },
  { layer: "conv2d", args: { filters: 4, kernel: 5, stride: 2, use_bias: false, l2: 1e-4 }, input: [13, 11, 3] },
  { layer: "conv2d_transpose", args: { filters: 8, kernel: 3 }, input: [7, 7, 4] },
  { layer: "conv2d_transpose", args: { filters: 4, kernel: 3, stride: 2, padding: "same" }, input: [7, 7, 4] },
  { layer: "conv2d_transpose", args: { filters: 2, kernel: 2, stride: 3 }, input: [5, 4, 3] },
  {
    layer: "conv2d_transpose",
    args: { filters: 3, kernel: [3, 5], stride: [2, 1], use_bias: false },
    input: [6, 6, 2],
  },
  { layer: "separable_conv2d", args: { filters: 16, kernel: 3 }, input: [12, 12, 4] },
  {
    layer: "separable_conv2d",
    args: { filters: 8, kernel: 3, stride: 2, padding: "same", depth_multiplier: 2 },
    input: [11, 11, 3],
  },
  {
    layer: "separable_conv2d",
    args: { filters: 4, kernel: 3, dilation: 2, l2: 0.001, use_bias: false },
    input: [10, 10, 2],
  },
  { layer: "depthwise_conv2d", args: { kernel: 3 }, input: [10, 10, 4] },
  {
    layer: "depthwise_conv2d",
    args: { kernel: [3, 3], stride: 2, padding: "same", depth_multiplier: 3 },
    input: [9, 9, 2],
  },
  { layer: "depthwise_conv2d", args: { kernel: [1, 3], use_bias: false, activation: "relu6" }, input: [5, 6, 3] },
  { layer: "zero_pad2d", args: {}, input: [5, 5, 2] },
  { layer: "zero_pad2d", args: { padding: [1, 2] }, input: [4, 6, 3] },
  { layer: "zero_pad2d", args: { padding: 3 }, input: [2, 2, 1] },
  // [[top, bottom], [left, right]], resolved flat (MobileNetV2's Conv1_pad, ResNet's asymmetric pads)
  { layer: "zero_pad2d", args: { padding: [0, 1, 0, 1] }, input: [224, 224, 3] },
  { layer: "zero_pad2d", args: { padding: [2, 0, 1, 3] }, input: [5, 4, 2] },
  { layer: "zero_pad2d", args: { padding: [0, 1, 0, 1] }, input: [null, 7, 2] },
  { layer: "upsample2d", args: {}, input: [4, 4, 3] },
  { layer: "upsample2d", args: { size: [2, 3], interpolation: "bilinear" }, input: [3, 5, 2] },
  // pooling
  { layer: "max_pool1d", args: {}, input: [10, 3] },
  { layer: "max_pool1d", args: { size: 3, stride: 1 }, input: [10, 3] },
  { layer: "max_pool1d", args: { size: 3, padding: "same" }, input: [10, 3] },
  { layer: "avg_pool1d", args: { size: 4, stride: 2 }, input: [11, 2] },
  { layer: "avg_pool1d", args: {}, input: [null, 2] },
  { layer: "max_pool2d", args: {}, input: [28, 28, 32] },
  { layer: "max_pool2d", args: { size: 3, stride: 2, padding: "same" }, input: [15, 15, 4] },
  { layer: "max_pool2d", args: { size: [2, 3] }, input: [8, 9, 2] },
  { layer: "avg_pool2d", args: { size: 3, stride: 1 }, input: [7, 7, 2] },
  { layer: "avg_pool2d", args: { size: 2, stride: [1, 2] }, input: [6, 7, 2] },
  { layer: "global_avg_pool1d", args: {}, input: [10, 8] },
  { layer: "global_max_pool1d", args: {}, input: [null, 8] },
  { layer: "global_avg_pool2d", args: {}, input: [7, 7, 16] },
  { layer: "global_max_pool2d", args: {}, input: [3, 5, 4] },
  // normalization
  { layer: "batch_norm", args: {}, input: [10] },
  { layer: "batch_norm", args: { momentum: 0.9, epsilon: 1e-5 }, input: [8, 8, 16] },
  { layer: "batch_norm", args: {}, input: [5, 3] },
  { layer: "layer_norm", args: {}, input: [10] },
  { layer: "layer_norm", args: { epsilon: 1e-6 }, input: [4, 6] },
  // recurrent
  { layer: "lstm", args: { units: 16 }, input: [10, 8] },
  { layer: "lstm", args: { units: 8, return_sequences: true }, input: [null, 4] },
  { layer: "lstm", args: { units: 5, dropout: 0.2, recurrent_dropout: 0.1 }, input: [6, 3] },
  { layer: "gru", args: { units: 6 }, input: [5, 3] },
  { layer: "gru", args: { units: 4, return_sequences: true }, input: [7, 2] },
  { layer: "simple_rnn", args: { units: 4 }, input: [6, 3] },
  { layer: "simple_rnn", args: { units: 3, return_sequences: true }, input: [null, 5] },
  { layer: "bidirectional", args: { layer: lstmCall("lstm", { units: 4 }) }, input: [5, 3] },
  {
    layer: "bidirectional",
    args: { layer: lstmCall("lstm", { units: 4, return_sequences: true }), merge: "sum" },
    input: [5, 3],
  },
  { layer: "bidirectional", args: { layer: lstmCall("gru", { units: 3 }), merge: "ave" }, input: [null, 2] },
  {
    layer: "bidirectional",
    args: { layer: lstmCall("gru", { units: 3, return_sequences: true }), merge: "mul" },
    input: [4, 2],
  },
  {
    layer: "bidirectional",
    args: { layer: lstmCall("simple_rnn", { units: 5, return_sequences: true }) },
    input: [6, 2],
  },
];

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

describe("layer shapes and weights agree with TF.js 4.22", () => {
  it.each(
    CASES.map(
      (testCase) =>
        [`${testCase.layer}(${JSON.stringify(testCase.args)}) on ${JSON.stringify(testCase.input)}`, testCase] as const,
    ),
  )("%s", (_title, testCase) => {
    const definition = lookupLayer(testCase.layer);
    expect(definition, testCase.layer).toBeDefined();
    if (!definition) return;
    const args = defaultArgs(definition, testCase.args);
    expect(definition.validate?.(args) ?? []).toEqual([]);

    const dlmShape = definition.outputShape(testCase.input, args, NO_PRETRAINED);
    const dlmParams = definition.paramCount(testCase.input, args, NO_PRETRAINED);
    expect(dlmShape.ok).toBe(true);
    if (!dlmShape.ok) return;

    const config = definition.tfjs.config(args, testCase.input);
    const layer = instantiateLayer(definition.tfjs.factory, config);
    const symbolic = layer.apply(tf.input({ shape: [...testCase.input] })) as tf.SymbolicTensor;
    // TF.js's Reshape leaves an inferred (-1) length unknown until it sees a batch; DLM infers it.
    const symbolicShape = symbolic.shape.slice(1);
    const expectedSymbolic =
      testCase.layer === "reshape"
        ? (args["shape"] as number[]).map((length) => (length === -1 ? null : length))
        : dlmShape.shape;
    expect(symbolicShape).toEqual(expectedSymbolic);
    expect(layer.countParams()).toBe(dlmParams.total);
    expect(countWeights(layer.trainableWeights)).toBe(dlmParams.trainable);

    // What really runs: one example through the layer (only where every length is known).
    if (testCase.input.every((length) => length !== null)) {
      const output = tf.tidy(() => (layer.apply(tf.zeros([1, ...(testCase.input as number[])])) as tf.Tensor).shape);
      expect(output.slice(1)).toEqual(dlmShape.shape);
    }

    const tfjsConfig = layer.getConfig();
    if (typeof config["activation"] === "string") expect(tfjsConfig["activation"]).toBe(config["activation"]);
    if ("kernelRegularizer" in config) expect(tfjsConfig["kernelRegularizer"]).not.toBeNull();
  });

  it("covers every layer kind except pretrained (tested in pretrained.test.ts)", () => {
    const covered = new Set(CASES.map((testCase) => testCase.layer));
    const missing = [...LAYERS.keys()].filter((name) => name !== "pretrained" && !covered.has(name));
    expect(missing).toEqual([]);
  });
});
