/**
 * A realistic run report for tests and for looking at the page: 10 classes (one named
 * with markup, to prove escaping), 12 epochs, a small tuning search, a nested config.
 */
import { evaluatePredictions } from "../../../runtime/metrics/index.js";
import type { RunReport } from "../../../runtime/report/index.js";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function randomNumbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SAMPLE_CLASSES = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "<script>alert(1)</script>",
];

/** Softmax-like predictions that are right about 90% of the time. */
function samplePredictions(size: number, k: number, seed: number): { yTrue: Int32Array; yPred: Float32Array } {
  const random = randomNumbers(seed);
  const yTrue = new Int32Array(size);
  const yPred = new Float32Array(size * k);
  for (let i = 0; i < size; i++) {
    const label = Math.floor(random() * k);
    yTrue[i] = label;
    const logits = Array.from({ length: k }, (_, c) => random() * 2 + (c === label ? 0.4 + random() * 2.5 : 0));
    const total = logits.reduce((sum, logit) => sum + Math.exp(logit), 0);
    logits.forEach((logit, c) => (yPred[i * k + c] = Math.exp(logit) / total));
  }
  return { yTrue, yPred };
}

/** The sample classification report. */
export function sampleClassificationReport(): RunReport {
  const { yTrue, yPred } = samplePredictions(2000, SAMPLE_CLASSES.length, 7);
  const epochs = Array.from({ length: 12 }, (_, i) => i + 1);
  const curve = (start: number, end: number, noise: number, seed: number): number[] => {
    const random = randomNumbers(seed);
    return epochs.map((e) => end + (start - end) * Math.exp(-(e - 1) / 3) + (random() - 0.5) * noise);
  };
  const evaluation = evaluatePredictions(yTrue, yPred, {
    task: "classification",
    classes: SAMPLE_CLASSES,
    metrics: ["accuracy", "precision", "recall", "f1", "auc", "confusion_matrix"],
    average: "macro",
  });
  return {
    experiment: "mnist_mlp <b>baseline</b>",
    config: {
      seed: 42,
      data: { source: "builtin(mnist)", normalize: "scale(0.00392)", split: { validation: 0.1, shuffle: true } },
      model: {
        layers: [
          { type: "flatten" },
          { type: "dense", units: 128, activation: "relu" },
          { type: "dropout", rate: 0.2 },
          { type: "dense", units: 10, activation: "softmax" },
        ],
      },
      train: {
        optimizer: { name: "adam", learning_rate: 0.001 },
        loss: "sparse_categorical_crossentropy",
        metrics: ["accuracy"],
        epochs: 12,
        batch_size: 128,
        callbacks: { early_stopping: { monitor: "val_loss", patience: 3 } },
      },
      evaluate: { on: "test", average: "macro", report: "runs/mnist/report.html" },
    },
    backend: "wasm",
    history: {
      epochs,
      logs: {
        loss: curve(0.62, 0.08, 0.01, 1),
        val_loss: curve(0.35, 0.11, 0.02, 2),
        accuracy: curve(0.83, 0.975, 0.004, 3),
        val_accuracy: curve(0.9, 0.968, 0.006, 4),
      },
    },
    evaluation: { ...evaluation, split: "test" },
    classes: SAMPLE_CLASSES,
    tuning: {
      objectiveName: "val_accuracy",
      trials: [
        {
          trial: 1,
          values: { "train.optimizer.learning_rate": 0.01, "model.dense_1.units": 64 },
          objective: 0.951,
          epochs: 12,
        },
        {
          trial: 2,
          values: { "train.optimizer.learning_rate": 0.001, "model.dense_1.units": 128 },
          objective: 0.968,
          epochs: 12,
        },
        {
          trial: 3,
          values: { "train.optimizer.learning_rate": 0.0001, "model.dense_1.units": 256 },
          objective: 0.934,
          epochs: 9,
        },
      ],
    },
    createdAt: "2025-06-01T14:03:07.123Z",
  };
}

/** A small regression report (no classes, no tuning, validation split only). */
export function sampleRegressionReport(): RunReport {
  const yTrue = new Float32Array([24, 21.6, 34.7, 33.4, 36.2, 28.7]);
  const yPred = new Float32Array([25.1, 22.3, 31.9, 32.8, 35, 27.4]);
  return {
    experiment: "boston_housing",
    config: { data: { source: "builtin(boston_housing)" }, train: { loss: "mse", epochs: 3 } },
    backend: "cpu",
    history: {
      epochs: [1, 2, 3],
      logs: { loss: [80, 40, 25], mae: [7, 5, 4], val_loss: [70, 45, 30], val_mae: [6.5, 5.2, 4.4] },
    },
    evaluation: {
      ...evaluatePredictions(yTrue, yPred, { task: "regression", metrics: ["mse", "mae", "rmse", "r2"] }),
      split: "validation",
    },
    createdAt: "2025-06-01T15:00:00Z",
  };
}
