/**
 * Optimizers and learning-rate schedules of `train { optimizer: ..., schedule: ... }`.
 * Specs are plain data (they go into checkpoints); `createOptimizer` turns one into a
 * tfjs optimizer, and `setLearningRate` changes the rate of any of them mid-training.
 */
import * as tf from "@tensorflow/tfjs";
import { FusedAdamOptimizer, fusedAdam } from "./fused-adam.js";

/** Names accepted by `optimizer:` (docs/language.md §4). */
export type OptimizerName = "sgd" | "adam" | "rmsprop" | "adagrad" | "adamax";

/** Arguments of `optimizer: NAME(...)`; fields that do not apply to the named optimizer are ignored. */
export interface OptimizerSpec {
  readonly name: OptimizerName;
  /**
   * Step size of each update. Default (for callers of this API; the compiler always writes the
   * rate of its definition): sgd 0.01, adam 0.001, rmsprop 0.001, adagrad 0.01, adamax 0.002, as in Keras.
   */
  readonly learningRate?: number;
  /** sgd, rmsprop: momentum factor. Default 0. */
  readonly momentum?: number;
  /** sgd: Nesterov momentum. Default false. */
  readonly nesterov?: boolean;
  /** adam, adamax: decay of the first moment. Default 0.9. */
  readonly beta1?: number;
  /** adam, adamax: decay of the second moment / infinity norm. Default 0.999. */
  readonly beta2?: number;
  /** adam, adamax, rmsprop: numerical-stability constant. Default 1e-7 (Keras). */
  readonly epsilon?: number;
  /** rmsprop: decay of the running average of squared gradients. Default 0.9. */
  readonly rho?: number;
  /** adagrad: starting value of the accumulators. Default 0.1. */
  readonly initialAccumulator?: number;
}

/** Default learning rate per optimizer when a spec has none, as in Keras. */
export const DEFAULT_LEARNING_RATES: { readonly [Name in OptimizerName]: number } = {
  sgd: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.01,
  adamax: 0.002,
};

/** Builds one optimizer from its spec, its learning rate and epsilon decided. */
type OptimizerFactory = (spec: OptimizerSpec & { readonly learningRate: number }, epsilon: number) => tf.Optimizer;

/**
 * The runtime's half of the optimizer registry: one factory per name of `optimizer:`, the
 * names of the compiler's definitions (compiler/registry/training.ts); a test keeps both equal.
 * Omitted fields take tfjs's (and Keras's) defaults.
 */
export const OPTIMIZER_FACTORIES: { readonly [Name in OptimizerName]: OptimizerFactory } = {
  sgd: (spec) => {
    const momentum = spec.momentum ?? 0;
    const nesterov = spec.nesterov ?? false;
    // tfjs's momentum optimizer with momentum 0 and no Nesterov is plain SGD plus a useless accumulator.
    return momentum === 0 && !nesterov ? tf.train.sgd(spec.learningRate) : tf.train.momentum(spec.learningRate, momentum, nesterov);
  },
  // tf.train.adam's update in one kernel per variable (runtime/fused-adam.ts), bit for bit the same.
  adam: (spec, epsilon) => fusedAdam(spec.learningRate, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, epsilon),
  rmsprop: (spec, epsilon) => tf.train.rmsprop(spec.learningRate, spec.rho ?? 0.9, spec.momentum ?? 0, epsilon),
  adagrad: (spec) => tf.train.adagrad(spec.learningRate, spec.initialAccumulator ?? 0.1),
  adamax: (spec, epsilon) => tf.train.adamax(spec.learningRate, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, epsilon),
};

/** The spec's learning rate, or its optimizer's default when the spec has none. */
export function learningRateOf(spec: OptimizerSpec): number {
  return spec.learningRate ?? DEFAULT_LEARNING_RATES[spec.name];
}

