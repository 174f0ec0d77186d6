/**
 * Evaluation of a whole split: the requested numbers, computed through the same
 * `METRICS` entries as per-epoch monitoring, plus the tables a report shows.
 */
import type { Task } from "../prepared-data.js";
import { predictClasses, readClassScores } from "./class-scores.js";
import { confusionMatrix, perClassStatistics, type Average } from "./classification.js";
import { findMetric, type MetricInfo } from "./registry.js";
import { reportedCurves, type RocPoint } from "./roc.js";

/** Arguments of `evaluatePredictions`. */
export interface EvaluateArgs {
  readonly task: Task;
  /** Class names in label-id order; their count is the number of classes. Default: inferred, named "0", "1", .... */
  readonly classes?: readonly string[];
  /** Regression: values per example; default 1. */
  readonly targets?: number;
  /** Names from `METRIC_NAMES`, e.g. `["accuracy", "f1", "confusion_matrix"]`. */
  readonly metrics: readonly string[];
  /** Averaging of precision / recall / F1 / AUC; default: positive class for 2 classes, macro otherwise. */
  readonly average?: Average;
  /** Two classes without `average`: the id of the class whose scores are reported. Default 1. */
  readonly positive?: number;
}

/** Scores of one class. */
export interface ClassReport {
  readonly class: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of examples of this class in the split. */
  readonly support: number;
}

/** One-vs-rest ROC curve of one class. */
export interface RocReport {
  readonly class: string;
  readonly points: RocPoint[];
  /** NaN when the split has no example of the class (or only examples of it). */
  readonly auc: number;
}

/** What evaluation found; optional parts come with the metric that asks for them. */
export interface Evaluation {
  /** Every requested scalar metric by name. */
  readonly metrics: Record<string, number>;
  /** Class names in class-id order. Classification only. */
  readonly classes?: string[];
  /** How precision / recall / F1 were averaged: `binary` = the positive class's score. Classification only. */
  readonly average?: Average | "binary";
  /** The class whose scores `binary` reports (and whose ROC curve is shown); only with `average: "binary"`. */
  readonly positive?: string;
  /** Precision, recall, F1 and support of every class (classification). */
  readonly perClass?: ClassReport[];
  /** `[true][predicted]` counts, when `confusion_matrix` is requested. */
  readonly confusionMatrix?: number[][];
  /** ROC curves when `auc` is requested: the positive class's for 2 classes, one per class otherwise. */
  readonly roc?: RocReport[];
}

/**
 * Evaluates predictions of a whole split (layouts as in `computeMetric`). Metric names
 * are checked before training, so an unknown one here is a broken invariant and throws.
 */
export function evaluatePredictions(
  yTrue: Float32Array | Int32Array,
  yPred: Float32Array,
  args: EvaluateArgs,
): Evaluation {
  const info: MetricInfo = {
    task: args.task,
    numClasses: args.classes?.length,
    targets: args.targets,
    average: args.average,
    positive: args.positive,
  };
  const metrics: Record<string, number> = {};
  for (const name of args.metrics) {
    const metric = findMetric(name);
    if (metric === undefined) throw new Error(`unknown metric "${name}"`);
    if (!metric.tasks.includes(args.task)) throw new Error(`metric "${name}" is not defined for ${args.task}`);
    if (metric.kind === "scalar") metrics[name] = metric.compute(yTrue, yPred, info);
  }
  if (args.task !== "classification") return { metrics };

  const data = readClassScores(yTrue, yPred, info.numClasses);
  const classes = Array.from({ length: data.numClasses }, (_, c) => args.classes?.[c] ?? String(c));
  const matrix = confusionMatrix(data.labels, predictClasses(data), data.numClasses);
  const wants = (name: string): boolean => args.metrics.includes(name);
  const average = args.average ?? (data.numClasses === 2 ? "binary" : "macro");
  const positive = args.positive ?? 1;
  if (data.numClasses === 2 && positive !== 0 && positive !== 1) {
    throw new Error(`the positive class must be class 0 or 1 of two, got ${positive}`);
  }

  return {
    metrics,
    classes,
    average,
    ...(average === "binary" && { positive: classes[positive]! }),
    perClass: perClassStatistics(matrix).map((stats, c) => ({ class: classes[c]!, ...stats })),
    ...(wants("confusion_matrix") && { confusionMatrix: matrix }),
    ...(wants("auc") && {
      roc: reportedCurves(data, positive).map(({ classId, curve }) => ({
        class: classes[classId]!,
        points: data.finite ? curve.points : [],
        auc: data.finite ? curve.auc : Number.NaN,
      })),
    }),
  };
}
