/**
 * The training loop of `train { }` and `fine_tune { }`: a hand-written loop over batches
 * gathered with `tf.gather` (faster than `model.fit`, see NOTES.md), Keras's callback order
 * and log names, and metrics computed over every example of the split.
 */
import * as tf from "@tensorflow/tfjs";
import type { Callback, History, Logs, TrainingContext, TrainingParams } from "./callbacks/callback.js";
import {
  batchLoss,
  classWeightVector,
  exampleWeights,
  perExampleLoss,
  type ClassWeightSpec,
  type LossName,
} from "./losses.js";
import { computeMetric, type Average, type MetricInfo } from "./metrics/index.js";
import { createOptimizer, getLearningRate, type OptimizerSpec } from "./optimizers.js";
import { deriveSeed, seededPermutation } from "./data/random.js";
import { applyInTrainingMode } from "./seeded-dropout.js";
import { firstNonFiniteIndex, firstNonFiniteWeight, nonFiniteLog } from "./finite-weights.js";
import type { PreparedData, Preprocessing, Split } from "./prepared-data.js";
import { inTargetUnits } from "./data/normalize.js";
import { WorkerPool } from "./parallel/worker-pool.js";
import { activeBackendName } from "./backend.js";

/** Arguments of `train()`; defaults as in Keras's `fit`. */
export interface TrainOptions {
  /** Index one past the last epoch to train (a resumed run trains `initialEpoch … epochs-1`). */
  readonly epochs: number;
  /** Examples per training batch. Default 32. */
  readonly batchSize?: number;
  /** Examples per validation batch. Default `batchSize`. */
  readonly validationBatchSize?: number;
  /** First epoch to train, to resume from a checkpoint. Default 0. */
  readonly initialEpoch?: number;
  /** History of the epochs before `initialEpoch` (from a checkpoint); the result continues it. */
  readonly initialHistory?: History;
  /** Seeds the shuffling order and the augmentation of each batch. Default 0. */
  readonly seed?: number;
  /** Shuffle the training examples afresh each epoch. Default true. */
  readonly shuffle?: boolean;
  /** An optimizer spec (a fresh optimizer, disposed at the end) or a live optimizer (e.g. restored from a checkpoint). */
  readonly optimizer: OptimizerSpec | tf.Optimizer;
  readonly loss: LossName;
  /** Metric names logged each epoch over the whole split, e.g. `["accuracy", "f1"]`. Default none. */
  readonly metrics?: readonly string[];
  /** Averaging of precision, recall and F1. Default: the metric registry's. */
  readonly average?: Average;
  /** Two classes: the id of the positive class for precision / recall / F1 / AUC. Default 1. */
  readonly positive?: number;
  /** Classification only: per-class weights of the training loss. */
  readonly classWeight?: ClassWeightSpec;
  /** Apply `data.augment` to each training batch when the data has one. Default true. */
  readonly augment?: boolean;
  /** Called in order at each hook. */
  readonly callbacks?: readonly Callback[];
  /**
   * Aborted to stop at the next batch boundary (Ctrl-C): the epoch cut short is neither
   * recorded nor passed to `onEpochEnd`, and `History.interrupted` says where it stopped.
   */
  readonly signal?: AbortSignal;
  /**
   * Data-parallel workers, the main thread included (runtime/parallel/): each computes the
   * gradients of its shard of every batch, and one update applies their sum. Default 1.
   * Batch norm then normalises by each worker's shard, dropout masks are per worker.
   */
  readonly workers?: number;
}

/** Everything fixed for the whole run, resolved once from the options and the data. */
interface RunSetup {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly variables: tf.Variable[];
  readonly loss: LossName;
  readonly metrics: readonly string[];
  readonly metricInfo: MetricInfo;
  /** Values per example in the model's output. */
  readonly outputWidth: number;
  readonly batchSize: number;
  readonly validationBatchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly augment?: (batch: tf.Tensor, seed: number) => tf.Tensor;
  /** Per-example class weights of the training split `[n]`, when class weights apply. */
  readonly exampleWeights?: tf.Tensor1D;
  /** Training labels read once, to compute training metrics in each epoch's order. */
  readonly trainLabels: Float32Array | Int32Array;
  /** Regression targets scaled for training (`normalize_target`): metrics map both sides back to the target's units. */
  readonly targetScaling?: Preprocessing["target"];
}

