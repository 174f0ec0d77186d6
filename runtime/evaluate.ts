/**
 * `evaluate { }`: predictions over a whole split, in batches gathered with `tf.gather`,
 * then every requested metric over all of them (never averaged over batches).
 */
import * as tf from "@tensorflow/tfjs";
import { evaluatePredictions, type Evaluation } from "./metrics/index.js";
import { batches } from "./data/batches.js";
import { DataError } from "./data/errors.js";
import { inTargetUnits } from "./data/normalize.js";
import type { EvaluateSpec, StageSpec } from "./experiment.js";
import type { PreparedData, Split } from "./prepared-data.js";

/** An evaluation with the split it ran on. */
export type SplitEvaluation = Evaluation & { readonly split: "test" | "validation" };

/** The model's outputs for every example of a split, flattened `[n * outputs]`, in split order. */
export function predictSplit(model: tf.LayersModel, split: Split, batchSize: number): Float32Array {
  const chunks: Float32Array[] = [];
  for (const batch of batches(split, batchSize, { shuffle: false, seed: 0 })) {
    try {
      const output = tf.tidy(() => model.apply(batch.x, { training: false }) as tf.Tensor);
      chunks.push(output.dataSync() as Float32Array);
      output.dispose();
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const predictions = new Float32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    predictions.set(chunk, offset);
    offset += chunk.length;
  }
  return predictions;
}

/**
 * Evaluates the model on the split `evaluate.on` names. Undefined when the data has no
 * such split (the checker warns about it before the run).
 */
export function evaluateSplit(
  model: tf.LayersModel,
  data: PreparedData,
  evaluate: EvaluateSpec,
  train: StageSpec,
): SplitEvaluation | undefined {
  const split = evaluate.on === "test" ? data.test : data.validation;
  if (split === undefined || split.size === 0) return undefined;
  // Regression metrics in the target's own units, whatever scaling training used.
  const target = data.preprocessing.target;
  const predictions = inTargetUnits(predictSplit(model, split, train.validationBatchSize ?? train.batchSize), target);
  const labels = inTargetUnits(split.y.dataSync() as Float32Array | Int32Array, target);
  const positive = positiveClassId(evaluate.positive, data.info.classes);
  const evaluation = evaluatePredictions(labels, predictions, {
    task: data.info.task,
    ...(data.info.classes === undefined ? {} : { classes: data.info.classes }),
    ...(data.info.targets === undefined ? {} : { targets: data.info.targets }),
    metrics: evaluate.metrics,
    ...(evaluate.average === undefined ? {} : { average: evaluate.average }),
    ...(positive === undefined ? {} : { positive }),
  });
  return { ...evaluation, split: evaluate.on };
}

/**
 * The class id of `evaluate { positive: "label" }`; undefined when none is written (class 1
 * is then positive). The checker matched the label against the data's classes; a label the
 * data no longer has (the file changed since) is a `DataError`, printed without a stack trace.
 */
export function positiveClassId(
  positive: string | undefined,
  classes: readonly string[] | undefined,
): number | undefined {
  if (positive === undefined) return undefined;
  const id = classes?.indexOf(positive) ?? -1;
  if (id < 0 || classes?.length !== 2) {
    throw new DataError(
      `\`evaluate { positive: ${JSON.stringify(positive)} }\` names no class of two: the data has ` +
        `${classes?.length ?? 0} classes (${(classes ?? []).map((name) => JSON.stringify(name)).join(", ")}); the data changed since the program was compiled`,
    );
  }
  return id;
}
