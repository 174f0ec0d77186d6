import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTrainingKernels } from "../../../runtime/kernels/register.js";
import { loadModel, saveModel } from "../../../runtime/model-io.js";
import {
  loadPretrained,
  readModelJson,
  withInputShape,
} from "../../../runtime/pretrained.js";
import { PretrainedError } from "../../../runtime/pretrained-errors.js";
import { setTrainable } from "../../../runtime/unfreeze.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { maxDifference } from "../train/fixtures.js";

/** nsfwjs ships MobileNetV2 (Keras layers format) as `.min.js` modules around JSON and base64 weights. */
const MOBILENET = "node_modules/nsfwjs/dist/models/mobilenet_v2";
const CUT = "block_3_expand_relu";

let directory: string;
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("wasm");
  await tf.ready();
  registerTrainingKernels("wasm");
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-pretrained-"));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

/** Four 64×64 RGB images in [0, 1] (two bright, two dark) with labels 1, 0. */
function smallImageSet(): PreparedData {
  const x = tf.tidy(() =>
    tf.concat([
      tf.randomUniform([2, 64, 64, 3], 0.6, 1, "float32", 1),
      tf.randomUniform([2, 64, 64, 3], 0, 0.4, "float32", 2),
    ]),
  );
  return {
    info: { task: "classification", featureShape: [64, 64, 3], classes: ["dark", "bright"], modality: "image" },
    train: { x, y: tf.tensor1d([1, 1, 0, 0], "int32"), size: 4 },
    preprocessing: { normalize: { kind: "none" }, image: { height: 64, width: 64, channels: 3 } },
  };
}

/** base (frozen or not) → global average pooling → dense softmax head. */
function withHead(base: tf.LayersModel): tf.LayersModel {
  const input = tf.input({ shape: [64, 64, 3] });
  const features = base.apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(features);
  const output = tf.layers
    .dense({
      units: 2,
      activation: "softmax",
      name: "head",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(pooled);
  return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
}

const layerValues = (layer: tf.layers.Layer): number[][] => layer.getWeights().map((w) => Array.from(w.dataSync()));
const allValues = (model: tf.LayersModel): Map<string, number[][]> =>
  new Map(model.layers.map((layer) => [layer.name, layerValues(layer)]));

describe("loadPretrained (MobileNetV2 from nsfwjs)", () => {
  it("reads the model JSON out of its .min.js wrapper", async () => {
    const json = await readModelJson(path.join(MOBILENET, "model.min.js"));
    expect(json.weightsManifest[0]!.paths).toEqual(["group1-shard1of1"]);
  });

  it("cuts after a named layer at a new input size, frozen by default", async () => {
    const base = await loadPretrained(MOBILENET, { until: CUT, inputShape: [64, 64, 3] });
    expect(base.outputs[0]!.shape).toEqual([null, 16, 16, 144]);
    expect(base.layers.at(-1)!.name).toBe(CUT);
    expect(base.trainableWeights).toHaveLength(0);
    const full = await loadPretrained(MOBILENET);
    expect(full.layers).toHaveLength(162);
    expect(full.outputs[0]!.shape).toEqual([null, 5]);
  });

  it("fine-tunes a head on top of the frozen base for one step on wasm: base unchanged, head changed", async () => {
    const base = await loadPretrained(MOBILENET, { until: CUT, inputShape: [64, 64, 3] });
    const model = withHead(base);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(["head/kernel", "head/bias"]);
    const before = allValues(base);
    const headBefore = layerValues(model.getLayer("head"));
    const data = smallImageSet();
    const history = await train(model, data, {
      epochs: 1,
      batchSize: 4,
      optimizer: { name: "adam", learningRate: 0.01 },
      loss: "sparse_categorical_crossentropy",
    });
    expect(Number.isFinite(history.logs["loss"]![0])).toBe(true);
    // Every base weight, batch-norm moving statistics included, is bit-identical.
    for (const [name, values] of allValues(base)) expect(maxDifference(values, before.get(name)!), name).toBe(0);
    expect(maxDifference(layerValues(model.getLayer("head")), headBefore)).toBeGreaterThan(1e-4);

    // The fine-tuned model saves and loads like any other.
    const dir = path.join(directory, "fine-tuned");
    await saveModel(dir, model);
    const { model: loaded } = await loadModel(dir);
    const sample = data.train.x;
    const expected = (model.predict(sample) as tf.Tensor).dataSync();
    const actual = (loaded.predict(sample) as tf.Tensor).dataSync();
    expect(maxDifference([Array.from(actual)], [Array.from(expected)])).toBeLessThan(1e-6);
    tf.dispose([data.train.x, data.train.y]);
  });

  it("unfreezes last(N) layers and trains exactly those on wasm", async () => {
    const base = await loadPretrained(MOBILENET, { until: CUT, inputShape: [64, 64, 3] });
    setTrainable(base, { last: 3 });
    const trainable = base.layers
      .filter((layer) => layer.trainable && layer.trainableWeights.length > 0)
      .map((layer) => layer.name);
    expect(trainable).toEqual(["block_3_expand", "block_3_expand_BN"]);
    const model = withHead(base);
    const before = allValues(base);
    const data = smallImageSet();
    await train(model, data, {
      epochs: 1,
      batchSize: 4,
      optimizer: { name: "sgd", learningRate: 0.1 },
      loss: "sparse_categorical_crossentropy",
    });
    for (const [name, values] of allValues(base)) {
      const changed = maxDifference(values, before.get(name)!) > 0;
      expect(changed, name).toBe(name === "block_3_expand" || name === "block_3_expand_BN");
    }
    tf.dispose([data.train.x, data.train.y]);
  });

  it("unfreezes from a named layer, or all, and rejects an unknown name", async () => {
    const base = await loadPretrained(MOBILENET, { until: CUT, inputShape: [64, 64, 3] });
    setTrainable(base, { from: "block_2_project" });
    const names = base.layers
      .filter((layer) => layer.trainable && layer.getClassName() !== "InputLayer")
      .map((layer) => layer.name);
    expect(names[0]).toBe("block_2_project");
    expect(names.at(-1)).toBe(CUT);
    setTrainable(base, "all");
    expect(base.trainableWeights.length).toBe(
      base.layers.reduce((count, layer) => count + layer.trainableWeights.length, 0),
    );
    expect(base.trainableWeights.length).toBeGreaterThan(20);
    setTrainable(base, "none");
    expect(base.trainableWeights).toHaveLength(0);
    expect(() => setTrainable(base, { from: "block_2_projekt" })).toThrow(PretrainedError);
    await expect(loadPretrained(MOBILENET, { until: "block_3_expand_rel" })).rejects.toThrow(
      /no layer named "block_3_expand_rel".*did you mean "block_3_expand_relu"/,
    );
    await expect(loadPretrained("node_modules/nsfwjs/dist/models/nowhere")).rejects.toThrow(
      /no such file or directory/,
    );
  });
});

describe("withInputShape", () => {
  it("reuses layers and weights: same outputs at the original size, new spatial size otherwise", () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({
      filters: 4,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    });
    const a = conv.apply(input) as tf.SymbolicTensor;
    const b = tf.layers
      .conv2d({ filters: 4, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
      .apply(a) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: sum });
    const same = withInputShape(model, [8, 8, 3]);
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 4);
    expect(Array.from((same.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    const larger = withInputShape(model, [12, 10, 3]);
    expect(larger.outputs[0]!.shape).toEqual([null, 12, 10, 4]);
    expect(larger.getWeights().length).toBe(model.getWeights().length);
    expect(larger.getWeights()[0]).toBe(model.getWeights()[0]);
  });
});
