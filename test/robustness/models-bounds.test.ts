/**
 * Loading a model costs what its files hold (review of issue #14). Before: a model.json
 * declaring `units: 120000000` allocated 3.8 GB while building, before failing "Shape
 * mismatch"; a manifest of a million empty weights took 81 s and 1 GB; `dlm predict
 * exports/x` after `rm -rf exports/x` silently served `exports/x.previous`; a checkpoint
 * naming the optimizer class `constructor` failed "constructor is not iterable" and `Dense`
 * was taken for an optimizer; a wrapped model literal nested 300,000 deep threw a raw RangeError.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportBundle, loadBundle } from "../../runtime/export.js";
import { loadModel, saveModel } from "../../runtime/model-io.js";
import { parseCheckpointState } from "../../runtime/callbacks/checkpoint-state.js";
import { restoreOptimizer } from "../../runtime/optimizers.js";
import { exportedLiteral } from "../../runtime/wrapped-model.js";

let scratch: string;
beforeAll(async () => {
  await tf.setBackend("cpu");
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-model-bounds-"));
});
afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

/** A saved dense 3 → 2 model (8 float32 weights) in a fresh folder. */
async function savedModel(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: "d" })] });
  await saveModel(dir, model);
  model.dispose();
  return dir;
}

async function editModelJson(dir: string, edit: (json: tf.io.ModelJSON) => void): Promise<void> {
  const file = path.join(dir, "model.json");
  const json = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
  edit(json);
  await fs.writeFile(file, JSON.stringify(json));
}

describe("the topology may build only the weights the files hold", () => {
  it("refuses `units: 120000000` before allocating the kernel", async () => {
    const dir = await savedModel("units");
    await editModelJson(dir, (json) => {
      const layers = (json.modelTopology as { config: { layers: { config: { units?: number } }[] } }).config.layers;
      layers[layers.length - 1]!.config.units = 120_000_000;
    });
    const before = tf.memory().numBytes;
    await expect(loadModel(dir)).rejects.toThrow(
      /model\.json: layer `d` declares weight `kernel` of shape \[3, 120000000\], more values than the weightsManifest holds \(8 in all\)/,
    );
    expect(tf.memory().numBytes - before).toBeLessThan(1024 * 1024);
    // the guard is lifted afterwards: a sound model still builds
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
    expect(model.countParams()).toBe(16);
    model.dispose();
  });

  it("refuses a manifest of 100,000 empty weights at once", async () => {
    const dir = await savedModel("many");
    await editModelJson(dir, (json) => {
      const weights = json.weightsManifest[0]!.weights;
      for (let index = 0; index < 100_000; index++) weights.push({ name: `w${index}`, shape: [0], dtype: "float32" });
    });
    const started = Date.now();
    await expect(loadModel(dir)).rejects.toThrow(/the weightsManifest lists 100002 weights; the limit is 16384/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("a bundle that was removed", () => {
  it("is not replaced by its .previous without a word: the message names it, and it loads when named", async () => {
    const dir = path.join(scratch, "exports", "iris");
    const info = {
      task: "classification" as const,
      featureShape: [3],
      classes: ["a", "b"],
      modality: "tabular" as const,
    };
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: "softmax" })] });
    await exportBundle(dir, model, { normalize: { kind: "none" } } as never, info, { experiment: "iris" });
    model.dispose();
    // what a second export leaves (the first kept as .previous), then `rm -rf exports/iris`
    await fs.rename(dir, `${dir}.previous`);
    await expect(loadBundle(dir)).rejects.toThrow(
      `${dir}: no such bundle; \`${dir}.previous\` holds the bundle it replaced: pass that folder to use it`,
    );
    const previous = await loadBundle(`${dir}.previous`);
    expect(previous.card.experiment).toBe("iris");
    previous.model.dispose();
  });
});

describe("a tampered checkpoint.json", () => {
  const state = (className: string) =>
    JSON.stringify({
      epoch: 1,
      history: { epochs: [0], logs: { loss: [1] } },
      optimizer: { className, config: { learningRate: 0.01 } },
      optimizerSaved: false,
      monitor: "loss",
      best: 1,
    });

  it("naming `constructor`, `toString` or the layer `Dense` as its optimizer is refused naming the file", () => {
    for (const className of ["constructor", "toString", "__proto__", "Dense"]) {
      expect(() => parseCheckpointState(state(className), "ckpt/checkpoint.json")).toThrow(
        /^ckpt\/checkpoint\.json: `optimizer\.className` should be the class name of a TF\.js optimizer/,
      );
      expect(() => restoreOptimizer({ className, config: {} })).toThrow(`unknown optimizer class "${className}"`);
    }
    expect(parseCheckpointState(state("Adam"), "ckpt/checkpoint.json").optimizer.className).toBe("Adam");
  });
});

describe("a wrapped model file nested too deep", () => {
  it("is refused with its line and column, not a RangeError", () => {
    const depth = 300_000;
    const text = `module.exports = ${"[".repeat(depth)}${"]".repeat(depth)};`;
    expect(() => exportedLiteral(text, "model.js")).toThrow(
      /^model\.js: line 1, column 274: brackets nested deeper than 256 levels/,
    );
    expect(exportedLiteral(`module.exports = ${"[".repeat(200)}1${"]".repeat(200)};`, "model.js")).toBeDefined();
  });
});
