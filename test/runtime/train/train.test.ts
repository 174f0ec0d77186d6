import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
import { perExampleLoss } from "../../../runtime/losses.js";
import { computeMetric } from "../../../runtime/metrics/index.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import {
  denseClassifier,
  denseRegressor,
  disposeData,
  maxDifference,
  tinyClassification,
  tinyRegression,
  useCpuBackend,
  weightValues,
} from "./fixtures.js";

/** Records every hook call as a string, in order. */
class HookRecorder extends Callback {
  readonly calls: string[] = [];
  override async onTrainBegin(): Promise<void> {
    this.calls.push("trainBegin");
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.calls.push(`epochBegin ${epoch}`);
  }
  override async onBatchBegin(batch: number): Promise<void> {
    this.calls.push(`batchBegin ${batch}`);
  }
  override async onBatchEnd(batch: number): Promise<void> {
    this.calls.push(`batchEnd ${batch}`);
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    this.calls.push(`epochEnd ${epoch}`);
  }
  override async onTrainEnd(): Promise<void> {
    this.calls.push("trainEnd");
  }
}

/** Sets stopTraining at a given epoch and batch. */
class StopAt extends Callback {
  private epoch = 0;
  constructor(
    private readonly stopEpoch: number,
    private readonly stopBatch: number,
  ) {
    super();
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }
  override async onBatchEnd(batch: number): Promise<void> {
    if (this.epoch === this.stopEpoch && batch === this.stopBatch) this.context.stopTraining = true;
  }
}

/** Counts live tensors at the end of each epoch. */
class TensorCounter extends Callback {
  readonly counts: number[] = [];
  override async onEpochEnd(): Promise<void> {
    this.counts.push(tf.memory().numTensors);
  }
}

let data: PreparedData;

beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
});

afterAll(() => disposeData(data));

