/**
 * Finite or fail: a model whose weights hold NaN or ±Infinity (a diverged run) is never
 * checkpointed as best, exported, loaded as a pretrained base or served. The check reads
 * back one number per weight tensor: `sum(w * 0)` is 0 for finite values and NaN as soon as
 * one value is NaN or infinite, so it costs one multiply and one sum per tensor.
 */
import * as tf from "@tensorflow/tfjs";

/** A model (or its outputs) holding NaN or infinite values; the message says which and what to try. */
export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteError";
  }
}

/** The name of the first weight of `model` (trainable or not) that holds NaN or ±Infinity, or undefined. */
export function firstNonFiniteWeight(model: tf.LayersModel): string | undefined {
  const weights = model.weights;
  if (weights.length === 0) return undefined;
  // One scalar for all weights on the common path (addN is ~4× cheaper than stack on wasm)…
  const total = tf.tidy(() => tf.addN(weights.map((weight) => nanFlag(weight.read()))));
  const allFinite = Number.isFinite(total.dataSync()[0]);
  total.dispose();
  if (allFinite) return undefined;
  // …and one per weight only to name the culprit.
  return weights.find((weight) => {
    const flag = tf.tidy(() => nanFlag(weight.read()));
    const finite = Number.isFinite(flag.dataSync()[0]);
    flag.dispose();
    return !finite;
  })?.name;
}

/** `sum(w * 0)`: 0 when every value of `w` is finite, NaN otherwise. */
function nanFlag(weight: tf.Tensor): tf.Scalar {
  const values = weight.dtype === "float32" ? weight : tf.cast(weight, "float32");
  return tf.sum(tf.mul(values, 0));
}

/** Index of the first NaN or infinite value of `values`, or -1. */
export function firstNonFiniteIndex(values: ArrayLike<number>): number {
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index]!)) return index;
  }
  return -1;
}

/**
 * Throws `NonFiniteError` when a weight of `model` is NaN or infinite. `action` says what is
 * refused ("export the model to exports/x"), `cure` what to do about it.
 */
export function assertFiniteWeights(model: tf.LayersModel, action: string, cure = DIVERGED_CURE): void {
  const weight = firstNonFiniteWeight(model);
  if (weight === undefined) return;
  throw new NonFiniteError(`cannot ${action}: weight \`${weight}\` holds NaN or infinite values. ${cure}`);
}

/** What to do about weights that became NaN or infinite during training. */
export const DIVERGED_CURE =
  "The training that produced it diverged: lower the learning rate, or check the data for extreme values.";

/**
 * Why an epoch's logs show divergence, or undefined: every loss (`loss`, `val_loss`) must be
 * finite, and no metric may be infinite. A NaN metric alone is allowed: some are undefined
 * on the data (AUC of a split without positives); NaN predictions are caught by the caller.
 */
export function nonFiniteLog(logs: Readonly<Record<string, number>>): string | undefined {
  for (const [name, value] of Object.entries(logs)) {
    if (Number.isFinite(value)) continue;
    if (name === "loss" || name.endsWith("_loss") || !Number.isNaN(value)) return `${name} is ${value}`;
  }
  return undefined;
}