/** Builds the tfjs optimizer a spec describes. */
export function createOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const factory = OPTIMIZER_FACTORIES[spec.name] as OptimizerFactory | undefined;
  if (factory === undefined) throw new Error(`no optimizer named \`${spec.name}\` in this runtime (runtime/optimizers.ts)`);
  return factory({ ...spec, learningRate: learningRateOf(spec) }, spec.epsilon ?? 1e-7);
}

/** tfjs keeps the rate in a `protected learningRate` field that every `applyGradients` reads afresh. */
interface WithLearningRateField {
  learningRate: number;
  /** Only SGD and Momentum, which cache `-lr` in a tensor. */
  setLearningRate?: (learningRate: number) => void;
}

/** The learning rate the optimizer's next update will use. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as WithLearningRateField).learningRate;
}

/**
 * Changes the learning rate of the next updates. SGD and momentum cache `-lr` in a scalar
 * tensor (`setLearningRate` refreshes it); Adam, RMSprop, Adagrad and Adamax have no setter
 * but read the `learningRate` field at every `applyGradients`, so assigning it takes effect.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  // Not `instanceof SGDOptimizer`: tfjs's Optimizer[Symbol.hasInstance] answers true for every optimizer.
  const fields = optimizer as unknown as WithLearningRateField;
  if (typeof fields.setLearningRate === "function") fields.setLearningRate(learningRate);
  else fields.learningRate = learningRate;
}

/** Whether `getWeights()` / `setWeights()` work for this optimizer (tfjs 4.22 lacks them for Adamax). */
export function canSaveOptimizerState(optimizer: tf.Optimizer): boolean {
  return optimizer.getClassName() !== "Adamax";
}

/** The serialisable description of a live optimizer: its class and config (learning rate included). */
export interface OptimizerState {
  /** tfjs class name: `SGD`, `Momentum`, `Adam`, `RMSProp`, `Adagrad` or `Adamax`. */
  readonly className: string;
  readonly config: Readonly<Record<string, number | boolean | null>>;
}

/** Describes a live optimizer so `restoreOptimizer` can rebuild it (without its slot variables). */
export function describeOptimizer(optimizer: tf.Optimizer): OptimizerState {
  const config = optimizer.getConfig() as Record<string, number | boolean | null>;
  return { className: optimizer.getClassName(), config: { ...config } };
}

/**
 * The registered TF.js optimizer class of this name, looked up as an own key of the
 * registry and checked to be an optimizer: a tampered `checkpoint.json` naming `constructor`
 * or `Dense` gets undefined.
 */
function optimizerClass(
  className: string,
):
  | [
      tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
      tf.serialization.FromConfigMethod<tf.serialization.Serializable>,
    ]
  | undefined {
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  if (!Object.hasOwn(classes, className)) return undefined;
  const entry = classes[className];
  return entry !== undefined && entry[0].prototype instanceof tf.Optimizer ? entry : undefined;
}

/** Whether `className` names a registered TF.js optimizer (`Adam`, `SGD`, …). */
export function isOptimizerClassName(className: string): boolean {
  return optimizerClass(className) !== undefined;
}

/** Rebuilds an optimizer from `describeOptimizer`'s output through tfjs's serialization registry. */
export function restoreOptimizer(state: OptimizerState): tf.Optimizer {
  const constructor = optimizerClass(state.className);
  if (constructor === undefined) throw new Error(`unknown optimizer class ${JSON.stringify(state.className)}`);
  const [cls, fromConfig] = constructor;
  // Adam comes back as the fused Adam `createOptimizer` made (the same class name and slots).
  const restored = state.className === FusedAdamOptimizer.className ? FusedAdamOptimizer : cls;
  return fromConfig(restored, state.config) as tf.Optimizer;
}

// ---------------------------------------------------------------------------------------
// Schedules: pure functions from a 0-based epoch to the learning rate of that epoch.

