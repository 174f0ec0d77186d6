/**
 * `readPretrainedInfo` on real model.json files (nsfwjs's MobileNetV2, and models TF.js
 * itself serializes), checked against TF.js's own deserialized models; and the
 * `pretrained` layer's cut, resize and error rules.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { PRETRAINED, readPretrainedInfo, readPretrainedInfoFromValue } from "../../../compiler/layers/pretrained.js";
import { defaultArgs } from "../../../compiler/layers/registry.js";
import type { PretrainedInfo, ShapeContext } from "../../../compiler/layers/layer-definition.js";

const require = createRequire(import.meta.url);

type ModelFromJsonArgument = Parameters<typeof tf.models.modelFromJSON>[0];

/** nsfwjs ships model.json wrapped in a UMD module (`model.min.js`); requiring it gives the JSON object. */
function mobileNetV2Json(): { modelTopology: object; weightsManifest: { weights: { shape: number[] }[] }[] } {
  // The package's `exports` hide the model files, so they are reached by path.
  return require(
    fileURLToPath(new URL("../../../node_modules/nsfwjs/dist/models/mobilenet_v2/model.min.js", import.meta.url)),
  );
}

function layerInfo(info: PretrainedInfo | string): PretrainedInfo {
  if (typeof info === "string") throw new Error(info);
  return info;
}

function contextFor(files: Record<string, string>): ShapeContext {
  return {
    readPretrained: (path) => {
      const text = files[path];
      return text === undefined ? `cannot read ${path}: no such file` : readPretrainedInfo(text);
    },
  };
}

/** A small functional model serialized by TF.js: embedding, two branches, concatenate, add. */
function functionalModelJson(): string {
  const input = tf.input({ shape: [12], name: "tokens" });
  const embedded = tf.layers.embedding({ inputDim: 40, outputDim: 6, name: "embed" }).apply(input) as tf.SymbolicTensor;
  const recurrent = tf.layers
    .bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true }) as tf.RNN, name: "bilstm" })
    .apply(embedded) as tf.SymbolicTensor;
  const convolved = tf.layers
    .conv1d({ filters: 10, kernelSize: 3, padding: "same", name: "conv" })
    .apply(embedded) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: "joined" }).apply([recurrent, convolved]) as tf.SymbolicTensor;
  const normed = tf.layers.layerNormalization({ name: "norm" }).apply(joined) as tf.SymbolicTensor;
  const summed = tf.layers.add({ name: "summed" }).apply([normed, joined]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalMaxPooling1d({ name: "pooled" }).apply(summed) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2, activation: "softmax", name: "probs" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  return JSON.stringify({ modelTopology: model.toJSON(undefined, false), weightsManifest: [] });
}

/** The DigitFeatures model of samples/transfer_digits.dlm, built directly in TF.js. */
function digitFeaturesModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu", name: "c1" }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", name: "c2" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
      tf.layers.batchNormalization({ name: "bn" }),
      tf.layers.dropout({ rate: 0.25, name: "drop1" }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 128, activation: "relu", name: "features" }),
      tf.layers.dropout({ rate: 0.5, name: "drop2" }),
      tf.layers.dense({ units: 5, activation: "softmax", name: "probs" }),
    ],
  });
}

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