/**
 * Trains `model` on `data.train`, validating on `data.validation` after each epoch, and
 * returns the history. Only trainable weights change; dropout and batch normalisation
 * run in training mode during the step.
 */
export async function train(model: tf.LayersModel, data: PreparedData, options: TrainOptions): Promise<History> {
  const ownsOptimizer = !(options.optimizer instanceof tf.Optimizer);
  const optimizer = options.optimizer instanceof tf.Optimizer ? options.optimizer : createOptimizer(options.optimizer);
  const setup = prepareRun(model, data, options, optimizer);
  const callbacks = options.callbacks ?? [];
  const history = startHistory(options.initialHistory);
  const params = describeRun(setup, data, options);
  const context: TrainingContext = { model, optimizer, params, history, stopTraining: false };
  for (const callback of callbacks) callback.setContext(context);
  let pool: WorkerPool | undefined;
  try {
    pool = await startPool(setup, data, options);
    await runCallbacks(callbacks, (callback) => callback.onTrainBegin({}));
    let lastLogs: Logs = {};
    for (let epoch = params.initialEpoch; epoch < params.epochs; epoch++) {
      if (options.signal?.aborted) {
        history.interrupted = { epoch, batches: 0 };
        break;
      }
      await runCallbacks(callbacks, (callback) => callback.onEpochBegin(epoch, {}));
      const trained = await trainEpoch(setup, data.train, epoch, callbacks, context, options.signal, pool);
      if (trained.interruptedAfter !== undefined) {
        // Half an epoch is no epoch: its loss and metrics cover part of the data.
        history.interrupted = { epoch, batches: trained.interruptedAfter };
        break;
      }
      const logs: Logs = { loss: trained.loss, ...monitorMetrics(setup, trained.labels, trained.predictions, "") };
      const validation = data.validation === undefined ? undefined : validate(setup, data.validation);
      if (validation !== undefined) Object.assign(logs, validation.logs);
      logs["lr"] = getLearningRate(optimizer);
      recordEpoch(history, epoch, logs);
      // Finite or fail: a diverged epoch (or one terminate_on_nan stopped) never reaches the callbacks,
      // so it is never checkpointed.
      const diverged = divergence(setup, logs, [trained.predictions, validation?.predictions]);
      if (history.failure !== undefined || diverged !== undefined) {
        failTraining(context, history, history.failure ?? `training diverged at epoch ${epoch + 1}: ${diverged}`);
        break;
      }
      await runCallbacks(callbacks, (callback) => callback.onEpochEnd(epoch, logs));
      lastLogs = logs;
      if (context.stopTraining) break;
    }
    if (context.stopTraining) {
      history.stoppedEarly = true;
      if (context.stopReason !== undefined) history.stopReason = context.stopReason;
    }
    await runCallbacks(callbacks, (callback) => callback.onTrainEnd(lastLogs));
    return history;
  } finally {
    await pool?.stop();
    setup.exampleWeights?.dispose();
    if (ownsOptimizer) optimizer.dispose();
  }
}

/** The worker threads of data-parallel training, when more than one worker is asked for and there is something to train. */
async function startPool(setup: RunSetup, data: PreparedData, options: TrainOptions): Promise<WorkerPool | undefined> {
  const workers = Math.min(options.workers ?? 1, setup.batchSize);
  if (workers <= 1 || setup.variables.length === 0) return undefined;
  try {
    return await WorkerPool.start({
      workers,
      model: setup.model,
      variables: setup.variables,
      loss: setup.loss,
      backend: activeBackendName(),
      maxRows: setup.batchSize,
      x: data.train.x,
      y: data.train.y,
      weighted: setup.exampleWeights !== undefined,
      keepPredictions: setup.metrics.length > 0,
    });
  } catch (error) {
    // A worker that cannot rebuild the model (a layer class only this thread knows) costs the speed-up, not the run.
    console.warn(`dlm: ${workers} workers could not start (${(error as Error).message}); training on one worker`);
    return undefined;
  }
}

