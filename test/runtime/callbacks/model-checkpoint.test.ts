import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, modelCheckpoint, readCheckpointState } from "../../../runtime/callbacks/model-checkpoint.js";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
import { createOptimizer } from "../../../runtime/optimizers.js";
import { train, type TrainOptions } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import {
  denseClassifier,
  disposeData,
  maxDifference,
  tinyClassification,
  useCpuBackend,
  weightValues,
} from "../train/fixtures.js";

/** Stops training at the end of a given epoch. */
class StopAfterEpoch extends Callback {
  constructor(private readonly epoch: number) {
    super();
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    if (epoch === this.epoch) this.context.stopTraining = true;
  }
}

/** Logs a scripted `score` per epoch. */
class ScriptedScore extends Callback {
  constructor(private readonly scores: readonly number[]) {
    super();
  }
  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    logs["score"] = this.scores[epoch] ?? 0;
  }
}

const optimizerState = async (optimizer: tf.Optimizer): Promise<{ name: string; values: number[] }[]> =>
  (await optimizer.getWeights()).map((weight) => ({ name: weight.name, values: Array.from(weight.tensor.dataSync()) }));

let data: PreparedData;
let directory: string;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
  directory = await fs.mkdtemp(path.join(os.tmpdir(), "dlm-checkpoint-"));
});
afterAll(async () => {
  disposeData(data);
  await fs.rm(directory, { recursive: true, force: true });
});

const options = (optimizer: tf.Optimizer, callbacks: Callback[]): TrainOptions => ({
  epochs: 4,
  batchSize: 8,
  seed: 3,
  optimizer,
  loss: "sparse_categorical_crossentropy",
  metrics: ["accuracy"],
  callbacks,
});

describe("modelCheckpoint + loadCheckpoint", () => {
  it("resumes a run stopped after epoch 2 with the saved optimizer state and ends where an uninterrupted run ends", async () => {
    const checkpointPath = path.join(directory, "resume");
    const model = denseClassifier(2, 3);
    const optimizer = createOptimizer({ name: "adam", learningRate: 0.02 });
    const firstRun = await train(
      model,
      data,
      options(optimizer, [modelCheckpoint({ path: checkpointPath, saveBestOnly: false }), new StopAfterEpoch(1)]),
    );
    expect(firstRun.epochs).toEqual([0, 1]);
    expect((await fs.readdir(checkpointPath)).sort()).toEqual([".dlm-bundle.json", "checkpoint.json", "model.json", "weights.bin"]);
    const savedOptimizer = await optimizerState(optimizer);

    const checkpoint = await loadCheckpoint(checkpointPath);
    expect(checkpoint.epoch).toBe(2);
    expect(checkpoint.history.epochs).toEqual([0, 1]);
    expect(checkpoint.optimizerRestored).toBe(true);
    expect(checkpoint.optimizer.getClassName()).toBe("Adam");
    expect(checkpoint.optimizer.iterations).toBe(12);
    const loadedOptimizer = await optimizerState(checkpoint.optimizer);
    expect(loadedOptimizer.map((w) => w.values)).toEqual(savedOptimizer.map((w) => w.values));
    expect(maxDifference(weightValues(checkpoint.model), weightValues(model))).toBe(0);

    const resumed = await train(checkpoint.model, data, {
      ...options(checkpoint.optimizer, []),
      initialEpoch: checkpoint.epoch,
      initialHistory: checkpoint.history,
    });
    expect(resumed.epochs).toEqual([0, 1, 2, 3]);
    expect(resumed.logs["loss"]).toHaveLength(4);
    expect(checkpoint.optimizer.iterations).toBe(24);

    const straight = denseClassifier(2, 3);
    const straightOptimizer = createOptimizer({ name: "adam", learningRate: 0.02 });
    const straightHistory = await train(straight, data, options(straightOptimizer, []));
    expect(maxDifference(weightValues(checkpoint.model), weightValues(straight))).toBeLessThan(1e-6);
    expect(resumed.logs["val_loss"]![3]).toBeCloseTo(straightHistory.logs["val_loss"]![3]!, 5);
    for (const disposable of [model, optimizer, checkpoint.model, checkpoint.optimizer, straight, straightOptimizer])
      disposable.dispose();
  });

  it("with saveBestOnly, saves only improving epochs and records the best value", async () => {
    const checkpointPath = path.join(directory, "best");
    const checkpoint = modelCheckpoint({ path: checkpointPath, monitor: "score", mode: "max" });
    const model = denseClassifier(2, 3);
    const optimizer = createOptimizer({ name: "sgd", learningRate: 0.1, momentum: 0.9 });
    await train(model, data, options(optimizer, [new ScriptedScore([0.2, 0.5, 0.4, 0.45]), checkpoint]));
    expect(checkpoint.savedEpochs).toEqual([0, 1]);
    const state = await readCheckpointState(checkpointPath);
    expect(state).toMatchObject({ epoch: 2, best: 0.5, monitor: "score", optimizerSaved: true });
    expect(state?.optimizer.className).toBe("Momentum");
    model.dispose();
    optimizer.dispose();
  });

  it("a resumed run only overwrites the checkpoint when it beats the saved best", async () => {
    const checkpointPath = path.join(directory, "resume-best");
    const model = denseClassifier(2, 3);
    const optimizer = createOptimizer({ name: "adam" });
    await train(model, data, {
      ...options(optimizer, [
        new ScriptedScore([0.9, 0.1]),
        modelCheckpoint({ path: checkpointPath, monitor: "score", mode: "min" }),
      ]),
      epochs: 2,
    });
    const loaded = await loadCheckpoint(checkpointPath);
    expect(loaded.epoch).toBe(2);
    const resumedCheckpoint = modelCheckpoint({ path: checkpointPath, monitor: "score", mode: "min" });
    await train(loaded.model, data, {
      ...options(loaded.optimizer, [new ScriptedScore([0, 0, 0.5, 0.05]), resumedCheckpoint]),
      initialEpoch: loaded.epoch,
      initialHistory: loaded.history,
    });
    expect(resumedCheckpoint.savedEpochs).toEqual([3]);
    expect((await readCheckpointState(checkpointPath))?.best).toBe(0.05);
    for (const disposable of [model, optimizer, loaded.model, loaded.optimizer]) disposable.dispose();
  });

  it("keeps training without optimizer slots for Adamax, whose state tfjs cannot export", async () => {
    const checkpointPath = path.join(directory, "adamax");
    const model = denseClassifier(2, 3);
    const optimizer = createOptimizer({ name: "adamax" });
    await train(model, data, {
      ...options(optimizer, [modelCheckpoint({ path: checkpointPath, saveBestOnly: false })]),
      epochs: 1,
    });
    const loaded = await loadCheckpoint(checkpointPath);
    expect(loaded.optimizerRestored).toBe(false);
    expect(loaded.optimizer.getClassName()).toBe("Adamax");
    for (const disposable of [model, optimizer, loaded.model, loaded.optimizer]) disposable.dispose();
  });
});