describe("readPretrainedInfo", () => {
  it("reads MobileNetV2 (nsfwjs) exactly as TF.js builds it from the same topology", async () => {
    const json = mobileNetV2Json();
    const info = layerInfo(readPretrainedInfo(JSON.stringify(json)));
    expect(info.inputShape).toEqual([224, 224, 3]);
    expect(info.layers).toHaveLength(162);
    expect(info.stoppedAt).toBeUndefined();
    expect(info.layers.find((layer) => layer.name === "block_6_expand_relu")?.outputShape).toEqual([28, 28, 192]);
    expect(info.layers.at(-1)).toMatchObject({ name: "dense_3", outputShape: [5] });

    const manifestTotal = json.weightsManifest
      .flatMap((group) => group.weights)
      .reduce((sum, weight) => sum + weight.shape.reduce((a, b) => a * b, 1), 0);
    expect(info.layers.reduce((sum, layer) => sum + layer.params, 0)).toBe(manifestTotal);

    // Topology only: TF.js initializes fresh weights, which is enough to compare shapes.
    const model = await tf.models.modelFromJSON({ modelTopology: json.modelTopology } as ModelFromJsonArgument);
    expect(model.layers.map((layer) => layer.name)).toEqual(info.layers.map((layer) => layer.name));
    const tfjsLayers = model.layers.map((layer) => ({
      name: layer.name,
      outputShape: (layer.outputShape as (number | null)[]).slice(1),
      params: layer.countParams(),
    }));
    expect(info.layers.map(({ name, outputShape, params }) => ({ name, outputShape, params }))).toEqual(tfjsLayers);
    model.dispose();
  });

  it("recomputes MobileNetV2 at a smaller input and stops where the 7×7 head pooling no longer fits", () => {
    const saved = layerInfo(readPretrainedInfo(JSON.stringify(mobileNetV2Json())));
    const small = saved.atInput?.([96, 96, 3]);
    const info = layerInfo(small ?? "no atInput");
    expect(info.inputShape).toEqual([96, 96, 3]);
    expect(info.layers.find((layer) => layer.name === "block_5_add")?.outputShape).toEqual([12, 12, 32]);
    expect(info.layers.find((layer) => layer.name === "out_relu")?.outputShape).toEqual([3, 3, 1280]);
    expect(info.stoppedAt).toMatchObject({ name: "average_pooling2d_1", className: "AveragePooling2D" });
    expect(info.stoppedAt?.reason).toContain("reduces height 3 to 0 (size 7, stride 7, padding valid)");
    expect(saved.atInput?.([96, 96])).toMatch(/rank 3/);
  });

  it("reads a Sequential model serialized by TF.js (InputLayer not counted, as in model.layers)", () => {
    const model = digitFeaturesModel();
    const info = layerInfo(readPretrainedInfo(JSON.stringify({ modelTopology: model.toJSON(undefined, false) })));
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.layers.map(({ name, outputShape, params }) => ({ name, outputShape, params }))).toEqual(
      model.layers.map((layer) => ({
        name: layer.name,
        outputShape: (layer.outputShape as (number | null)[]).slice(1),
        params: layer.countParams(),
      })),
    );
    expect(info.layers.find((layer) => layer.name === "bn")).toMatchObject({ params: 128, trainableParams: 64 });
    model.dispose();
  });

  it("reads a functional model with branches, concatenate, add and a bidirectional LSTM", async () => {
    const text = functionalModelJson();
    const info = layerInfo(readPretrainedInfo(text));
    const model = await tf.models.modelFromJSON({
      modelTopology: JSON.parse(text).modelTopology,
    } as ModelFromJsonArgument);
    expect(info.layers.map(({ name, outputShape, params }) => ({ name, outputShape, params }))).toEqual(
      model.layers.map((layer) => ({
        name: layer.name,
        outputShape: (layer.outputShape as (number | null)[]).slice(1),
        params: layer.countParams(),
      })),
    );
    expect(info.layers.find((layer) => layer.name === "joined")?.outputShape).toEqual([12, 20]);
    model.dispose();
  });

  it("also reads a model.json already evaluated from a `.js` module", () => {
    const fromValue = layerInfo(readPretrainedInfoFromValue(mobileNetV2Json()));
    const fromText = layerInfo(readPretrainedInfo(JSON.stringify(mobileNetV2Json())));
    expect(fromValue.layers).toEqual(fromText.layers);
  });

  it("says why a file cannot be used", () => {
    expect(readPretrainedInfo("{ not json")).toMatch(/not valid JSON/);
    expect(readPretrainedInfo(JSON.stringify({ format: "graph-model", modelTopology: {} }))).toMatch(/graph model/);
    expect(readPretrainedInfo(JSON.stringify({ weightsManifest: [] }))).toMatch(/no `modelTopology`/);
  });

  it("stops at a layer class it cannot follow, keeping the layers before it", () => {
    const topology = {
      class_name: "Sequential",
      config: {
        name: "s",
        layers: [
          { class_name: "Dense", config: { name: "d1", units: 4, batch_input_shape: [null, 3] } },
          { class_name: "TimeDistributed", config: { name: "td" } },
          { class_name: "Dense", config: { name: "d2", units: 2 } },
        ],
      },
    };
    const info = layerInfo(readPretrainedInfo(JSON.stringify({ modelTopology: topology })));
    expect(info.layers.map((layer) => layer.name)).toEqual(["d1"]);
    expect(info.stoppedAt).toMatchObject({ name: "td", className: "TimeDistributed" });
  });
});

