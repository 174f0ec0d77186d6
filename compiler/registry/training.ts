/**
 * Registries of `train { }` and `fine_tune { }`: optimizers, learning-rate schedules,
 * losses and metrics (docs/language.md, "Training"). Callbacks have a registry of their
 * own, one file each: `compiler/registry/callbacks/`.
 */
import { makeRegistry, type Definition } from "./definition.js";

const learningRate = (defaultValue: number | undefined) => ({
  name: "learning_rate",
  type: "float" as const,
  doc: "Step size of each update.",
  greaterThan: 0,
  ...(defaultValue === undefined ? {} : { default: defaultValue }),
});

const epsilon = (defaultValue: number) => ({
  name: "epsilon",
  type: "float" as const,
  doc: "Small constant for numerical stability.",
  greaterThan: 0,
  default: defaultValue,
});

/** `optimizer: adam(learning_rate: 1e-3)` and friends. */
export const OPTIMIZERS = makeRegistry<Definition>("optimizer", [
  {
    name: "sgd",
    doc: "Stochastic gradient descent, with optional (Nesterov) momentum.",
    params: [
      learningRate(0.01),
      { name: "momentum", type: "float", doc: "Momentum factor.", min: 0, default: 0 },
      { name: "nesterov", type: "bool", doc: "Use Nesterov momentum.", default: false },
    ],
  },
  {
    name: "adam",
    doc: "Adam: adaptive moment estimation (Kingma & Ba).",
    params: [
      learningRate(0.001),
      { name: "beta1", type: "float", doc: "Decay of the first moment.", min: 0, lessThan: 1, default: 0.9 },
      { name: "beta2", type: "float", doc: "Decay of the second moment.", min: 0, lessThan: 1, default: 0.999 },
      epsilon(1e-7),
    ],
  },
  {
    name: "rmsprop",
    doc: "RMSprop: divides the gradient by a running average of its magnitude.",
    params: [
      learningRate(0.001),
      { name: "rho", type: "float", doc: "Decay of the running average.", min: 0, lessThan: 1, default: 0.9 },
      { name: "momentum", type: "float", doc: "Momentum factor.", min: 0, default: 0 },
      epsilon(1e-7),
    ],
  },
  {
    name: "adagrad",
    doc: "Adagrad: per-parameter learning rates from accumulated squared gradients.",
    params: [
      learningRate(0.01),
      {
        name: "initial_accumulator",
        type: "float",
        doc: "Starting value of the accumulators.",
        min: 0,
        default: 0.1,
      },
    ],
  },
  {
    name: "adamax",
    doc: "Adamax: Adam with the infinity norm.",
    params: [
      learningRate(0.002),
      { name: "beta1", type: "float", doc: "Decay of the first moment.", min: 0, lessThan: 1, default: 0.9 },
      { name: "beta2", type: "float", doc: "Decay of the weighted infinity norm.", min: 0, lessThan: 1, default: 0.999 },
      epsilon(1e-7),
    ],
  },
]);

/** `schedule: cosine_decay(epochs: 20)`: the learning rate per epoch. */
export const SCHEDULES = makeRegistry<Definition>("schedule", [
  {
    name: "step_decay",
    doc: "Multiplies the learning rate by `factor` every `every` epochs.",
    params: [
      { name: "every", type: "int", doc: "Epochs between decays.", min: 1 },
      { name: "factor", type: "float", doc: "Multiplier at each step.", greaterThan: 0, default: 0.5 },
    ],
  },
  {
    name: "exponential_decay",
    doc: "learning_rate × rate^epoch.",
    params: [{ name: "rate", type: "float", doc: "Decay per epoch.", greaterThan: 0, max: 1 }],
  },
  {
    name: "cosine_decay",
    doc: "Cosine annealing from the initial learning rate to 0 over `epochs`.",
    params: [{ name: "epochs", type: "int", doc: "Length of the decay in epochs.", min: 1 }],
  },
  {
    name: "warmup",
    doc: "Linear warm-up from lr/epochs to the initial learning rate over `epochs`, then constant.",
    params: [{ name: "epochs", type: "int", doc: "Warm-up length in epochs.", min: 1 }],
  },
]);