/** Resolves defaults and reads what the loop needs from the model and the data. */
function prepareRun(
  model: tf.LayersModel,
  data: PreparedData,
  options: TrainOptions,
  optimizer: tf.Optimizer,
): RunSetup {
  const batchSize = options.batchSize ?? 32;
  const outputShape = model.outputs[0]?.shape ?? [];
  const outputWidth = outputShape.slice(1).reduce<number>((product, size) => product * (size ?? 1), 1);
  const trainLabels = readLabels(data.train.y);
  const classification = data.info.task === "classification";
  const numClasses = data.info.classes?.length ?? (outputWidth === 1 ? 2 : outputWidth);
  const metricInfo: MetricInfo = classification
    ? {
        task: "classification",
        numClasses,
        ...(options.average === undefined ? {} : { average: options.average }),
        ...(options.positive === undefined ? {} : { positive: options.positive }),
      }
    : { task: "regression", targets: data.info.targets ?? outputWidth };
  const classWeights =
    classification && options.classWeight !== undefined
      ? classWeightVector(options.classWeight, trainLabels, data.info.classes ?? classIds(numClasses))
      : undefined;
  const useAugment = (options.augment ?? true) && data.augment !== undefined;
  return {
    model,
    optimizer,
    // LayerVariable.read() is the tf.Variable itself; the list order also fixes optimizer slot order.
    variables: model.trainableWeights.map((weight) => weight.read() as tf.Variable),
    loss: options.loss,
    metrics: options.metrics ?? [],
    metricInfo,
    outputWidth,
    batchSize,
    validationBatchSize: options.validationBatchSize ?? batchSize,
    seed: options.seed ?? 0,
    shuffle: options.shuffle ?? true,
    ...(useAugment && data.augment !== undefined ? { augment: data.augment } : {}),
    ...(classWeights === undefined ? {} : { exampleWeights: tf.tensor1d(exampleWeights(classWeights, trainLabels)) }),
    trainLabels,
    ...(data.preprocessing.target === undefined ? {} : { targetScaling: data.preprocessing.target }),
  };
}

function describeRun(setup: RunSetup, data: PreparedData, options: TrainOptions): TrainingParams {
  const doValidation = data.validation !== undefined;
  const logNames = ["loss", ...setup.metrics];
  if (doValidation) logNames.push("val_loss", ...setup.metrics.map((name) => `val_${name}`));
  logNames.push("lr");
  return {
    epochs: options.epochs,
    initialEpoch: options.initialEpoch ?? 0,
    batchSize: setup.batchSize,
    samples: data.train.size,
    stepsPerEpoch: Math.ceil(data.train.size / setup.batchSize),
    logNames,
    doValidation,
  };
}

/** What one epoch of training produced, for the epoch's logs. */
interface EpochResult {
  /** Mean training loss over the examples seen (Keras weighs each batch by its size). */
  readonly loss: number;
  /** Labels and training-mode predictions of the examples seen, in the order seen. */
  readonly labels: Float32Array | Int32Array;
  readonly predictions: Float32Array;
  /** Set when `signal` stopped the epoch: the batches trained before it. */
  readonly interruptedAfter?: number;
}

/**
 * The batch loop runs synchronously (TF.js's `dataSync`), so signal handlers would only run
 * at the epoch's end: it yields to the event loop when this much time has passed.
 */
const YIELD_EVERY_MS = 25;

