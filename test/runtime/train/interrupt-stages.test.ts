/**
 * `trainStages` with a stop request: the run checkpoint is saved where training stopped
 * (here as the `fine_tune` stage begins), the outcome says interrupted, and `resume`
 * continues in that stage — the architecture check passing for a model whose backbone is a
 * pretrained model nested in it, rebuilt afresh and compared with the checkpoint's.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition } from "../../../runtime/experiment.js";
import { saveModel } from "../../../runtime/model-io.js";
import { loadPretrained } from "../../../runtime/pretrained.js";
import { loadRunCheckpoint, runCheckpointDir, trainStages } from "../../../runtime/run-stages.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { useCpuBackend } from "./fixtures.js";

let directory: string;
let backboneFile: string;

beforeAll(async () => {
  await useCpuBackend();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-interrupt-stages-"));
  const input = tf.input({ shape: [4] });
  let x = tf.layers.dense({ name: "features", units: 5, activation: "relu" }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: "bn" }).apply(x) as tf.SymbolicTensor;
  const backbone = tf.model({ name: "backbone", inputs: input, outputs: x });
  backboneFile = path.join(directory, "backbone");
  await saveModel(backboneFile, backbone);
  backbone.dispose();
});

afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

function tabularData(): PreparedData {
  const size = 32;
  const values = Array.from({ length: size * 4 }, (_, index) => Math.sin(index * 1.7));
  const labels = Array.from({ length: size }, (_, index) => index % 2);
  return {
    info: { task: "classification", featureShape: [4], classes: ["a", "b"], modality: "tabular" },
    train: { x: tf.tensor2d(values, [size, 4]), y: tf.tensor1d(labels, "int32"), size },
    preprocessing: { normalize: { kind: "none" } },
  };
}

function definition(runDir: string, headUnits = 2): ExperimentDefinition {
  const stage = {
    optimizer: { name: "adam" as const, learningRate: 0.01 },
    loss: "sparse_categorical_crossentropy" as const,
    metrics: [],
    epochs: 2,
    batchSize: 8,
    callbacks: [],
  };
  return {
    name: "stages",
    sourceFile: path.join(runDir, "test.dlm"),
    baseDir: runDir,
    seed: 3,
    backend: "cpu",
    data: { source: { kind: "builtin", name: "unused" } } as unknown as ExperimentDefinition["data"],
    buildModel: async () => {
      const input = tf.input({ shape: [4] });
      const backbone = await loadPretrained(path.join(backboneFile, "model.json"), { inputShape: [4] });
      let x = backbone.apply(input) as tf.SymbolicTensor;
      x = tf.layers.dense({ units: headUnits, activation: "softmax" }).apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: x });
    },
    train: stage,
    fineTune: { ...stage, unfreeze: "all" },
    evaluate: { on: "test", metrics: [] },
  };
}

describe("trainStages with a stop request", () => {
  it("saves the checkpoint where it stopped and resumes that stage of a model with a nested backbone", async () => {
    const runDir = await fs.mkdtemp(path.join(directory, "run-"));
    const data = tabularData();
    const controller = new AbortController();
    const interrupted = await trainStages(definition(runDir), data, {}, {
      runDir,
      resume: false,
      quiet: true,
      signal: controller.signal,
      // The request arrives as the fine_tune stage begins.
      say: (line) => {
        if (line.startsWith("dlm: fine-tuning")) controller.abort("SIGINT");
      },
    });
    expect(interrupted.interrupted).toBe(true);
    expect(interrupted.epochsFinished).toBe(2);
    expect(interrupted.history.epochs).toEqual([0, 1]);
    interrupted.model.dispose();
    const point = await loadRunCheckpoint(runCheckpointDir(runDir));
    expect(point?.stage).toBe("fine_tune");
    expect(point?.epoch).toBe(2);
    point?.model.dispose();
    point?.optimizer.dispose();

    const said: string[] = [];
    const resumed = await trainStages(definition(runDir), data, {}, { runDir, resume: true, quiet: true, say: (line) => said.push(line) });
    expect(said[0]).toMatch(/^dlm: resuming fine_tune at epoch 3 from/);
    expect(resumed.interrupted).toBe(false);
    expect(resumed.history.epochs).toEqual([0, 1, 2, 3]);
    resumed.model.dispose();

    // The same checkpoint refuses a model whose head changed.
    await expect(
      trainStages(definition(runDir, 3), data, {}, { runDir, resume: true, quiet: true, say: () => undefined }),
    ).rejects.toThrow(/changed since this checkpoint was saved \(layer 2 \(dense\): units was 2, now 3\)/);
    tf.dispose([data.train.x, data.train.y]);
  });
});