/** The label encoding a loss expects, and the task it serves. */
export interface LossEntry extends Definition {
  readonly task: "classification" | "regression";
  /** `sparse`: class ids; `one-hot`: k probabilities; `binary`: one probability; `values`: regression targets. */
  readonly labels: "sparse" | "one-hot" | "binary" | "values";
}

/** `loss: categorical_crossentropy` */
export const LOSSES = makeRegistry<LossEntry>("loss", [
  { name: "mse", doc: "Mean squared error (regression).", params: [], task: "regression", labels: "values" },
  { name: "mae", doc: "Mean absolute error (regression).", params: [], task: "regression", labels: "values" },
  {
    name: "huber",
    doc: "Huber loss: quadratic near zero, linear far away (regression).",
    params: [],
    task: "regression",
    labels: "values",
  },
  {
    name: "binary_crossentropy",
    doc: "Cross-entropy of one sigmoid output against labels 0/1 (two classes).",
    params: [],
    task: "classification",
    labels: "binary",
  },
  {
    name: "categorical_crossentropy",
    doc: "Cross-entropy of k softmax outputs against one-hot labels (DLM one-hots class labels for you).",
    params: [],
    task: "classification",
    labels: "one-hot",
  },
  {
    name: "sparse_categorical_crossentropy",
    doc: "Cross-entropy of k softmax outputs against integer class ids.",
    params: [],
    task: "classification",
    labels: "sparse",
  },
]);

/** A metric name and where it applies. */
export interface MetricEntry extends Definition {
  readonly task: "classification" | "regression";
  /** Larger is better (decides `mode: auto` for callbacks). */
  readonly higherIsBetter: boolean;
  /** Only for `evaluate { metrics }` (not a per-epoch number). */
  readonly evaluationOnly?: boolean;
}

/** Metric names of `metrics: [...]` and `evaluate { metrics: [...] }`. */
export const METRICS = makeRegistry<MetricEntry>("metric", [
  { name: "accuracy", doc: "Fraction of correctly classified examples.", params: [], task: "classification", higherIsBetter: true },
  { name: "precision", doc: "TP / (TP + FP): the positive class's for two classes (`evaluate { positive }`), else averaged over classes (`evaluate { average }`).", params: [], task: "classification", higherIsBetter: true },
  { name: "recall", doc: "TP / (TP + FN): the positive class's for two classes (`evaluate { positive }`), else averaged over classes (`evaluate { average }`).", params: [], task: "classification", higherIsBetter: true },
  { name: "f1", doc: "Harmonic mean of precision and recall.", params: [], task: "classification", higherIsBetter: true },
  { name: "auc", doc: "Area under the ROC curve (one-vs-rest for several classes).", params: [], task: "classification", higherIsBetter: true },
  {
    name: "confusion_matrix",
    doc: "Counts of true class (rows) against predicted class (columns).",
    params: [],
    task: "classification",
    higherIsBetter: true,
    evaluationOnly: true,
  },
  { name: "mse", doc: "Mean squared error.", params: [], task: "regression", higherIsBetter: false },
  { name: "mae", doc: "Mean absolute error.", params: [], task: "regression", higherIsBetter: false },
  { name: "rmse", doc: "Root mean squared error.", params: [], task: "regression", higherIsBetter: false },
  { name: "r2", doc: "Coefficient of determination R².", params: [], task: "regression", higherIsBetter: true },
]);

/** `unfreeze:` of `fine_tune { }`: which layers of the `pretrained` model become trainable. */
export const UNFREEZE = makeRegistry<Definition>("unfreeze choice", [
  { name: "all", doc: "Every layer of the pretrained model trains.", params: [] },
  { name: "none", doc: "The pretrained model stays frozen (only the layers after it train).", params: [] },
  {
    name: "last",
    doc: "The last `count` layers of the pretrained model train; the ones before stay frozen.",
    params: [{ name: "count", type: "int", doc: "How many layers, counted from the end.", min: 1 }],
  },
  {
    name: "from",
    doc: "The named layer of the pretrained model and every layer after it train.",
    params: [{ name: "layer", type: "string", doc: "A layer name of the pretrained model." }],
  },
]);