describe("train", () => {
  it("learns a separable problem and logs Keras-style names per epoch", async () => {
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 12,
      batchSize: 8,
      optimizer: { name: "adam", learningRate: 0.05 },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy", "f1"],
    });
    expect(history.epochs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Object.keys(history.logs).sort()).toEqual([
      "accuracy",
      "f1",
      "loss",
      "lr",
      "val_accuracy",
      "val_f1",
      "val_loss",
    ]);
    const loss = history.logs["loss"]!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]! / 2);
    expect(history.logs["val_accuracy"]!.at(-1)).toBeGreaterThan(0.9);
    expect(history.logs["lr"]!.every((lr) => Math.abs(lr - 0.05) < 1e-12)).toBe(true);
    expect(history.stoppedEarly).toBeUndefined();
    model.dispose();
  });

  it("computes validation loss and metrics over the whole split in inference mode", async () => {
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 1,
      batchSize: 16,
      validationBatchSize: 5,
      optimizer: { name: "sgd", learningRate: 0.1 },
      loss: "categorical_crossentropy",
      metrics: ["accuracy", "auc"],
    });
    const validation = data.validation!;
    const predictions = model.predict(validation.x) as tf.Tensor;
    const expectedLoss = tf.tidy(
      () => perExampleLoss("categorical_crossentropy", validation.y, predictions).mean().dataSync()[0]!,
    );
    const probabilities = predictions.dataSync() as Float32Array;
    const labels = validation.y.dataSync() as Int32Array;
    const info = { task: "classification" as const, numClasses: 3 };
    expect(history.logs["val_loss"]![0]).toBeCloseTo(expectedLoss, 5);
    expect(history.logs["val_accuracy"]![0]).toBeCloseTo(computeMetric("accuracy", labels, probabilities, info), 10);
    expect(history.logs["val_auc"]![0]).toBeCloseTo(computeMetric("auc", labels, probabilities, info), 10);
    predictions.dispose();
    model.dispose();
  });

  it("calls hooks in Keras's order", async () => {
    const recorder = new HookRecorder();
    const model = denseClassifier(2, 3);
    const small: PreparedData = { ...data, train: { ...data.train }, validation: undefined };
    await train(model, small, {
      epochs: 2,
      batchSize: 32,
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
      callbacks: [recorder],
    });
    expect(recorder.calls).toEqual([
      "trainBegin",
      "epochBegin 0",
      "batchBegin 0",
      "batchEnd 0",
      "batchBegin 1",
      "batchEnd 1",
      "epochEnd 0",
      "epochBegin 1",
      "batchBegin 0",
      "batchEnd 0",
      "batchBegin 1",
      "batchEnd 1",
      "epochEnd 1",
      "trainEnd",
    ]);
    model.dispose();
  });

  it("stops after the batch where a callback sets stopTraining, still ending the epoch", async () => {
    const recorder = new HookRecorder();
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 5,
      batchSize: 8,
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
      callbacks: [new StopAt(1, 2), recorder],
    });
    expect(history.epochs).toEqual([0, 1]);
    expect(history.stoppedEarly).toBe(true);
    expect(recorder.calls.slice(-3)).toEqual(["batchEnd 2", "epochEnd 1", "trainEnd"]);
    model.dispose();
  });

  it("keeps the number of live tensors flat across epochs and releases everything it made", async () => {
    const model = denseClassifier(2, 3);
    const before = tf.memory().numTensors;
    const counter = new TensorCounter();
    await train(model, data, {
      epochs: 4,
      batchSize: 8,
      optimizer: { name: "adam" },
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      classWeight: "balanced",
      callbacks: [counter],
    });
    expect(new Set(counter.counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("updates only trainable weights", async () => {
    const model = denseClassifier(2, 3);
    model.getLayer("hidden").trainable = false;
    const layerWeights = (name: string): number[][] =>
      model
        .getLayer(name)
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    const [hiddenBefore, outputBefore] = [layerWeights("hidden"), layerWeights("output")];
    await train(model, data, {
      epochs: 2,
      batchSize: 8,
      optimizer: { name: "sgd", learningRate: 0.5 },
      loss: "sparse_categorical_crossentropy",
    });
    expect(maxDifference(hiddenBefore, layerWeights("hidden"))).toBe(0);
    expect(maxDifference(outputBefore, layerWeights("output"))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it("runs dropout and batch normalisation in training mode during the step", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.batchNormalization({ name: "norm" }),
        tf.layers.dropout({ rate: 0.9 }),
        tf.layers.dense({
          units: 3,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        }),
      ],
    });
    const sameSplit: PreparedData = { ...data, validation: data.train };
    // A zero learning rate leaves trainable weights alone, so only the mode differs between the two losses.
    const history = await train(model, sameSplit, {
      epochs: 1,
      batchSize: 48,
      shuffle: false,
      optimizer: { name: "sgd", learningRate: 0 },
      loss: "sparse_categorical_crossentropy",
    });
    expect(Math.abs(history.logs["loss"]![0]! - history.logs["val_loss"]![0]!)).toBeGreaterThan(1e-3);
    const movingMean = model.getLayer("norm").getWeights()[2]!;
    expect(Math.max(...Array.from(movingMean.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    model.dispose();
  });

  it("scales each example's loss by its class weight", async () => {
    const run = async (classWeight?: Record<string, number>): Promise<number> => {
      const model = denseClassifier(2, 3);
      const history = await train(model, data, {
        epochs: 1,
        batchSize: 48,
        optimizer: { name: "sgd", learningRate: 0 },
        loss: "sparse_categorical_crossentropy",
        ...(classWeight === undefined ? {} : { classWeight }),
      });
      model.dispose();
      return history.logs["loss"]![0]!;
    };
    const plain = await run();
    expect(await run({ a: 3, b: 3, "2": 3 })).toBeCloseTo(plain * 3, 5);
    expect(await run({ a: 0, b: 0, c: 0 })).toBe(0);
  });

  it("augments every training batch with a distinct seed", async () => {
    const seeds: number[] = [];
    const augmented: PreparedData = {
      ...data,
      augment: (batch, seed) => {
        seeds.push(seed);
        return tf.mul(batch, 0);
      },
    };
    const model = denseClassifier(2, 3);
    await train(model, augmented, {
      epochs: 2,
      batchSize: 16,
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
    });
    expect(seeds).toHaveLength(6);
    expect(new Set(seeds).size).toBe(6);
    model.dispose();
  });

  it("is reproducible for a seed", async () => {
    const weightsAfter = async (seed: number): Promise<number[][]> => {
      const model = denseClassifier(2, 3);
      await train(model, data, {
        epochs: 2,
        batchSize: 8,
        seed,
        optimizer: { name: "adam" },
        loss: "sparse_categorical_crossentropy",
      });
      const weights = weightValues(model);
      model.dispose();
      return weights;
    };
    expect(maxDifference(await weightsAfter(5), await weightsAfter(5))).toBe(0);
    expect(maxDifference(await weightsAfter(5), await weightsAfter(6))).toBeGreaterThan(0);
  });

  it("continues a history from initialEpoch", async () => {
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 4,
      initialEpoch: 2,
      initialHistory: { epochs: [0, 1], logs: { loss: [9, 8], val_loss: [9, 8], lr: [0.01, 0.01] } },
      optimizer: { name: "sgd" },
      loss: "sparse_categorical_crossentropy",
    });
    expect(history.epochs).toEqual([0, 1, 2, 3]);
    expect(history.logs["loss"]!.slice(0, 2)).toEqual([9, 8]);
    expect(history.logs["loss"]).toHaveLength(4);
    model.dispose();
  });

  it("trains a regressor with regression metrics", async () => {
    const regression = tinyRegression();
    const model = denseRegressor(3);
    const logged: Logs[] = [];
    class Collect extends Callback {
      override async onEpochEnd(_epoch: number, logs: Logs): Promise<void> {
        logged.push(logs);
      }
    }
    const history = await train(model, regression, {
      epochs: 30,
      batchSize: 8,
      optimizer: { name: "adam", learningRate: 0.05 },
      loss: "mse",
      metrics: ["mae", "rmse", "r2"],
      callbacks: [new Collect()],
    });
    expect(history.logs["val_r2"]!.at(-1)).toBeGreaterThan(0.9);
    const last = logged.at(-1)!;
    expect(last["val_rmse"]).toBeCloseTo(Math.sqrt(last["val_loss"]!), 5);
    model.dispose();
    disposeData(regression);
  });
});