describe("the pretrained layer", () => {
  let context: ShapeContext;
  beforeAll(() => {
    const digits = digitFeaturesModel();
    context = contextFor({
      "mobilenet/model.json": JSON.stringify(mobileNetV2Json()),
      "digits/model.json": JSON.stringify({ modelTopology: digits.toJSON(undefined, false) }),
    });
    digits.dispose();
  });
  const args = (given: Record<string, string | boolean>) => defaultArgs(PRETRAINED, given);

  it("cuts after `until` and counts the kept weights; frozen unless trainable", () => {
    const cut = args({ path: "digits/model.json", until: "features" });
    expect(PRETRAINED.outputShape([28, 28, 1], cut, context)).toEqual({ ok: true, shape: [128] });
    const frozen = PRETRAINED.paramCount([28, 28, 1], cut, context);
    // c1 320 + c2 9248 + bn 128 + features 4608·128 + 128
    expect(frozen).toEqual({ total: 320 + 9248 + 128 + 589952, trainable: 0 });
    const trainable = PRETRAINED.paramCount(
      [28, 28, 1],
      args({ path: "digits/model.json", until: "features", trainable: true }),
      context,
    );
    expect(trainable).toEqual({ total: frozen.total, trainable: frozen.total - 64 });
    expect(PRETRAINED.outputShape([28, 28, 1], args({ path: "digits/model.json" }), context)).toEqual({
      ok: true,
      shape: [5],
    });
  });

  it("tells the emitter what runtime/pretrained.ts's loadPretrained needs", () => {
    expect(PRETRAINED.tfjs.config(args({ path: "digits/model.json", until: "features" }), [28, 28, 1])).toEqual({
      path: "digits/model.json",
      until: "features",
      trainable: false,
      inputShape: [28, 28, 1],
    });
    expect(
      PRETRAINED.tfjs.config(args({ path: "digits/model.json", trainable: true }), [28, 28, 1]),
    ).not.toHaveProperty("until");
  });

  it("accepts MobileNetV2 at a smaller image when the kept layers' weights still fit", () => {
    const result = PRETRAINED.outputShape(
      [96, 96, 3],
      args({ path: "mobilenet/model.json", until: "out_relu" }),
      context,
    );
    expect(result).toEqual({ ok: true, shape: [3, 3, 1280] });
  });

  it("DLM206: an unknown `until` lists similar layer names", () => {
    const result = PRETRAINED.outputShape(
      [224, 224, 3],
      args({ path: "mobilenet/model.json", until: "block_6_expnd_relu" }),
      context,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("DLM206");
    expect(result.param).toBe("until");
    expect(result.message).toContain("`block_6_expand_relu`");
    expect(result.help).toBe("did you mean `block_6_expand_relu`?");
  });

  it("DLM207: an unreadable model, or a cut past where shapes stop", () => {
    const missing = PRETRAINED.outputShape([4], args({ path: "nowhere/model.json" }), context);
    expect(missing).toMatchObject({ ok: false, code: "DLM207", param: "path" });
    const pastStop = PRETRAINED.outputShape([96, 96, 3], args({ path: "mobilenet/model.json" }), context);
    expect(pastStop).toMatchObject({ ok: false, code: "DLM207" });
    if (!pastStop.ok) expect(pastStop.message).toContain("average_pooling2d_1");
  });

  it("DLM401 for another rank; DLM405 when an input size changes a kept layer's weights", () => {
    expect(PRETRAINED.outputShape([784], args({ path: "digits/model.json" }), context)).toMatchObject({
      ok: false,
      code: "DLM401",
    });
    const wrongChannels = PRETRAINED.outputShape(
      [28, 28, 3],
      args({ path: "digits/model.json", until: "pool" }),
      context,
    );
    expect(wrongChannels).toMatchObject({ ok: false, code: "DLM405" });
    if (!wrongChannels.ok)
      expect(wrongChannels.message).toContain("layer `c1` would need 896 weights, but the saved model has 320");
    const biggerDigits = PRETRAINED.outputShape(
      [32, 32, 1],
      args({ path: "digits/model.json", until: "features" }),
      context,
    );
    expect(biggerDigits).toMatchObject({ ok: false, code: "DLM405" });
    if (!biggerDigits.ok) expect(biggerDigits.help).toContain("cut before `features`");
    expect(PRETRAINED.outputShape([32, 32, 1], args({ path: "digits/model.json", until: "flat" }), context)).toEqual({
      ok: true,
      shape: [14 * 14 * 32],
    });
  });
});
