import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVATIONS,
  LAYERS,
  defaultArgs,
  lookupLayer,
  tfjsActivationName,
} from "../../../compiler/layers/registry.js";
import type { ParamSpec } from "../../../compiler/layers/layer-definition.js";

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

describe("the layer registry", () => {
  it("holds the layers of docs/language.md §3 (plus separate names for each family member)", () => {
    expect([...LAYERS.keys()].sort()).toEqual(
      [
        "dense",
        "flatten",
        "reshape",
        "dropout",
        "spatial_dropout1d",
        "spatial_dropout2d",
        "activation",
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "elu",
        "selu",
        "gelu",
        "swish",
        "leaky_relu",
        "embedding",
        "conv1d",
        "conv2d",
        "conv2d_transpose",
        "separable_conv2d",
        "depthwise_conv2d",
        "zero_pad2d",
        "upsample2d",
        "max_pool1d",
        "avg_pool1d",
        "max_pool2d",
        "avg_pool2d",
        "global_avg_pool1d",
        "global_avg_pool2d",
        "global_max_pool1d",
        "global_max_pool2d",
        "batch_norm",
        "layer_norm",
        "lstm",
        "gru",
        "simple_rnn",
        "bidirectional",
        "pretrained",
      ].sort(),
    );
    expect(lookupLayer("residual")).toBeUndefined();
    expect(lookupLayer("conv2d")?.family).toBe("conv");
  });

  it("keeps docs/language.md's positional order and defaults", () => {
    const names = (layer: string) => lookupLayer(layer)?.params.map((param) => param.name);
    expect(names("dense")).toEqual(["units", "activation", "use_bias", "l1", "l2"]);
    expect(names("conv2d")?.slice(0, 7)).toEqual([
      "filters",
      "kernel",
      "stride",
      "padding",
      "dilation",
      "activation",
      "l2",
    ]);
    expect(names("conv2d_transpose")?.slice(0, 5)).toEqual(["filters", "kernel", "stride", "padding", "activation"]);
    expect(names("max_pool2d")).toEqual(["size", "stride", "padding"]);
    expect(names("embedding")).toEqual(["vocab", "dim", "mask_zero"]);
    expect(names("lstm")).toEqual(["units", "return_sequences", "dropout", "recurrent_dropout"]);
    expect(names("bidirectional")).toEqual(["layer", "merge"]);
    expect(names("pretrained")).toEqual(["path", "until", "trainable", "weights", "include_top", "pooling"]);
    const conv = lookupLayer("conv2d");
    expect(conv && defaultArgs(conv, { filters: 8, kernel: 3 })).toEqual({
      filters: 8,
      kernel: 3,
      stride: 1,
      padding: "valid",
      dilation: 1,
      activation: "linear",
      l2: 0,
      use_bias: true,
    });
    const pool = lookupLayer("max_pool2d");
    expect(pool && defaultArgs(pool, { size: 3 })).toEqual({ size: 3, stride: 3, padding: "valid" });
    const batchNorm = lookupLayer("batch_norm");
    expect(batchNorm && defaultArgs(batchNorm)).toEqual({ momentum: 0.99, epsilon: 0.001 });
  });

  it("every entry is documented and internally consistent", () => {
    const withinBounds = (param: ParamSpec, value: number) =>
      (param.min === undefined || value >= param.min) &&
      (param.max === undefined || value <= param.max) &&
      (param.greaterThan === undefined || value > param.greaterThan) &&
      (param.lessThan === undefined || value < param.lessThan);
    for (const definition of LAYERS.values()) {
      expect(definition.doc.length, definition.name).toBeGreaterThan(20);
      expect(definition.inputSpec.description.length, definition.name).toBeGreaterThan(0);
      let seenOptional = false;
      for (const param of definition.params) {
        const where = `${definition.name}.${param.name}`;
        expect(param.doc.length, where).toBeGreaterThan(5);
        const optional = param.default !== undefined || param.defaultFrom !== undefined;
        // A required parameter after an optional one could not be given positionally.
        if (!optional) expect(seenOptional, where).toBe(false);
        seenOptional ||= optional;
        if (param.type === "enum") expect(param.values, where).toContain(param.default);
        if (typeof param.default === "number") expect(withinBounds(param, param.default), where).toBe(true);
        if (param.type === "activation" && param.default !== undefined) expect(ACTIVATIONS).toContain(param.default);
        if (param.defaultFrom !== undefined)
          expect(
            definition.params.map((p) => p.name),
            where,
          ).toContain(param.defaultFrom);
      }
    }
  });

  it("names a tf.layers factory for every entry but pretrained", () => {
    const factories = tf.layers as unknown as Record<string, unknown>;
    for (const definition of LAYERS.values()) {
      if (definition.name === "pretrained") continue;
      expect(typeof factories[definition.tfjs.factory], definition.name).toBe("function");
    }
  });
});

describe("activations", () => {
  it("lists docs/language.md's names in its order", () => {
    expect(ACTIVATIONS).toEqual(
      "linear relu relu6 elu selu sigmoid hard_sigmoid tanh softmax softplus softsign swish mish gelu".split(" "),
    );
  });

  it("maps each to an identifier TF.js 4.22 accepts (hard_sigmoid is hardSigmoid)", () => {
    expect(tfjsActivationName("hard_sigmoid")).toBe("hardSigmoid");
    expect(tfjsActivationName("nope")).toBeUndefined();
    for (const name of ACTIVATIONS) {
      const identifier = tfjsActivationName(name) as string;
      const layer = tf.layers.activation({ activation: identifier as "relu" });
      const output = tf.tidy(() => (layer.apply(tf.tensor2d([[-1, 0, 2]])) as tf.Tensor).arraySync() as number[][]);
      expect(output[0]?.every(Number.isFinite), name).toBe(true);
    }
    expect(() => tf.layers.activation({ activation: "hard_sigmoid" as "relu" })).toThrow(/Unknown activation/);
  });
});
