/**
 * `architectureOf`: equal for the same model built twice (TF.js names layers differently
 * each time) and for a model saved and loaded back as a checkpoint; different when a layer's
 * size, activation or kind changes, with the change in words.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { architectureOf, describeArchitectureChange } from "../../runtime/architecture-hash.js";
import { loadRunCheckpoint, saveRunCheckpoint } from "../../runtime/run-stages.js";
import { useCpuBackend } from "./train/fixtures.js";

let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-architecture-"));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

function mlp(units = 16, activation: "relu" | "tanh" = "relu", seed = 1): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers
    .dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

describe("architectureOf", () => {
  it("is the same for two builds of one model, whatever their layer names, seeds or trainable flags", () => {
    const first = mlp();
    const second = mlp(16, "relu", 99);
    second.layers[1]!.trainable = false;
    expect(first.layers[1]!.name).not.toBe(second.layers[1]!.name);
    expect(architectureOf(second)).toEqual(architectureOf(first));
    expect(architectureOf(first).hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The input layer is not one the user wrote: two dense layers.
    expect(architectureOf(first).layers).toHaveLength(2);
    first.dispose();
    second.dispose();
  });

  it("is the same for a model and the run checkpoint it was saved to, which records it", async () => {
    const model = mlp();
    const optimizer = tf.train.adam(0.01);
    const dir = path.join(directory, "checkpoint");
    await saveRunCheckpoint(dir, { model, optimizer, stage: "train", nextEpoch: 1, history: { epochs: [0], logs: { loss: [1] } } });
    const point = await loadRunCheckpoint(dir);
    expect(point?.architecture).toBe(architectureOf(model).hash);
    expect(architectureOf(point!.model)).toEqual(architectureOf(model));
    for (const disposable of [model, optimizer, point!.model, point!.optimizer]) disposable.dispose();
  });

  it("changes with a layer's size or activation, and says which", () => {
    const saved = architectureOf(mlp(16, "relu"));
    const wider = architectureOf(mlp(32, "relu"));
    const tanh = architectureOf(mlp(16, "tanh"));
    expect(wider.hash).not.toBe(saved.hash);
    expect(tanh.hash).not.toBe(saved.hash);
    expect(describeArchitectureChange(saved.layers, wider.layers)).toBe("layer 1 (dense): units was 16, now 32");
    expect(describeArchitectureChange(saved.layers, tanh.layers)).toBe('layer 1 (dense): activation was "relu", now "tanh"');
  });

  it("names a layer of another kind and a different number of layers", () => {
    const dense = architectureOf(tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] }));
    const deeper = architectureOf(
      tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.dense({ units: 2 })] }),
    );
    const dropout = architectureOf(
      tf.sequential({ layers: [tf.layers.dropout({ rate: 0.5, inputShape: [4] }), tf.layers.dense({ units: 2 })] }),
    );
    expect(describeArchitectureChange(dense.layers, deeper.layers)).toBe(
      "the checkpoint's model has 1 layers, the model now has 2",
    );
    expect(describeArchitectureChange(deeper.layers, dropout.layers)).toBe("layer 1 was a dense, it is now a dropout");
  });
});
