/**
 * Dropout is drawn from (seed, step): a fresh mask at every step, the same masks for the
 * same seed, other masks for another seed — for `dropout` and for the dropout of recurrent
 * layers. TF.js's `Dropout({seed})` would repeat one mask; an unseeded one would never repeat.
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Callback, type Logs } from "../../../runtime/callbacks/callback.js";
import { train } from "../../../runtime/train.js";
import type { PreparedData } from "../../../runtime/prepared-data.js";
import { disposeData, useCpuBackend } from "./fixtures.js";

/** `Math.random` before any training, to see that the runs put it back. */
const originalRandom = Math.random;
const FEATURES = 10;
const EXAMPLES = 12;

/** Every batch's loss, in order. */
class BatchLosses extends Callback {
  readonly losses: number[] = [];
  override async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    this.losses.push(logs["loss"]!);
  }
}

/**
 * `dropout(0.5)` then a frozen `dense(1)` whose kernel is 1, 2, 4, …: on an input of ones the
 * output is 2 × Σ 2^j over the features the mask keeps, so a step's mae loss (the target is 0)
 * spells out its mask in binary.
 */
function maskReader(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dropout({ rate: 0.5, inputShape: [FEATURES] }),
      tf.layers.dense({ units: 1, useBias: false, trainable: false, kernelInitializer: "zeros" }),
    ],
  });
  model.layers[1]!.setWeights([
    tf.tensor2d(
      Array.from({ length: FEATURES }, (_, j) => 2 ** j),
      [FEATURES, 1],
    ),
  ]);
  return model;
}

function onesData(): PreparedData {
  return {
    info: { task: "regression", featureShape: [FEATURES], targets: 1, modality: "tabular" },
    train: { x: tf.ones([EXAMPLES, FEATURES]), y: tf.zeros([EXAMPLES, 1]), size: EXAMPLES },
    preprocessing: { normalize: { kind: "none" } },
  };
}

/** The mask of every step (batch size 1, epochs `initialEpoch` to 2) of a run seeded `seed`, as bit strings. */
async function masksOfRun(seed: number, initialEpoch = 0): Promise<string[]> {
  const model = maskReader();
  const data = onesData();
  const losses = new BatchLosses();
  try {
    await train(model, data, {
      epochs: 2,
      initialEpoch,
      batchSize: 1,
      seed,
      optimizer: { name: "sgd" },
      loss: "mae",
      callbacks: [losses],
    });
  } finally {
    model.dispose();
    disposeData(data);
  }
  return losses.losses.map((loss) => {
    expect(Number.isInteger(loss / 2)).toBe(true);
    return (loss / 2).toString(2).padStart(FEATURES, "0");
  });
}

beforeAll(useCpuBackend);

describe("seeded dropout", () => {
  let first: string[];
  beforeAll(async () => {
    first = await masksOfRun(7);
  });

  it("draws a fresh mask at each step of one run", () => {
    expect(first).toHaveLength(2 * EXAMPLES);
    // 24 masks of 10 features: a repeated mask would show as few distinct values.
    expect(new Set(first).size).toBeGreaterThan(first.length - 3);
    const kept = first
      .join("")
      .split("")
      .filter((bit) => bit === "1").length;
    expect(kept / (first.length * FEATURES)).toBeGreaterThan(0.35);
    expect(kept / (first.length * FEATURES)).toBeLessThan(0.65);
  });

  it("draws the same masks for the same seed and others for another seed", async () => {
    expect(await masksOfRun(7)).toEqual(first);
    const other = await masksOfRun(8);
    expect(other).not.toEqual(first);
  });

  it("draws in a run resumed at the second epoch the masks the whole run drew there", async () => {
    expect(await masksOfRun(7, 1)).toEqual(first.slice(EXAMPLES));
  });

  it("puts Math.random back after each step", () => {
    expect(Math.random).toBe(originalRandom);
  });
});

describe("seeded recurrent dropout", () => {
  const data = (): PreparedData => {
    const values = Array.from({ length: 16 * 5 * 3 }, (_, i) => Math.sin(i * 0.7));
    return {
      info: { task: "regression", featureShape: [5, 3], targets: 1, modality: "series" },
      train: { x: tf.tensor3d(values, [16, 5, 3]), y: tf.tensor2d(values.slice(0, 16), [16, 1]), size: 16 },
      preprocessing: { normalize: { kind: "none" } },
    };
  };
  /** The loss history of an LSTM with input and recurrent dropout, same initial weights every time. */
  const lossesOfRun = async (seed: number): Promise<number[]> => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({
          units: 4,
          inputShape: [5, 3],
          dropout: 0.5,
          recurrentDropout: 0.5,
          kernelInitializer: "ones",
          recurrentInitializer: "ones",
        }),
        tf.layers.dense({ units: 1, kernelInitializer: "ones" }),
      ],
    });
    const prepared = data();
    const losses = new BatchLosses();
    try {
      await train(model, prepared, {
        epochs: 2,
        batchSize: 4,
        seed,
        optimizer: { name: "sgd", learningRate: 0.01 },
        loss: "mse",
        callbacks: [losses],
      });
    } finally {
      model.dispose();
      disposeData(prepared);
    }
    return losses.losses;
  };

  it("repeats exactly with the same seed and differs with another", async () => {
    const first = await lossesOfRun(3);
    expect(await lossesOfRun(3)).toEqual(first);
    expect(await lossesOfRun(4)).not.toEqual(first);
  });
});

afterAll(() => tf.disposeVariables());
