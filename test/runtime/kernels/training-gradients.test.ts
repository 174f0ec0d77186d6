import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../../../runtime/backend.js";
import { prepareBackends, randomValues, relativeError } from "./kernel-harness.js";

/** A loss over some variables: each case's gradients are compared between backends. */
interface GradientCase {
  readonly name: string;
  /** Shapes of the differentiated inputs, in the order `loss` takes them. */
  readonly shapes: readonly (readonly number[])[];
  readonly loss: (...inputs: tf.Tensor[]) => tf.Scalar;
}

/** Σ y · r with a fixed pseudo-random r, so every output element sends back a different gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.tensor(randomValues(y.size, 99), y.shape))) as tf.Scalar;
}

const CASES: readonly GradientCase[] = [
  {
    name: "conv2d, stride 2, same",
    shapes: [
      [2, 9, 8, 3],
      [3, 3, 3, 5],
    ],
    loss: (x, w) => weightedSum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same")),
  },
  {
    name: "conv2d, stride 1, valid",
    shapes: [
      [3, 7, 7, 2],
      [2, 3, 2, 4],
    ],
    loss: (x, w) => weightedSum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "valid")),
  },
  {
    name: "conv1d, stride 2",
    shapes: [
      [2, 11, 3],
      [3, 3, 4],
    ],
    loss: (x, w) => weightedSum(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 2, "same")),
  },
  {
    name: "conv2dTranspose, stride 2",
    shapes: [
      [2, 4, 4, 3],
      [3, 3, 5, 3],
    ],
    loss: (x, w) => weightedSum(tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 5], 2, "same")),
  },
  {
    name: "depthwise, multiplier 2, stride 2",
    shapes: [
      [2, 8, 7, 3],
      [3, 3, 3, 2],
    ],
    loss: (x, w) => weightedSum(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same")),
  },
  {
    name: "separable",
    shapes: [
      [2, 7, 7, 3],
      [3, 3, 3, 1],
      [1, 1, 3, 4],
    ],
    loss: (x, depthwise, pointwise) =>
      weightedSum(tf.separableConv2d(x as tf.Tensor4D, depthwise as tf.Tensor4D, pointwise as tf.Tensor4D, 1, "valid")),
  },
  {
    name: "embedding (gather by token ids)",
    shapes: [[20, 4]],
    loss: (table) =>
      weightedSum(
        tf.gather(
          table,
          tf.tensor2d(
            [
              [1, 5, 5, 19],
              [0, 1, 1, 7],
            ],
            [2, 4],
            "int32",
          ),
        ),
      ),
  },
  {
    name: "max pooling over negative values, then dense",
    shapes: [
      [2, 6, 6, 2],
      [18, 3],
    ],
    loss: (x, w) => {
      const pooled = tf.maxPool(tf.sub(x, 2) as tf.Tensor4D, 2, 2, "valid");
      return weightedSum(tf.matMul(tf.reshape(pooled, [2, 18]), w as tf.Tensor2D));
    },
  },
];

/** Every input gradient of `gradientCase`, flattened, on the current backend. */
function gradientsOf(gradientCase: GradientCase): Float32Array[] {
  const inputs = gradientCase.shapes.map((shape, index) =>
    tf.tensor(randomValues(tf.util.sizeFromShape([...shape]), 70 + index), [...shape]),
  );
  const gradients = tf.grads((...each: tf.Tensor[]) => gradientCase.loss(...each))(inputs);
  const values = gradients.map((gradient) => gradient.dataSync() as Float32Array);
  tf.dispose([...inputs, ...gradients]);
  return values;
}

/** cpu with its own kernels only: computed before any composed kernel is registered. */
const cpuReference = new Map<string, Float32Array[]>();

beforeAll(async () => {
  await prepareBackends();
  await tf.setBackend("cpu");
  for (const gradientCase of CASES) cpuReference.set(gradientCase.name, gradientsOf(gradientCase));
  await initBackend("wasm");
});

describe("training gradients on wasm with the composed kernels", () => {
  it.each(CASES.map((each) => [each.name, each] as const))("equal cpu's: %s", (_name, gradientCase) => {
    expect(tf.getBackend()).toBe("wasm");
    const tensorsBefore = tf.memory().numTensors;
    const wasm = gradientsOf(gradientCase);
    const cpu = cpuReference.get(gradientCase.name)!;
    wasm.forEach((gradient, index) => expect(relativeError(gradient, cpu[index])).toBeLessThanOrEqual(1e-4));
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe("model.fit on wasm", () => {
  it("trains a small conv net for two batches", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: "relu" }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: "same", activation: "relu" }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
    const xs = tf.tensor4d(randomValues(8 * 144, 5), [8, 12, 12, 1]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], "int32"), 3);
    const history = await model.fit(xs, ys, { batchSize: 4, epochs: 1, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it("trains an embedding + conv1d text model for two batches", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 10 }),
        tf.layers.conv1d({ filters: 6, kernelSize: 3, activation: "relu" }),
        tf.layers.globalMaxPooling1d(),
        tf.layers.dense({ units: 1, activation: "sigmoid" }),
      ],
    });
    model.compile({ optimizer: "adam", loss: "binaryCrossentropy" });
    const tokens = Int32Array.from({ length: 60 }, (_, index) => (index * 7) % 30);
    const xs = tf.tensor2d(tokens, [6, 10], "int32");
    const ys = tf.tensor2d([0, 1, 0, 1, 1, 0], [6, 1]);
    const history = await model.fit(xs, ys, { batchSize: 3, epochs: 1, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
