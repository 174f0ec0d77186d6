/**
 * The runtime half of the metric registry: one entry per name a `.dlm` program may write in `metrics: [...]`.
 * Per-epoch monitoring, evaluation, callbacks' `mode=auto`, the checker and the editor all
 * read these entries.
 */
import type { Task } from "../prepared-data.js";
import { readClassScores, predictClasses, type ClassScores } from "./class-scores.js";
import {
  accuracyFromMatrix,
  averagedScore,
  confusionMatrix,
  type Average,
  type AveragedScore,
} from "./classification.js";
import { meanAbsoluteError, meanSquaredError, rootMeanSquaredError, rSquared } from "./regression.js";
import { rocAuc } from "./roc.js";

/** What a metric needs to know about the split besides the two arrays. */
export interface MetricInfo {
  readonly task: Task;
  /** Classification: number of classes `k`; default `yPred.length / n` (a length of `n` means one sigmoid output, k = 2). */
  readonly numClasses?: number;
  /** Regression: values per example; default 1. */
  readonly targets?: number;
  /** Precision / recall / F1 / AUC averaging; default: positive class for 2 classes, macro otherwise (AUC: macro). */
  readonly average?: Average;
  /** Two classes: the id of the positive class, whose precision / recall / F1 / AUC are reported. Default 1. */
  readonly positive?: number;
}

/**
 * Computes one number from a whole split. Classification: `yTrue` holds class ids `[n]`,
 * `yPred` probabilities `[n * k]` (or `[n]` = P(class 1) for one sigmoid output).
 * Regression: both are `[n * targets]`.
 */
export type ComputeMetric = (yTrue: ArrayLike<number>, yPred: ArrayLike<number>, info: MetricInfo) => number;

/** A metric that is one number: monitored per epoch and reported by evaluation. */
export interface ScalarMetric {
  readonly kind: "scalar";
  readonly name: MetricName;
  /** Tasks the metric is defined for. */
  readonly tasks: readonly Task[];
  /** Direction of improvement, read by `mode=auto` in callbacks. */
  readonly higherIsBetter: boolean;
  /** One line for hover and docs. */
  readonly description: string;
  readonly compute: ComputeMetric;
}

/** A metric that is a table (the confusion matrix): evaluation only, never monitored. */
export interface TableMetric {
  readonly kind: "table";
  readonly name: MetricName;
  readonly tasks: readonly Task[];
  readonly description: string;
}

/** One entry of `METRICS`. */
export type MetricDefinition = ScalarMetric | TableMetric;

/** Every metric name the language accepts, in documentation order. */
export const METRIC_NAMES = [
  "accuracy",
  "precision",
  "recall",
  "f1",
  "auc",
  "confusion_matrix",
  "mse",
  "mae",
  "rmse",
  "r2",
] as const;

/** A name from `METRIC_NAMES`. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** Reads the class scores, returning NaN instead of a score when the predictions hold NaN. */
function classificationMetric(score: (data: ClassScores, info: MetricInfo) => number): ComputeMetric {
  return (yTrue, yPred, info) => {
    const data = readClassScores(yTrue, yPred, info.numClasses);
    return data.finite ? score(data, info) : Number.NaN;
  };
}

/** Precision, recall or F1 under the info's averaging rule. */
function labelScore(score: AveragedScore): ComputeMetric {
  return classificationMetric((data, info) =>
    averagedScore(
      confusionMatrix(data.labels, predictClasses(data), data.numClasses),
      score,
      info.average,
      info.positive,
    ),
  );
}

const CLASSIFICATION: readonly Task[] = ["classification"];
const REGRESSION: readonly Task[] = ["regression"];

