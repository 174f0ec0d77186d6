import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { earlyStopping } from "../../../runtime/callbacks/early-stopping.js";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
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

/** Logs a scripted `score` per epoch and snapshots the weights at each epoch end. */
class ScriptedScore extends Callback {
  readonly weightsPerEpoch: number[][][] = [];
  constructor(private readonly scores: readonly number[]) {
    super();
  }
  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    logs["score"] = this.scores[epoch] ?? 0;
    this.weightsPerEpoch.push(weightValues(this.context.model));
  }
}

let data: PreparedData;
beforeAll(async () => {
  await useCpuBackend();
  data = tinyClassification();
});
afterAll(() => disposeData(data));

const trainWith = async (callbacks: Callback[], epochs = 8) => {
  const model = denseClassifier(2, 3);
  const history = await train(model, data, {
    epochs,
    batchSize: 8,
    optimizer: { name: "adam", learningRate: 0.05 },
    loss: "sparse_categorical_crossentropy",
    callbacks,
  });
  return { model, history };
};

describe("earlyStopping", () => {
  it("stops after `patience` epochs without improvement and restores the best epoch's weights", async () => {
    const scores = new ScriptedScore([3, 1, 2, 4, 0, 0, 0, 0]);
    const stopper = earlyStopping({ monitor: "score", mode: "min", patience: 2, restoreBestWeights: true });
    const { model, history } = await trainWith([scores, stopper]);
    expect(history.epochs).toEqual([0, 1, 2, 3]);
    expect(history.stoppedEarly).toBe(true);
    expect(history.stopReason).toMatch(/score did not improve for 2 epoch\(s\) \(best 1\.0000 at epoch 2\)/);
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.stoppedEpoch).toBe(3);
    const final = weightValues(model);
    expect(maxDifference(final, scores.weightsPerEpoch[1]!)).toBe(0);
    expect(maxDifference(final, scores.weightsPerEpoch[3]!)).toBeGreaterThan(0);
    model.dispose();
  });

  it("keeps the last weights without restoreBestWeights", async () => {
    const scores = new ScriptedScore([3, 1, 2, 4]);
    const { model } = await trainWith([scores, earlyStopping({ monitor: "score", mode: "min", patience: 2 })]);
    expect(maxDifference(weightValues(model), scores.weightsPerEpoch[3]!)).toBe(0);
    model.dispose();
  });

  it("restores the best weights at the end even when training was not stopped (Keras 3)", async () => {
    const scores = new ScriptedScore([0.5, 0.9, 0.7]);
    const stopper = earlyStopping({ monitor: "score", patience: 5, mode: "max", restoreBestWeights: true });
    const { model, history } = await trainWith([scores, stopper], 3);
    expect(history.stoppedEarly).toBeUndefined();
    expect(maxDifference(weightValues(model), scores.weightsPerEpoch[1]!)).toBe(0);
    model.dispose();
  });

  it("counts a change smaller than minDelta as no improvement", async () => {
    const scores = new ScriptedScore([1, 0.99, 0.98, 0.97]);
    const stopper = earlyStopping({ monitor: "score", mode: "min", patience: 1, minDelta: 0.05 });
    const { model, history } = await trainWith([scores, stopper], 4);
    expect(history.epochs).toEqual([0, 1]);
    model.dispose();
  });

  it("reads the direction of `auto` from the metric registry", () => {
    expect(earlyStopping({ monitor: "val_accuracy" }).monitor.higherIsBetter).toBe(true);
    expect(earlyStopping({ monitor: "val_r2" }).monitor.higherIsBetter).toBe(true);
    expect(earlyStopping({ monitor: "val_loss" }).monitor.higherIsBetter).toBe(false);
    expect(earlyStopping({ monitor: "mae" }).monitor.higherIsBetter).toBe(false);
  });

  it("warns once and never stops when the monitored name is not logged", async () => {
    const warnings: string[] = [];
    const { model, history } = await trainWith(
      [earlyStopping({ monitor: "val_f1", warn: (w) => warnings.push(w) })],
      3,
    );
    expect(history.epochs).toEqual([0, 1, 2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"val_f1" is not in the epoch logs \(available: loss, val_loss, lr\)/);
    model.dispose();
  });
});