/** `schedule:` of a training stage: the learning rate per epoch. */
export type ScheduleSpec =
  | { readonly kind: "step_decay"; readonly every: number; readonly factor: number }
  | { readonly kind: "exponential_decay"; readonly rate: number }
  | { readonly kind: "cosine_decay"; readonly epochs: number }
  | { readonly kind: "warmup"; readonly epochs: number };

/**
 * The runtime's half of the schedule registry: one factory per name of `schedule:`, the names
 * of the compiler's definitions (compiler/registry/training.ts); a test keeps both equal.
 */
export const SCHEDULE_FACTORIES: {
  readonly [Kind in ScheduleSpec["kind"]]: (spec: Extract<ScheduleSpec, { readonly kind: Kind }>, initialLearningRate: number) => Schedule;
} = {
  step_decay: (spec, initialLearningRate) => stepDecay({ initialLearningRate, every: spec.every, factor: spec.factor }),
  exponential_decay: (spec, initialLearningRate) => exponentialDecay({ initialLearningRate, rate: spec.rate }),
  cosine_decay: (spec, initialLearningRate) => cosineDecay({ initialLearningRate, epochs: spec.epochs }),
  warmup: (spec, initialLearningRate) => warmup({ initialLearningRate, epochs: spec.epochs }),
};

/** Turns a `schedule:` spec into a schedule function from the stage's initial learning rate. */
export function makeSchedule(spec: ScheduleSpec, initialLearningRate: number): Schedule {
  const factory = SCHEDULE_FACTORIES[spec.kind] as ((spec: ScheduleSpec, rate: number) => Schedule) | undefined;
  if (factory === undefined) throw new Error(`no schedule named \`${spec.kind}\` in this runtime (runtime/optimizers.ts)`);
  return factory(spec, initialLearningRate);
}

/** A learning-rate schedule: epoch (0-based) → learning rate. */
export type Schedule = (epoch: number) => number;

/** Arguments of `step_decay(every, factor)`. */
export interface StepDecayArgs {
  /** The rate of epoch 0. */
  readonly initialLearningRate: number;
  /** Epochs between decays (≥ 1). */
  readonly every: number;
  /** Multiplier applied every `every` epochs. Default 0.5. */
  readonly factor?: number;
}

/** `lr × factor^floor(epoch / every)`. */
export function stepDecay(args: StepDecayArgs): Schedule {
  const factor = args.factor ?? 0.5;
  return (epoch) => args.initialLearningRate * factor ** Math.floor(epoch / args.every);
}

/** Arguments of `exponential_decay(rate)`. */
export interface ExponentialDecayArgs {
  /** The rate of epoch 0. */
  readonly initialLearningRate: number;
  /** Decay per epoch, in (0, 1]. */
  readonly rate: number;
}

/** `lr × rate^epoch`. */
export function exponentialDecay(args: ExponentialDecayArgs): Schedule {
  return (epoch) => args.initialLearningRate * args.rate ** epoch;
}

/** Arguments of `cosine_decay(epochs)`. */
export interface CosineDecayArgs {
  /** The rate of epoch 0. */
  readonly initialLearningRate: number;
  /** Length of the decay; the rate stays 0 afterwards. */
  readonly epochs: number;
}

/** Cosine annealing: `lr × (1 + cos(π · min(epoch, epochs) / epochs)) / 2`. */
export function cosineDecay(args: CosineDecayArgs): Schedule {
  return (epoch) =>
    (args.initialLearningRate * (1 + Math.cos((Math.PI * Math.min(epoch, args.epochs)) / args.epochs))) / 2;
}

/** Arguments of `warmup(epochs)`. */
export interface WarmupArgs {
  /** The rate reached at the end of the warm-up. */
  readonly initialLearningRate: number;
  /** Warm-up length in epochs. */
  readonly epochs: number;
}

/** Linear warm-up `lr × (epoch + 1) / epochs` for the first `epochs` epochs, then constant `lr`. */
export function warmup(args: WarmupArgs): Schedule {
  return (epoch) => args.initialLearningRate * Math.min(1, (epoch + 1) / args.epochs);
}
