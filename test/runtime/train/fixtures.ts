/**
 * Small hand-built data sets and models for the training, callback and model-io tests:
 * deterministic values, a few dozen examples, seeded initialisers.
 */
import * as tf from "@tensorflow/tfjs";
import type { PreparedData, Split } from "../../../runtime/prepared-data.js";

/** Switches to the cpu backend once per test file (quiet, deterministic). */
export async function useCpuBackend(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  await tf.ready();
}

/** A deterministic value in [0, 1) for example `i`, feature `j`. */
export function pseudoRandom(i: number, j: number, salt = 0): number {
  const x = Math.sin(i * 12.9898 + j * 78.233 + salt * 37.719) * 43758.5453;
  return x - Math.floor(x);
}

/** Three well-separated classes of 2-d points: class c sits around (c, c mod 2). */
function classificationSplit(size: number, salt: number): Split {
  const features: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < size; i++) {
    const label = i % 3;
    features.push(label + 0.3 * (pseudoRandom(i, 0, salt) - 0.5), (label % 2) + 0.3 * (pseudoRandom(i, 1, salt) - 0.5));
    labels.push(label);
  }
  return { x: tf.tensor2d(features, [size, 2]), y: tf.tensor1d(labels, "int32"), size };
}

/** A 3-class problem of 2-d points with train and validation splits. */
export function tinyClassification(trainSize = 48, validationSize = 24): PreparedData {
  return {
    info: {
      task: "classification",
      featureShape: [2],
      classes: ["a", "b", "c"],
      modality: "tabular",
      featureNames: ["x", "y"],
    },
    train: classificationSplit(trainSize, 1),
    validation: classificationSplit(validationSize, 2),
    preprocessing: { normalize: { kind: "none" } },
  };
}

/** y = 2·x0 − x1 + 0.5 on 3-d inputs, one target. */
export function tinyRegression(trainSize = 40, validationSize = 20): PreparedData {
  const split = (size: number, salt: number): Split => {
    const features: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < size; i++) {
      const row = [0, 1, 2].map((j) => pseudoRandom(i, j, salt));
      features.push(...row);
      targets.push(2 * row[0]! - row[1]! + 0.5);
    }
    return { x: tf.tensor2d(features, [size, 3]), y: tf.tensor2d(targets, [size, 1]), size };
  };
  return {
    info: { task: "regression", featureShape: [3], targets: 1, modality: "tabular" },
    train: split(trainSize, 3),
    validation: split(validationSize, 4),
    preprocessing: { normalize: { kind: "none" } },
  };
}

/** Disposes every tensor of a prepared data set. */
export function disposeData(data: PreparedData): void {
  for (const split of [data.train, data.validation, data.test]) {
    if (split !== undefined) tf.dispose([split.x, split.y]);
  }
}

/** A dense classifier `inputs → hidden (relu) → classes (softmax)` with seeded weights. */
export function denseClassifier(inputs: number, classes: number, hidden = 8, seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [inputs],
        units: hidden,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name: "hidden",
      }),
      tf.layers.dense({
        units: classes,
        activation: classes === 1 ? "sigmoid" : "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        name: "output",
      }),
    ],
  });
}

/** A linear regressor `inputs → targets` with seeded weights. */
export function denseRegressor(inputs: number, targets = 1, seed = 1): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [inputs],
        units: targets,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        name: "linear",
      }),
    ],
  });
}

/** Every weight of a model as plain arrays, to compare before/after. */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((weight) => Array.from(weight.dataSync()));
}

/** Largest absolute difference between two weight lists of the same layout. */
export function maxDifference(a: number[][], b: number[][]): number {
  let max = 0;
  a.forEach((values, i) => values.forEach((value, j) => (max = Math.max(max, Math.abs(value - (b[i]?.[j] ?? NaN))))));
  return max;
}