/** Lets pending events (a SIGINT, the parent's exit) run their handlers. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function trainEpoch(
  setup: RunSetup,
  split: Split,
  epoch: number,
  callbacks: readonly Callback[],
  context: TrainingContext,
  signal: AbortSignal | undefined,
  pool: WorkerPool | undefined,
): Promise<EpochResult> {
  // Each epoch gets its own seed: its stream 0 shuffles, stream `batch + 1` augments that batch and draws its dropout masks.
  const seed = deriveSeed(setup.seed, epoch);
  const order = setup.shuffle
    ? Int32Array.from(seededPermutation(split.size, deriveSeed(seed, 0)))
    : identityOrder(split.size);
  const keepPredictions = setup.metrics.length > 0;
  const predictions = new Float32Array(keepPredictions ? split.size * setup.outputWidth : 0);
  let lossSum = 0;
  let seen = 0;
  const steps = Math.ceil(split.size / setup.batchSize);
  let yieldedAt = performance.now();
  for (let batch = 0; batch < steps; batch++) {
    if (signal !== undefined && performance.now() - yieldedAt >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      yieldedAt = performance.now();
    }
    if (signal?.aborted) return { loss: Number.NaN, labels: setup.trainLabels.subarray(0, 0), predictions, interruptedAfter: batch };
    const indices = order.subarray(batch * setup.batchSize, Math.min(split.size, (batch + 1) * setup.batchSize));
    await runCallbacks(callbacks, (callback) => callback.onBatchBegin(batch, { batch, size: indices.length }));
    const batchSeed = deriveSeed(seed, batch + 1);
    const step =
      pool === undefined
        ? trainStep(setup, split, indices, batchSeed, keepPredictions)
        : await trainParallelStep(setup, split, indices, batchSeed, pool);
    if (step.predictions !== undefined) predictions.set(step.predictions, seen * setup.outputWidth);
    lossSum += step.loss * indices.length;
    seen += indices.length;
    await runCallbacks(callbacks, (callback) =>
      callback.onBatchEnd(batch, { batch, size: indices.length, loss: step.loss }),
    );
    if (context.stopTraining) break;
  }
  const seenOrder = order.subarray(0, seen);
  return {
    loss: lossSum / Math.max(seen, 1),
    labels: gatherRows(setup.trainLabels, seenOrder, labelWidth(setup.trainLabels, split.size)),
    predictions: predictions.subarray(0, seen * setup.outputWidth),
  };
}

/** One gradient step on the examples at `indices`; returns the batch loss and, if asked, the predictions. */
function trainStep(
  setup: RunSetup,
  split: Split,
  indices: Int32Array,
  batchSeed: number,
  keepPredictions: boolean,
): { loss: number; predictions?: Float32Array } {
  let kept: tf.Tensor | undefined;
  const loss = tf.tidy(() => {
    const rows = tf.tensor1d(indices, "int32");
    const gathered = tf.gather(split.x, rows);
    const x = setup.augment === undefined ? gathered : setup.augment(gathered, batchSeed);
    const y = tf.gather(split.y, rows);
    const weights =
      setup.exampleWeights === undefined ? undefined : (tf.gather(setup.exampleWeights, rows) as tf.Tensor1D);
    const lossOfBatch = (): tf.Scalar => {
      const output = applyInTrainingMode(setup.model, x, batchSeed);
      if (keepPredictions) kept = tf.keep(output);
      return addRegularization(setup.model, batchLoss(setup.loss, y, output, weights));
    };
    // A fully frozen model still reports its loss, as Keras does, but has nothing to update.
    if (setup.variables.length === 0) return lossOfBatch();
    const { value, grads } = tf.variableGrads(lossOfBatch, setup.variables);
    setup.optimizer.applyGradients(grads);
    return value;
  });
  const lossValue = loss.dataSync()[0] ?? Number.NaN;
  loss.dispose();
  if (kept === undefined) return { loss: lossValue };
  const predictions = kept.dataSync() as Float32Array;
  kept.dispose();
  return { loss: lossValue, predictions };
}

/** One data-parallel step: the batch gathered (and augmented) here, its shards' gradients computed by the pool's workers. */
async function trainParallelStep(
  setup: RunSetup,
  split: Split,
  indices: Int32Array,
  batchSeed: number,
  pool: WorkerPool,
): Promise<{ loss: number; predictions?: Float32Array }> {
  const batch = tf.tidy(() => {
    const rows = tf.tensor1d(indices, "int32");
    const gathered = tf.gather(split.x, rows);
    return {
      x: setup.augment === undefined ? gathered : setup.augment(gathered, batchSeed),
      y: tf.gather(split.y, rows),
      ...(setup.exampleWeights === undefined ? {} : { weights: tf.gather(setup.exampleWeights, rows) as tf.Tensor1D }),
    };
  });
  try {
    return await pool.step({ ...batch, seed: batchSeed }, setup.optimizer);
  } finally {
    tf.dispose([batch.x, batch.y, ...(batch.weights === undefined ? [] : [batch.weights])]);
  }
}

/** Adds the layers' weight penalties (l1/l2), which tfjs exposes as `calculateLosses()`. */
function addRegularization(model: tf.LayersModel, loss: tf.Scalar): tf.Scalar {
  const penalties = model.calculateLosses();
  return penalties.length === 0 ? loss : tf.add(loss, tf.addN(penalties));
}

