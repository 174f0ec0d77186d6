import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { makeAugmenter } from "../../../runtime/data/augment.js";
import { batches } from "../../../runtime/data/batches.js";
import type { Split } from "../../../runtime/prepared-data.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** 10 images 2×2×1 whose pixels all equal their row number, labels = row number. */
function numberedSplit(): Split {
  return {
    x: tf.tidy(() => tf.range(0, 10).reshape([10, 1, 1, 1]).tile([1, 2, 2, 1])),
    y: tf.range(0, 10, 1, "int32"),
    size: 10,
  };
}

describe("batches", () => {
  it("visits every row once, in order without shuffle, the last batch short", () => {
    const split = numberedSplit();
    const seen: number[][] = [];
    for (const batch of batches(split, 4, { shuffle: false, seed: 0 })) {
      expect(batch.x.shape).toEqual([batch.size, 2, 2, 1]);
      seen.push([...batch.y.dataSync()]);
      tf.dispose([batch.x, batch.y]);
    }
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    tf.dispose([split.x, split.y]);
  });

  it("shuffles by seed, keeping x and y rows together", () => {
    const split = numberedSplit();
    const orderOf = (seed: number): number[] => {
      const order: number[] = [];
      for (const batch of batches(split, 3, { shuffle: true, seed })) {
        const labels = [...batch.y.dataSync()];
        const firstPixels = tf.tidy(() => [...batch.x.reshape([batch.size, 4]).slice([0, 0], [-1, 1]).dataSync()]);
        expect(firstPixels).toEqual(labels);
        order.push(...labels);
        tf.dispose([batch.x, batch.y]);
      }
      return order;
    };
    const first = orderOf(1);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(orderOf(1)).toEqual(first);
    expect(orderOf(2)).not.toEqual(first);
    tf.dispose([split.x, split.y]);
  });

  it("leaks nothing over 3 epochs of batching and augmentation", () => {
    const split = {
      x: tf.randomUniform([20, 8, 8, 3], 0, 1, "float32", 1),
      y: tf.range(0, 20, 1, "int32"),
      size: 20,
    };
    const augment = makeAugmenter([
      { kind: "flip", mode: "horizontal" },
      { kind: "rotate", degrees: 10 },
      { kind: "crop", size: [6, 6], padding: 1 },
      { kind: "translate", pixels: 1 },
      { kind: "noise", stddev: 0.01 },
    ]);
    const before = tf.memory().numTensors;
    let batchCount = 0;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const batch of batches(split, 6, { shuffle: true, seed: epoch })) {
        const augmented = augment(batch.x as tf.Tensor4D, epoch * 1000 + batchCount++);
        tf.dispose([batch.x, batch.y, augmented]);
      }
    }
    expect(batchCount).toBe(12);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([split.x, split.y]);
  });
});
