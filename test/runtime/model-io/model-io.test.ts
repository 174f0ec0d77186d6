import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  existingDirectory,
  fileSystemHandler,
  loadModel,
  replaceDirectoryAtomically,
  saveModel,
} from "../../../runtime/model-io.js";
import { createOptimizer } from "../../../runtime/optimizers.js";
import { train } from "../../../runtime/train.js";
import { denseClassifier, disposeData, tinyClassification, useCpuBackend, weightValues } from "../train/fixtures.js";

let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-model-io-"));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

/** A functional model with batch norm, so non-trainable weights round-trip too. */
function functionalModel(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers
    .dense({ units: 6, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })
    .apply(input);
  const normalised = tf.layers.batchNormalization().apply(hidden);
  const output = tf.layers
    .dense({ units: 2, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) })
    .apply(normalised);
  return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
}

describe("saveModel / loadModel", () => {
  it("round-trips topology and every weight exactly", async () => {
    const model = functionalModel();
    // Non-default batch-norm statistics, so the check covers non-trainable weights.
    model.layers[2]!.setWeights(model.layers[2]!.getWeights().map((w, i) => tf.fill(w.shape, i + 0.25)));
    const dir = path.join(directory, "functional");
    await saveModel(dir, model);
    const { model: loaded, optimizerWeights } = await loadModel(dir);
    expect(optimizerWeights).toEqual([]);
    expect(loaded.layers.map((layer) => layer.getClassName())).toEqual(
      model.layers.map((layer) => layer.getClassName()),
    );
    expect(weightValues(loaded)).toEqual(weightValues(model));
    const x = tf.tensor2d([[1, -2, 3, 0.5]]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    model.dispose();
    loaded.dispose();
  });

  it("writes tfjs-node's layout: model.json with a ./weights.bin manifest", async () => {
    const model = denseClassifier(2, 3);
    const dir = path.join(directory, "layout");
    await saveModel(dir, model, { metadata: { experiment: "iris" } });
    expect((await fs.readdir(dir)).sort()).toEqual([".dlm-bundle.json", "model.json", "weights.bin"]);
    const json = JSON.parse(await fs.readFile(path.join(dir, "model.json"), "utf8"));
    expect(json.format).toBe("layers-model");
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(["./weights.bin"]);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual([
      "hidden/kernel",
      "hidden/bias",
      "output/kernel",
      "output/bias",
    ]);
    expect(json.userDefinedMetadata).toEqual({ experiment: "iris" });
    expect((await fs.stat(path.join(dir, "weights.bin"))).size).toBe((2 * 8 + 8 + 8 * 3 + 3) * 4);
    // The model object itself is unchanged by the metadata.
    expect(model.getUserDefinedMetadata()).toBeUndefined();
    model.dispose();
  });

  it("stores optimizer state when asked and gives it back in order", async () => {
    const data = tinyClassification();
    const model = denseClassifier(2, 3);
    const optimizer = createOptimizer({ name: "adam" });
    await train(model, data, { epochs: 1, batchSize: 16, optimizer, loss: "sparse_categorical_crossentropy" });
    const dir = path.join(directory, "with-optimizer");
    const result = await saveModel(dir, model, { optimizer });
    expect(result.optimizerSaved).toBe(true);
    const saved = await optimizer.getWeights();
    const { model: loaded, optimizerWeights } = await loadModel(dir);
    expect(optimizerWeights.map((w) => w.name)).toEqual(saved.map((w) => w.name));
    expect(optimizerWeights.map((w) => Array.from(w.tensor.dataSync()))).toEqual(
      saved.map((w) => Array.from(w.tensor.dataSync())),
    );
    expect(optimizerWeights[0]!.tensor.dataSync()[0]).toBe(3);
    expect(weightValues(loaded)).toEqual(weightValues(model));
    const restored = createOptimizer({ name: "adam" });
    await restored.setWeights(optimizerWeights);
    expect(restored.iterations).toBe(3);
    tf.dispose(optimizerWeights.map((w) => w.tensor));
    for (const disposable of [model, loaded, optimizer, restored]) disposable.dispose();
    disposeData(data);
  });

  it("loads through tfjs's own loader from the handler", async () => {
    const model = denseClassifier(2, 3);
    const dir = path.join(directory, "handler");
    await model.save(fileSystemHandler(dir));
    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    expect(weightValues(loaded)).toEqual(weightValues(model));
    model.dispose();
    loaded.dispose();
  });
});

describe("replaceDirectoryAtomically", () => {
  it("leaves the previous directory intact when writing fails, and no temporary directory behind", async () => {
    const dir = path.join(directory, "atomic");
    await replaceDirectoryAtomically(dir, (temporary) => fs.writeFile(path.join(temporary, "model.json"), "first"));
    await expect(
      replaceDirectoryAtomically(dir, async (temporary) => {
        await fs.writeFile(path.join(temporary, "model.json"), "half");
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await fs.readFile(path.join(dir, "model.json"), "utf8")).toBe("first");
    await replaceDirectoryAtomically(dir, (temporary) => fs.writeFile(path.join(temporary, "weights.bin"), "second"));
    expect((await fs.readdir(dir)).sort()).toEqual([".dlm-bundle.json", "weights.bin"]);
    expect((await fs.readdir(directory)).filter((name) => name.startsWith("atomic"))).toEqual(["atomic"]);
  });

  it("falls back to dir.previous when a replacement was interrupted between its two renames", async () => {
    const dir = path.join(directory, "interrupted");
    await fs.mkdir(`${dir}.previous`);
    expect(await existingDirectory(dir)).toBe(`${path.resolve(dir)}.previous`);
    await fs.mkdir(dir);
    expect(await existingDirectory(dir)).toBe(dir);
  });
});