/** The metric catalogue, keyed by name. */
export const METRICS: { readonly [Name in MetricName]: MetricDefinition & { readonly name: Name } } = {
  accuracy: {
    kind: "scalar",
    name: "accuracy",
    tasks: CLASSIFICATION,
    higherIsBetter: true,
    description: "Fraction of examples whose most probable class is the true class.",
    compute: classificationMetric((data) =>
      accuracyFromMatrix(confusionMatrix(data.labels, predictClasses(data), data.numClasses)),
    ),
  },
  precision: {
    kind: "scalar",
    name: "precision",
    tasks: CLASSIFICATION,
    higherIsBetter: true,
    description:
      "Of the examples predicted as a class, the fraction that belong to it (two classes: the positive class's unless `average` is set; else averaged over classes).",
    compute: labelScore("precision"),
  },
  recall: {
    kind: "scalar",
    name: "recall",
    tasks: CLASSIFICATION,
    higherIsBetter: true,
    description:
      "Of the examples of a class, the fraction predicted as it (two classes: the positive class's unless `average` is set; else averaged over classes).",
    compute: labelScore("recall"),
  },
  f1: {
    kind: "scalar",
    name: "f1",
    tasks: CLASSIFICATION,
    higherIsBetter: true,
    description:
      "Harmonic mean of precision and recall (two classes: the positive class's unless `average` is set; else averaged over classes).",
    compute: labelScore("f1"),
  },
  auc: {
    kind: "scalar",
    name: "auc",
    tasks: CLASSIFICATION,
    higherIsBetter: true,
    description: "Area under the ROC curve; one-vs-rest for more than two classes.",
    compute: classificationMetric((data, info) => rocAuc(data, info.average, info.positive)),
  },
  confusion_matrix: {
    kind: "table",
    name: "confusion_matrix",
    tasks: CLASSIFICATION,
    description: "Counts of examples per (true class, predicted class); evaluation only.",
  },
  mse: {
    kind: "scalar",
    name: "mse",
    tasks: REGRESSION,
    higherIsBetter: false,
    description: "Mean squared error.",
    compute: (yTrue, yPred) => meanSquaredError(yTrue, yPred),
  },
  mae: {
    kind: "scalar",
    name: "mae",
    tasks: REGRESSION,
    higherIsBetter: false,
    description: "Mean absolute error.",
    compute: (yTrue, yPred) => meanAbsoluteError(yTrue, yPred),
  },
  rmse: {
    kind: "scalar",
    name: "rmse",
    tasks: REGRESSION,
    higherIsBetter: false,
    description: "Root mean squared error, in the targets' unit.",
    compute: (yTrue, yPred) => rootMeanSquaredError(yTrue, yPred),
  },
  r2: {
    kind: "scalar",
    name: "r2",
    tasks: REGRESSION,
    higherIsBetter: true,
    description: "Coefficient of determination: 1 is perfect, 0 is predicting the mean.",
    compute: (yTrue, yPred, info) => rSquared(yTrue, yPred, info.targets ?? 1),
  },
};

/** The catalogue entry for `name`, or undefined when the language has no such metric. */
export function findMetric(name: string): MetricDefinition | undefined {
  return Object.hasOwn(METRICS, name) ? METRICS[name as MetricName] : undefined;
}

/**
 * Computes metric `name` over a whole split (see `ComputeMetric` for the array layouts).
 * Unknown names, the confusion matrix and a task the metric does not support are rejected
 * by the checker before training, so here they are broken invariants and throw.
 */
export function computeMetric(
  name: string,
  yTrue: Float32Array | Int32Array,
  yPred: Float32Array,
  info: MetricInfo,
): number {
  const metric = findMetric(name);
  if (metric === undefined) throw new Error(`unknown metric "${name}"`);
  if (metric.kind !== "scalar") throw new Error(`metric "${name}" is a table, not a number`);
  if (!metric.tasks.includes(info.task)) throw new Error(`metric "${name}" is not defined for ${info.task}`);
  return metric.compute(yTrue, yPred, info);
}

/**
 * Whether a larger value of a monitored quantity is an improvement (`mode=auto`).
 * A `val_` prefix is ignored; `loss` and any name outside the catalogue are minimised,
 * as in Keras.
 */
export function isHigherBetter(name: string): boolean {
  const metric = findMetric(name.startsWith("val_") ? name.slice("val_".length) : name);
  return metric?.kind === "scalar" && metric.higherIsBetter;
}
