/**
 * Predictions from an exported bundle: raw inputs go through the exact preprocessing of
 * training (`applyPreprocessing` of the data pipeline), then the model; classifiers answer
 * with a label and class probabilities, regressors with values.
 */
import * as tf from "@tensorflow/tfjs";
import { applyPreprocessing, type RawFeatures } from "./data/preprocess.js";
import { DataError } from "./data/errors.js";
import { inTargetUnits } from "./data/normalize.js";
import type { Bundle } from "./export.js";
import { firstNonFiniteIndex } from "./finite-weights.js";

/** One classified example. */
export interface ClassPrediction {
  /** The most probable class. */
  readonly label: string;
  readonly classId: number;
  /** Probability of each class, by label, in class order. */
  readonly probabilities: Readonly<Record<string, number>>;
}

/** One regressed example: a value per target. */
export interface RegressionPrediction {
  readonly values: readonly number[];
}

/** Arguments of `predict`. */
export interface PredictOptions {
  /** Examples per forward pass. Default 256. */
  readonly batchSize?: number;
}

/** Preprocesses raw inputs as training did and runs the bundle's model on them. */
export function predict(
  bundle: Bundle,
  inputs: RawFeatures,
  options: PredictOptions = {},
): ClassPrediction[] | RegressionPrediction[] {
  const output = tf.tidy(() => {
    const x = applyPreprocessing(bundle.preprocessing, inputs);
    return bundle.model.predict(x, { batchSize: options.batchSize ?? 256 }) as tf.Tensor;
  });
  const rows = output.shape[0] ?? 0;
  const width = output.size / Math.max(rows, 1);
  const values = output.dataSync() as Float32Array;
  output.dispose();
  // Finite or fail: a NaN or infinite output is never served as a prediction.
  const bad = firstNonFiniteIndex(values);
  if (bad >= 0) {
    throw new DataError(`the model's output for this example is ${values[bad]}; no prediction is given`, {
      row: Math.floor(bad / width) + 1,
    });
  }
  if (bundle.info.task === "classification") return classify(values, rows, width, bundle.info.classes ?? []);
  // Back to the target's own units when training scaled the targets (`normalize_target`).
  const inUnits = inTargetUnits(values, bundle.preprocessing.target);
  return Array.from({ length: rows }, (_, row) => ({
    values: Array.from(inUnits.subarray(row * width, (row + 1) * width)),
  }));
}

/** Probabilities per row → label and probability map (one sigmoid output means P(class 1) of two classes). */
function classify(values: Float32Array, rows: number, width: number, classes: readonly string[]): ClassPrediction[] {
  const predictions: ClassPrediction[] = [];
  for (let row = 0; row < rows; row++) {
    const scores =
      width === 1 ? [1 - values[row]!, values[row]!] : Array.from(values.subarray(row * width, (row + 1) * width));
    let best = 0;
    scores.forEach((score, id) => {
      if (score > scores[best]!) best = id;
    });
    const labelOf = (id: number): string => classes[id] ?? String(id);
    predictions.push({
      label: labelOf(best),
      classId: best,
      probabilities: Object.fromEntries(scores.map((score, id) => [labelOf(id), score])),
    });
  }
  return predictions;
}
