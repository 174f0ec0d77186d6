/**
 * Fine-tuning trains what `unfreeze` says: a backbone saved to disk, loaded with
 * `loadPretrained` under a new head, trained by the run's own stages (`train`, then
 * `fine_tune`). Every backbone weight that `unfreeze` names must change; every other one —
 * batch-norm moving statistics included — must stay bit-identical.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentDefinition } from "../../runtime/experiment.js";
import { saveModel } from "../../runtime/model-io.js";
import { loadPretrained } from "../../runtime/pretrained.js";
import { trainStages } from "../../runtime/run-stages.js";
import type { PreparedData } from "../../runtime/prepared-data.js";
import { findBackbones, type Unfreeze } from "../../runtime/unfreeze.js";
import { useCpuBackend } from "./train/fixtures.js";

let directory: string;
let backboneFile: string;
/** The saved backbone's weights by name (`conv_a/kernel`, `bn/moving_mean`, …). */
let saved: Map<string, Float32Array>;

beforeAll(async () => {
  await useCpuBackend();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-fine-tune-"));
  const input = tf.input({ shape: [6, 6, 1] });
  let x = tf.layers
    .conv2d({ name: "conv_a", filters: 3, kernelSize: 3, kernelInitializer: seeded(1) })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: "bn" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ name: "act", activation: "relu" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ name: "conv_b", filters: 2, kernelSize: 3, kernelInitializer: seeded(2) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: "features" }).apply(x) as tf.SymbolicTensor;
  const backbone = tf.model({ name: "backbone", inputs: input, outputs: x });
  // Moving statistics unlike a fresh layer's (0 and 1), as a pretrained model's are; a positive
  // beta keeps most ReLU units alive, so every weight the stage trains gets a gradient.
  const bn = backbone.getLayer("bn");
  bn.setWeights(bn.getWeights().map((weight, index) => tf.fill(weight.shape, [1.5, 0.5, 0.3, 2][index]!)));
  backboneFile = path.join(directory, "backbone");
  await saveModel(backboneFile, backbone);
  saved = weightsByName(backbone);
  backbone.dispose();
});

afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

/** A fixed initializer: unseeded ones could, now and then, leave every ReLU of the backbone dead (no gradient). */
function seeded(seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

function weightsByName(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((weight) => [weight.originalName, weight.read().dataSync() as Float32Array]));
}

/** 24 images of 6×6 with two classes (bright centre or not). */
function imageData(): PreparedData {
  const size = 24;
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < size; i++) {
    const label = i % 2;
    for (let p = 0; p < 36; p++)
      values.push(Math.abs(Math.sin(i * 7.1 + p * 3.3)) + (label === 1 && p % 7 === 0 ? 1 : 0));
    labels.push(label);
  }
  return {
    info: { task: "classification", featureShape: [6, 6, 1], classes: ["a", "b"], modality: "image" },
    train: { x: tf.tensor4d(values, [size, 6, 6, 1]), y: tf.tensor1d(labels, "int32"), size },
    preprocessing: { normalize: { kind: "none" } },
  };
}

function definition(unfreeze: Unfreeze, runDir: string): ExperimentDefinition {
  const stage = {
    optimizer: { name: "adam" as const, learningRate: 0.05 },
    loss: "sparse_categorical_crossentropy" as const,
    metrics: [],
    epochs: 1,
    batchSize: 8,
    callbacks: [],
  };
  return {
    name: "fine_tune_test",
    sourceFile: path.join(runDir, "test.dlm"),
    baseDir: runDir,
    seed: 3,
    backend: "cpu",
    data: { source: { kind: "builtin", name: "unused" } } as unknown as ExperimentDefinition["data"],
    buildModel: async () => {
      const input = tf.input({ shape: [6, 6, 1] });
      const backbone = await loadPretrained(path.join(backboneFile, "model.json"), { inputShape: [6, 6, 1] });
      let x = backbone.apply(input) as tf.SymbolicTensor;
      x = tf.layers
        .dense({ name: "head", units: 2, activation: "softmax", kernelInitializer: seeded(3) })
        .apply(x) as tf.SymbolicTensor;
      return tf.model({ name: "fine_tune_test", inputs: input, outputs: x });
    },
    train: stage,
    fineTune: { ...stage, epochs: 2, unfreeze },
    evaluate: { on: "test", metrics: [] },
  };
}

const ALL = ["conv_a/kernel", "conv_a/bias", "bn/gamma", "bn/beta", "conv_b/kernel", "conv_b/bias"];
const MOVING = ["bn/moving_mean", "bn/moving_variance"];

describe("fine_tune trains the backbone layers unfreeze names, and only those", () => {
  const cases: { unfreeze: Unfreeze; label: string; trained: string[] }[] = [
    { unfreeze: "all", label: "all", trained: ALL },
    // the backbone's layers: conv_a, bn, act, conv_b, features — the last two hold conv_b's weights
    { unfreeze: { last: 2 }, label: "last(2)", trained: ["conv_b/kernel", "conv_b/bias"] },
    { unfreeze: { from: "bn" }, label: "from(bn)", trained: ["bn/gamma", "bn/beta", "conv_b/kernel", "conv_b/bias"] },
    { unfreeze: "none", label: "none", trained: [] },
  ];
  for (const { unfreeze, label, trained } of cases) {
    it(`unfreeze: ${label}`, async () => {
      const runDir = await fs.mkdtemp(path.join(directory, "run-"));
      const said: string[] = [];
      const data = imageData();
      const outcome = await trainStages(
        definition(unfreeze, runDir),
        data,
        {},
        {
          runDir,
          resume: false,
          quiet: true,
          say: (line) => said.push(line),
        },
      );
      const [backbone] = findBackbones(outcome.model);
      const after = weightsByName(backbone!);
      expect([...after.keys()].sort()).toEqual([...ALL, ...MOVING].sort());
      for (const [name, values] of after) {
        const before = saved.get(name)!;
        if (trained.includes(name)) {
          expect(
            values.some((value, index) => value !== before[index]),
            `${name} should have trained; the run said: ${said.join(" | ")}`,
          ).toBe(true);
        } else {
          expect(Array.from(values), `${name} should be unchanged`).toEqual(Array.from(before));
        }
      }
      // The head always trains: the train stage (backbone frozen) and the fine_tune stage both report it.
      expect(said[0]).toBe("dlm: training: 2 trainable weight tensors, 18 of 116 parameters");
      const headParameters = 18;
      const backboneTrained = trained.reduce((sum, name) => sum + saved.get(name)!.length, 0);
      expect(said).toContain(
        `dlm: fine-tuning: ${2 + trained.length} trainable weight tensors, ${(headParameters + backboneTrained).toLocaleString("en-US")} of 116 parameters`,
      );
      outcome.model.dispose();
      tf.dispose([data.train.x, data.train.y]);
    });
  }
});