/** Validation loss and metrics over the whole split, in inference mode, and the predictions behind them. */
function validate(setup: RunSetup, split: Split): { logs: Logs; predictions: Float32Array } {
  const predictions = new Float32Array(split.size * setup.outputWidth);
  let lossSum = 0;
  for (let start = 0; start < split.size; start += setup.validationBatchSize) {
    const end = Math.min(split.size, start + setup.validationBatchSize);
    const batch = tf.tidy(() => {
      // tf.gather, not slice: slicing on wasm copies the whole source buffer (NOTES.md).
      const rows = tf.range(start, end, 1, "int32");
      const output = setup.model.apply(tf.gather(split.x, rows), { training: false }) as tf.Tensor;
      return [output, tf.sum(perExampleLoss(setup.loss, tf.gather(split.y, rows), output))] as const;
    });
    predictions.set(batch[0].dataSync(), start * setup.outputWidth);
    lossSum += batch[1].dataSync()[0] ?? Number.NaN;
    tf.dispose([...batch]);
  }
  const penalty = tf.tidy(() => {
    const penalties = setup.model.calculateLosses();
    return penalties.length === 0 ? 0 : (tf.addN(penalties).dataSync()[0] ?? 0);
  });
  const labels = readLabels(split.y);
  const logs = {
    val_loss: lossSum / Math.max(split.size, 1) + penalty,
    ...monitorMetrics(setup, labels, predictions, "val_"),
  };
  return { logs, predictions };
}

/**
 * Why an epoch shows divergence, or undefined: a loss or metric that is not finite
 * (`nonFiniteLog`), a NaN or infinite prediction, or a weight that is (`firstNonFiniteWeight`).
 */
function divergence(
  setup: RunSetup,
  logs: Logs,
  predictions: readonly (Float32Array | undefined)[],
): string | undefined {
  const log = nonFiniteLog(logs);
  const output = predictions.some((values) => values !== undefined && firstNonFiniteIndex(values) >= 0);
  const weight = firstNonFiniteWeight(setup.model);
  if (log === undefined && !output && weight === undefined) return undefined;
  const what = [
    ...(weight === undefined ? [] : [`weight \`${weight}\` holds NaN or infinite values`]),
    ...(log === undefined ? [] : [log]),
    ...(output ? ["the model outputs NaN or infinite values"] : []),
  ].join("; ");
  const learningRate = getLearningRate(setup.optimizer);
  return (
    `${what}. Nothing from this epoch is checkpointed or exported. ` +
    `Try a lower learning rate (it is ${learningRate}), e.g. ${Number((learningRate / 10).toPrecision(3))}, ` +
    "or check the data for extreme values."
  );
}

/** Stops training as failed (`History.failure`): the run reports the reason once, as its error, and exits 1. */
function failTraining(context: TrainingContext, history: History, reason: string): void {
  context.stopTraining = true;
  history.failure = reason;
}

/** Each requested metric over the given labels and predictions, named with `prefix`. */
function monitorMetrics(
  setup: RunSetup,
  labels: Float32Array | Int32Array,
  predictions: Float32Array,
  prefix: string,
): Logs {
  const logs: Logs = {};
  if (labels.length === 0) return logs;
  const [yTrue, yPred] = [inTargetUnits(labels, setup.targetScaling), inTargetUnits(predictions, setup.targetScaling)];
  for (const name of setup.metrics) {
    logs[prefix + name] = computeMetric(name, yTrue, yPred, setup.metricInfo);
  }
  return logs;
}

function startHistory(initial: History | undefined): History {
  const logs: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(initial?.logs ?? {})) logs[name] = [...values];
  return { epochs: [...(initial?.epochs ?? [])], logs };
}

function recordEpoch(history: History, epoch: number, logs: Logs): void {
  history.epochs.push(epoch);
  for (const [name, value] of Object.entries(logs)) {
    (history.logs[name] ??= []).push(value);
  }
}

async function runCallbacks(
  callbacks: readonly Callback[],
  hook: (callback: Callback) => Promise<void>,
): Promise<void> {
  for (const callback of callbacks) await hook(callback);
}

/** Labels as a typed array: int32 class ids or float32 targets. */
function readLabels(y: tf.Tensor): Float32Array | Int32Array {
  const values = y.dataSync();
  if (values instanceof Int32Array || values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

function labelWidth(labels: Float32Array | Int32Array, size: number): number {
  return size === 0 ? 1 : labels.length / size;
}

/** Rows of a row-major array in the given order. */
function gatherRows<Values extends Float32Array | Int32Array>(
  values: Values,
  order: Int32Array,
  width: number,
): Values {
  const result = new (values.constructor as new (length: number) => Values)(order.length * width);
  for (let i = 0; i < order.length; i++) {
    const row = order[i] ?? 0;
    result.set(values.subarray(row * width, (row + 1) * width), i * width);
  }
  return result;
}

function classIds(count: number): string[] {
  return Array.from({ length: count }, (_, id) => String(id));
}

function identityOrder(size: number): Int32Array {
  return Int32Array.from({ length: size }, (_, index) => index);
}
