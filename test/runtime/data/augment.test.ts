import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { makeAugmenter } from "../../../runtime/data/augment.js";
import type { AugmentStep } from "../../../runtime/data/spec.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const EVERY_STEP: readonly AugmentStep[] = [
  { kind: "flip", mode: "both" },
  { kind: "rotate", degrees: 15 },
  { kind: "crop", size: [8, 10], padding: 2 },
  { kind: "translate", pixels: 2 },
  { kind: "zoom", range: 0.2 },
  { kind: "brightness", delta: 0.1 },
  { kind: "contrast", range: 0.2 },
  { kind: "noise", stddev: 0.05 },
];

/** A batch of 4 distinct 8×10 RGB images. */
function sampleBatch(): tf.Tensor4D {
  return tf.tidy(() => tf.randomUniform([4, 8, 10, 3], 0, 1, "float32", 11) as tf.Tensor4D);
}

describe("makeAugmenter", () => {
  it("flip(horizontal) with probability 1 equals tf.image.flipLeftRight exactly", () => {
    const batch = sampleBatch();
    const augmented = makeAugmenter([{ kind: "flip", mode: "horizontal" }], { flipProbability: 1 })(batch, 3);
    const expected = tf.image.flipLeftRight(batch);
    expect(augmented.arraySync()).toEqual(expected.arraySync());
    tf.dispose([batch, augmented, expected]);
  });

  it("flip with probability 0.5 mirrors some examples and leaves the others untouched", () => {
    const batch = tf.tidy(() => tf.randomUniform([32, 4, 5, 1], 0, 1, "float32", 5) as tf.Tensor4D);
    const augmented = makeAugmenter([{ kind: "flip", mode: "horizontal" }])(batch, 9);
    const mirrored = tf.image.flipLeftRight(batch);
    const [input, output, flipped] = [batch, augmented, mirrored].map((t) => t.arraySync() as number[][][][]);
    const kinds = output!.map((image, i) =>
      JSON.stringify(image) === JSON.stringify(input![i])
        ? "kept"
        : JSON.stringify(image) === JSON.stringify(flipped![i])
          ? "flipped"
          : "other",
    );
    expect(kinds).not.toContain("other");
    expect(kinds).toContain("kept");
    expect(kinds).toContain("flipped");
    tf.dispose([batch, augmented, mirrored]);
  });

  it("keeps the batch shape through every step, and content in every example", () => {
    const batch = sampleBatch();
    for (const step of EVERY_STEP) {
      const augmented = makeAugmenter([step])(batch, 1);
      expect({ step: step.kind, shape: augmented.shape }).toEqual({ step: step.kind, shape: [4, 8, 10, 3] });
      expect(augmented.dtype).toBe("float32");
      // Guards the cpu Transform kernel bug, which leaves every example after the first all zero.
      const peaks = tf.tidy(() => [...tf.max(augmented, [1, 2, 3]).dataSync()]);
      expect({ step: step.kind, empty: peaks.filter((peak) => peak <= 0).length }).toEqual({
        step: step.kind,
        empty: 0,
      });
      augmented.dispose();
    }
    batch.dispose();
  });

  it("is deterministic under a seed and changes with it", () => {
    const batch = sampleBatch();
    const augment = makeAugmenter(EVERY_STEP);
    const [a, b, c] = [augment(batch, 42), augment(batch, 42), augment(batch, 43)];
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(a.arraySync()).not.toEqual(c.arraySync());
    tf.dispose([batch, a, b, c]);
  });

  for (const step of [
    { kind: "crop", size: [5, 6], padding: 1 },
    { kind: "translate", pixels: 1 },
  ] as const) {
    it(`${step.kind} moves each image by whole pixels with zero fill`, () => {
      // crop with the input's own size after padding is the CIFAR pad-and-crop: a shift of up to `padding`.
      const batch = tf.tidy(() => tf.range(1, 1 + 3 * 30).reshape([3, 5, 6, 1]) as tf.Tensor4D);
      const augmented = makeAugmenter([step])(batch, 5);
      const input = batch.arraySync() as number[][][][];
      const output = augmented.arraySync() as number[][][][];
      output.forEach((image, i) => expect(shiftOf(input[i]!, image, 1)).toBeDefined());
      tf.dispose([batch, augmented]);
    });
  }

  it("leaves no tensor behind but its result", () => {
    const batch = sampleBatch();
    const before = tf.memory().numTensors;
    const augmented = makeAugmenter(EVERY_STEP)(batch, 7);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([batch, augmented]);
  });
});

/** The (dy, dx) within `reach` such that `output` is `input` shifted with zero fill, if any. */
function shiftOf(input: number[][][], output: number[][][], reach: number): [number, number] | undefined {
  const height = input.length;
  const width = input[0]!.length;
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      let same = true;
      for (let y = 0; y < height && same; y++) {
        for (let x = 0; x < width && same; x++) {
          const sourceY = y + dy;
          const sourceX = x + dx;
          const inside = sourceY >= 0 && sourceY < height && sourceX >= 0 && sourceX < width;
          const expected = inside ? input[sourceY]![sourceX]![0]! : 0;
          same = Math.abs(output[y]![x]![0]! - expected) < 1e-3;
        }
      }
      if (same) return [dy, dx];
    }
  }
  return undefined;
}
