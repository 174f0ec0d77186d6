/**
 * Losses of `train { loss: ... }` as per-example tensors, so that class weights can scale
 * each example before averaging. Classification labels arrive as int32 class ids (see
 * `Split.y`); each loss one-hots them as it needs.
 */
import * as tf from "@tensorflow/tfjs";

/** Names accepted by `loss:` (docs/language.md §4). */
export type LossName =
  "mse" | "mae" | "huber" | "binary_crossentropy" | "categorical_crossentropy" | "sparse_categorical_crossentropy";

/** Every loss name, in documentation order. */
export const LOSS_NAMES: readonly LossName[] = [
  "mse",
  "mae",
  "huber",
  "binary_crossentropy",
  "categorical_crossentropy",
  "sparse_categorical_crossentropy",
];

/** Keras clips probabilities to [ε, 1 − ε] before taking logs; so do we, to match its numbers. */
const PROBABILITY_EPSILON = 1e-7;

/** Huber's switch point between the quadratic and the linear part (Keras default). */
const HUBER_DELTA = 1;

/**
 * The loss of each example `[b]`. `yTrue` is a batch of `Split.y`: class ids `[b]` for
 * classification losses, targets `[b, t]` (or `[b]`) for regression losses; `yPred` is
 * the model's output `[b, k]`: probabilities or regression values.
 */
export function perExampleLoss(name: LossName, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  const loss = LOSS_FUNCTIONS[name] as LossFunction | undefined;
  if (loss === undefined) throw new Error(`no loss named \`${name}\` in this runtime (runtime/losses.ts)`);
  return tf.tidy(() => loss(yTrue, yPred));
}

/** A loss per example `[b]` from a batch of labels and the model's output (see `perExampleLoss`). */
type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor1D;

/**
 * The runtime's half of the loss registry: one function per name of `loss:`, the names of the
 * compiler's definitions (compiler/registry/training.ts); a test keeps both equal.
 */
export const LOSS_FUNCTIONS: { readonly [Name in LossName]: LossFunction } = {
  mse: (yTrue, yPred) => meanOverLastAxis(tf.squaredDifference(asTargets(yTrue, yPred), yPred)),
  mae: (yTrue, yPred) => meanOverLastAxis(tf.abs(tf.sub(asTargets(yTrue, yPred), yPred))),
  huber: (yTrue, yPred) => meanOverLastAxis(huber(asTargets(yTrue, yPred), yPred)),
  binary_crossentropy: (yTrue, yPred) => meanOverLastAxis(binaryCrossentropy(asBinaryTargets(yTrue, yPred), yPred)),
  // Both read the probability of the true class; only the label encoding differs in Keras.
  categorical_crossentropy: (yTrue, yPred) => categoricalCrossentropy(oneHotLabels(yTrue, lastDimension(yPred)), yPred),
  sparse_categorical_crossentropy: (yTrue, yPred) => categoricalCrossentropy(oneHotLabels(yTrue, lastDimension(yPred)), yPred),
};

/**
 * The batch loss as Keras computes it: `sum(loss_i × w_i) / b` with per-example weights
 * `w` (class weights), or the plain mean without them.
 */
export function batchLoss(name: LossName, yTrue: tf.Tensor, yPred: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const losses = perExampleLoss(name, yTrue, yPred);
    return weights === undefined ? tf.mean(losses) : tf.mean(tf.mul(losses, weights));
  });
}

/** Whether a loss trains a classifier (its labels are class ids). */
export function isClassificationLoss(name: LossName): boolean {
  return (
    name === "binary_crossentropy" || name === "categorical_crossentropy" || name === "sparse_categorical_crossentropy"
  );
}

function lastDimension(tensor: tf.Tensor): number {
  return tensor.shape[tensor.rank - 1] ?? 1;
}

function meanOverLastAxis(values: tf.Tensor): tf.Tensor1D {
  return (values.rank === 1 ? values : tf.mean(values, -1)).reshape([values.shape[0] ?? 0]) as tf.Tensor1D;
}

/** Regression targets shaped like the predictions (a `[b]` label vector meets a `[b, 1]` output). */
function asTargets(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.cast(yTrue, "float32").reshape(yPred.shape);
}

/** Class ids `[b]` as a one-hot float matrix `[b, k]`. */
function oneHotLabels(yTrue: tf.Tensor, numClasses: number): tf.Tensor {
  return tf.cast(tf.oneHot(tf.cast(yTrue.reshape([-1]), "int32"), numClasses), "float32");
}

/** One sigmoid output reads class ids as 0/1; `k` outputs read them one-hot. */
function asBinaryTargets(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const units = lastDimension(yPred);
  return units === 1 ? tf.cast(yTrue, "float32").reshape(yPred.shape) : oneHotLabels(yTrue, units);
}

function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const error = tf.abs(tf.sub(yTrue, yPred));
  const quadratic = tf.minimum(error, HUBER_DELTA);
  const linear = tf.sub(error, quadratic);
  return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(HUBER_DELTA, linear));
}

function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(yPred, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  const positive = tf.mul(yTrue, tf.log(p));
  const negative = tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)));
  return tf.neg(tf.add(positive, negative));
}

function categoricalCrossentropy(oneHot: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  // Keras renormalises the probabilities before clipping; a softmax output is unchanged by it.
  const normalised = tf.div(yPred, tf.sum(yPred, -1, true));
  const p = tf.clipByValue(normalised, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1)) as tf.Tensor1D;
}

// ---------------------------------------------------------------------------------------
// Class weights

/** `class_weight: balanced | { CLASS: FLOAT }`; keys are class names or class ids. */
export type ClassWeightSpec = "balanced" | Readonly<Record<string, number>>;

/** A class-weight key that names no class of the data. */
export class UnknownClassWeightError extends Error {
  constructor(
    readonly key: string,
    readonly classes: readonly string[],
  ) {
    super(`class_weight names class "${key}", which is not a class of the data (classes: ${classes.join(", ")})`);
    this.name = "UnknownClassWeightError";
  }
}

/**
 * The weight of each class id. `balanced` gives `n / (k × count(c))` (scikit-learn's rule);
 * a map gives its value to the classes it names and 1 to the others.
 */
export function classWeightVector(
  spec: ClassWeightSpec,
  labels: ArrayLike<number>,
  classes: readonly string[],
): Float32Array {
  const k = classes.length;
  const weights = new Float32Array(k).fill(1);
  if (spec === "balanced") {
    const counts = new Float64Array(k);
    for (let i = 0; i < labels.length; i++) counts[labels[i] ?? 0]! += 1;
    for (let c = 0; c < k; c++) {
      const count = counts[c] ?? 0;
      // A class absent from the training split has no example to weight; keep 1.
      if (count > 0) weights[c] = labels.length / (k * count);
    }
    return weights;
  }
  for (const [key, weight] of Object.entries(spec)) {
    weights[classIdOf(key, classes)] = weight;
  }
  return weights;
}

/** Looks a key up as a class name first, then as a class id. */
function classIdOf(key: string, classes: readonly string[]): number {
  const byName = classes.indexOf(key);
  if (byName >= 0) return byName;
  const id = Number(key);
  if (Number.isInteger(id) && id >= 0 && id < classes.length) return id;
  throw new UnknownClassWeightError(key, classes);
}

/** The weight of each example `[n]` from its class id. */
export function exampleWeights(classWeights: Float32Array, labels: ArrayLike<number>): Float32Array {
  const weights = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) weights[i] = classWeights[labels[i] ?? 0] ?? 1;
  return weights;
}
