/**
 * Data-parallel training (runtime/parallel/): two workers train to the same weights as one
 * on the same global batches, a batch-norm model still learns, and a worker that dies
 * fails the run with its name while the last checkpoint stays as it was.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelCheckpoint } from "../../../runtime/callbacks/model-checkpoint.js";
import { Callback } from "../../../runtime/callbacks/callback.js";
import { workerPoolEvents, type WorkerPool } from "../../../runtime/parallel/worker-pool.js";
import { train, type TrainOptions } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import {
  denseClassifier,
  denseRegressor,
  disposeData,
  maxDifference,
  pseudoRandom,
  tinyClassification,
  tinyRegression,
  useCpuBackend,
  weightValues,
} from "../train/fixtures.js";

beforeAll(useCpuBackend);

/** `size` examples of the given feature shape, three classes, whose class shifts the features. */
function shapedClassification(size: number, featureShape: number[]): PreparedData {
  const width = featureShape.reduce((product, value) => product * value, 1);
  const features = new Float32Array(size * width);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < width; j++) features[i * width + j] = pseudoRandom(i, j) + 0.5 * (i % 3) * (j % 2);
  }
  return {
    info: { task: "classification", featureShape, classes: ["a", "b", "c"], modality: "tabular" },
    train: { x: tf.tensor(features, [size, ...featureShape]), y: tf.tensor1d(labels, "int32"), size },
    preprocessing: { normalize: { kind: "none" } },
  };
}

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

function convClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: seeded(3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(4) }),
    ],
  });
}

function lstmClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.lstm({
        inputShape: [5, 2],
        units: 4,
        kernelInitializer: seeded(5),
        recurrentInitializer: tf.initializers.glorotUniform({ seed: 6 }),
      }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(7) }),
    ],
  });
}

function batchNormClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 16, kernelInitializer: seeded(8) }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(9) }),
    ],
  });
}

/** Trains a fresh model on `data` with `workers` workers; returns its weights. */
async function trainedWeights(
  build: () => tf.LayersModel,
  data: PreparedData,
  workers: number,
  options: Partial<TrainOptions> = {},
): Promise<number[][]> {
  const model = build();
  await train(model, data, {
    epochs: 1,
    batchSize: 16,
    optimizer: { name: "adam", learningRate: 0.01 },
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
    workers,
    ...options,
  });
  const weights = weightValues(model);
  model.dispose();
  return weights;
}

describe("two workers train as one on the same global batches", () => {
  const cases: [string, () => tf.LayersModel, () => PreparedData][] = [
    ["dense", () => denseClassifier(2, 3, 8, 1), () => tinyClassification(48, 12)],
    ["conv", convClassifier, () => shapedClassification(48, [6, 6, 1])],
    ["lstm", lstmClassifier, () => shapedClassification(48, [5, 2])],
  ];
  for (const [name, build, makeData] of cases) {
    it(`${name}: weights within 1e-5 after 3 Adam steps`, async () => {
      const data = makeData();
      try {
        const initial = build();
        const start = weightValues(initial);
        initial.dispose();
        const one = await trainedWeights(build, data, 1);
        const two = await trainedWeights(build, data, 2);
        expect(maxDifference(one, start)).toBeGreaterThan(1e-3); // the steps moved the weights
        expect(maxDifference(one, two)).toBeLessThan(1e-5);
      } finally {
        disposeData(data);
      }
    });
  }
});

describe("two workers on the other loss paths", () => {
  it("weigh a class-weighted loss and regress float targets as one worker does", async () => {
    const classes = tinyClassification(48, 12);
    const regression = tinyRegression(48, 12);
    try {
      const weighted = { classWeight: "balanced" as const };
      const oneWeighted = await trainedWeights(() => denseClassifier(2, 3, 8, 1), classes, 1, weighted);
      const twoWeighted = await trainedWeights(() => denseClassifier(2, 3, 8, 1), classes, 2, weighted);
      expect(maxDifference(oneWeighted, twoWeighted)).toBeLessThan(1e-5);
      const regress = { loss: "mse" as const, metrics: ["mae"] };
      const oneRegressed = await trainedWeights(() => denseRegressor(3, 1, 2), regression, 1, regress);
      const twoRegressed = await trainedWeights(() => denseRegressor(3, 1, 2), regression, 2, regress);
      expect(maxDifference(oneRegressed, twoRegressed)).toBeLessThan(1e-5);
    } finally {
      disposeData(classes);
      disposeData(regression);
    }
  });
});

