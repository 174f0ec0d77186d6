import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { learningRateScheduler } from "../../../runtime/callbacks/learning-rate-scheduler.js";
import { reduceLrOnPlateau } from "../../../runtime/callbacks/reduce-lr-on-plateau.js";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
import { createOptimizer, getLearningRate, stepDecay, type OptimizerSpec } from "../../../runtime/optimizers.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import {
  denseClassifier,
  disposeData,
  maxDifference,
  tinyClassification,
  useCpuBackend,
  weightValues,
} from "../train/fixtures.js";

/** Snapshots the weights at each epoch end. */
class WeightsPerEpoch extends Callback {
  readonly snapshots: number[][][] = [];
  override async onEpochEnd(): Promise<void> {
    this.snapshots.push(weightValues(this.context.model));
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

let data: PreparedData;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
});
afterAll(() => disposeData(data));

const optimizers: OptimizerSpec[] = [
  { name: "adam", learningRate: 0.05 },
  { name: "rmsprop", learningRate: 0.05 },
  { name: "sgd", learningRate: 0.05 },
  { name: "sgd", learningRate: 0.05, momentum: 0.9 },
];

describe("learningRateScheduler", () => {
  for (const spec of optimizers) {
    it(`changes the effective learning rate of ${spec.name}${spec.momentum ? " with momentum" : ""}`, async () => {
      const model = denseClassifier(2, 3);
      const snapshots = new WeightsPerEpoch();
      // Epoch 1 runs at rate 0: if the rate really reaches the update, the weights freeze for that epoch.
      const schedule = (epoch: number): number => [0.05, 0, 0.01][epoch] ?? 0;
      const history = await train(model, data, {
        epochs: 3,
        batchSize: 8,
        optimizer: spec,
        loss: "sparse_categorical_crossentropy",
        callbacks: [learningRateScheduler(schedule), snapshots],
      });
      expect(history.logs["lr"]).toEqual([0.05, 0, 0.01]);
      const [first, second, third] = snapshots.snapshots;
      expect(maxDifference(first!, second!)).toBe(0);
      expect(maxDifference(second!, third!)).toBeGreaterThan(0);
      model.dispose();
    });
  }

  it("applies a step_decay schedule per epoch", async () => {
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 4,
      optimizer: { name: "adam", learningRate: 0.1 },
      loss: "sparse_categorical_crossentropy",
      callbacks: [learningRateScheduler(stepDecay({ initialLearningRate: 0.1, every: 2, factor: 0.1 }))],
    });
    expect(history.logs["lr"]!.map((lr) => Number(lr.toPrecision(6)))).toEqual([0.1, 0.1, 0.01, 0.01]);
    model.dispose();
  });
});

describe("reduceLrOnPlateau", () => {
  for (const spec of optimizers.slice(0, 3)) {
    it(`multiplies ${spec.name}'s learning rate by factor after patience epochs without improvement`, async () => {
      const model = denseClassifier(2, 3);
      const optimizer = createOptimizer(spec);
      const messages: string[] = [];
      const history = await train(model, data, {
        epochs: 7,
        batchSize: 16,
        optimizer,
        loss: "sparse_categorical_crossentropy",
        callbacks: [
          new ScriptedScore([5, 4, 4, 4, 4, 4, 4]),
          reduceLrOnPlateau({
            monitor: "score",
            mode: "min",
            patience: 2,
            factor: 0.5,
            minLr: 0.02,
            log: (m) => messages.push(m),
          }),
        ],
      });
      // Logged lr is the rate used during the epoch: the reduction at the end of epoch index 3 shows from index 4.
      expect(history.logs["lr"]).toEqual([0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02]);
      expect(getLearningRate(optimizer)).toBe(0.02);
      expect(messages).toEqual([
        "epoch 4: reduce_lr_on_plateau reducing learning rate to 0.025",
        "epoch 6: reduce_lr_on_plateau reducing learning rate to 0.02",
      ]);
      model.dispose();
      optimizer.dispose();
    });
  }

  it("pauses counting for `cooldown` epochs after a reduction (Keras's counter)", async () => {
    const rates = async (cooldown: number): Promise<number[]> => {
      const model = denseClassifier(2, 3);
      const history = await train(model, data, {
        epochs: 6,
        batchSize: 48,
        optimizer: { name: "sgd", learningRate: 1 },
        loss: "sparse_categorical_crossentropy",
        callbacks: [
          new ScriptedScore([1, 1, 1, 1, 1, 1]),
          reduceLrOnPlateau({ monitor: "score", mode: "min", patience: 1, factor: 0.5, cooldown, log: () => {} }),
        ],
      });
      model.dispose();
      return history.logs["lr"]!;
    };
    expect(await rates(0)).toEqual([1, 1, 0.5, 0.25, 0.125, 0.0625]);
    expect(await rates(2)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });
});
