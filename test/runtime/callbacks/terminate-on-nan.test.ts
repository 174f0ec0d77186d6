import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { terminateOnNaN } from "../../../runtime/callbacks/terminate-on-nan.js";
import { Callback } from "../../../runtime/callbacks/callback.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { denseClassifier, useCpuBackend } from "../train/fixtures.js";

/** Counts finished batches. */
class BatchCounter extends Callback {
  batches = 0;
  override async onBatchEnd(): Promise<void> {
    this.batches += 1;
  }
}

beforeAll(useCpuBackend);

describe("terminateOnNaN", () => {
  it("stops at the first NaN loss, naming epoch and batch and suggesting a lower learning rate", async () => {
    // 12 examples in batches of 4; the 6th example holds a NaN, so batch 2 of epoch 1 has a NaN loss.
    const features = Array.from({ length: 24 }, (_, i) => (i === 11 ? Number.NaN : (i % 5) / 5));
    const data: PreparedData = {
      info: { task: "classification", featureShape: [2], classes: ["a", "b", "c"], modality: "tabular" },
      train: {
        x: tf.tensor2d(features, [12, 2]),
        y: tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], "int32"),
        size: 12,
      },
      preprocessing: { normalize: { kind: "none" } },
    };
    const messages: string[] = [];
    const counter = new BatchCounter();
    const model = denseClassifier(2, 3);
    const history = await train(model, data, {
      epochs: 3,
      batchSize: 4,
      shuffle: false,
      optimizer: { name: "sgd", learningRate: 0.1 },
      loss: "sparse_categorical_crossentropy",
      callbacks: [terminateOnNaN({ log: (message) => messages.push(message) }), counter],
    });
    expect(counter.batches).toBe(2);
    expect(history.stoppedEarly).toBe(true);
    expect(history.epochs).toEqual([0]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toBe(
      "terminate_on_nan: the loss became NaN at epoch 1, batch 2; training stopped. " +
        "Try a lower learning rate (it is 0.1), e.g. 0.01, or check the data for NaN values.",
    );
    expect(history.stopReason).toBe(messages[0]);
    model.dispose();
    tf.dispose([data.train.x, data.train.y]);
  });
});