describe("batch norm under two workers", () => {
  it("learns the classes as one worker does, with the moving averages taken from the workers' batches", async () => {
    const data = tinyClassification(96, 48);
    const accuracy = async (workers: number) => {
      const model = batchNormClassifier();
      const history = await train(model, data, {
        epochs: 15,
        batchSize: 16,
        optimizer: { name: "adam", learningRate: 0.02 },
        loss: "sparse_categorical_crossentropy",
        metrics: ["accuracy"],
        workers,
      });
      const movingMean = model.getWeights()[6]!.dataSync(); // dense kernel, bias, gamma, beta, then moving mean
      model.dispose();
      return { accuracy: history.logs["val_accuracy"]!.at(-1)!, movingMean: Array.from(movingMean) };
    };
    try {
      const one = await accuracy(1);
      const two = await accuracy(2);
      expect(one.accuracy).toBeGreaterThan(0.9);
      expect(two.accuracy).toBeGreaterThan(0.9);
      expect(two.movingMean.some((value) => value !== 0)).toBe(true);
    } finally {
      disposeData(data);
    }
  });
});

/** The sha-256 of every file under `dir`, by relative path. */
async function hashFolder(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const name of (await fs.readdir(dir)).sort()) {
    hashes[name] = createHash("sha256").update(await fs.readFile(path.join(dir, name))).digest("hex");
  }
  return hashes;
}

describe("a worker that dies", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-workers-"));
  });
  afterAll(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  it("fails the run with `worker 1 stopped: …` and leaves the last checkpoint as it was", async () => {
    const data = tinyClassification(48, 12);
    const checkpointDir = path.join(folder, "checkpoint");
    let pool: WorkerPool | undefined;
    const remember = (started: WorkerPool) => (pool = started);
    workerPoolEvents.on("start", remember);
    let afterFirstEpoch: Record<string, string> | undefined;
    /** Records the checkpoint after epoch 0, then stops worker 1 in the middle of epoch 1. */
    class CrashWorkerInEpochTwo extends Callback {
      override async onEpochEnd(epoch: number): Promise<void> {
        if (epoch === 0) afterFirstEpoch = await hashFolder(checkpointDir);
      }
      override async onBatchEnd(batch: number): Promise<void> {
        if (afterFirstEpoch !== undefined && batch === 1) await pool?.crashWorker(1);
      }
    }
    const model = denseClassifier(2, 3, 8, 1);
    try {
      const run = train(model, data, {
        epochs: 3,
        batchSize: 8,
        optimizer: { name: "adam" },
        loss: "sparse_categorical_crossentropy",
        workers: 2,
        callbacks: [modelCheckpoint({ path: checkpointDir, saveBestOnly: false }), new CrashWorkerInEpochTwo()],
      });
      await expect(run).rejects.toThrow(/^worker 1 stopped: /);
      expect(afterFirstEpoch).toBeDefined();
      expect(await hashFolder(checkpointDir)).toEqual(afterFirstEpoch);
    } finally {
      workerPoolEvents.off("start", remember);
      model.dispose();
      disposeData(data);
    }
  });
});

/** A layer class registered in this thread only: a gradient worker cannot rebuild a model holding it. */
class ThisThreadOnlyScale extends tf.layers.Layer {
  static readonly className = "ThisThreadOnlyScale";
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
  }
}
tf.serialization.registerClass(ThisThreadOnlyScale);

describe("workers that cannot start", () => {
  it("train on one worker instead, with a warning, to the one-worker weights", async () => {
    const data = tinyClassification(48, 12);
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [2], units: 8, activation: "relu", kernelInitializer: seeded(10) }),
          new ThisThreadOnlyScale({}),
          tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(11) }),
        ],
      });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const one = await trainedWeights(build, data, 1);
      const two = await trainedWeights(build, data, 2);
      expect(warnings).toEqual([expect.stringMatching(/^dlm: 2 workers could not start \(worker 1 stopped: .*ThisThreadOnlyScale.*\); training on one worker$/)]);
      expect(two).toEqual(one);
    } finally {
      console.warn = warn;
      disposeData(data);
    }
  });
});
