/**
 * One trial of a search as plain data, and its training. The main thread describes each
 * trial (the stage after the trial's values, the callbacks a trial keeps), and the same
 * `trainTrial` runs it on the main thread or in a trial worker
 * (runtime/parallel/trial-worker.ts), so a trial trains alike wherever it runs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { CallbackSpec, ExperimentDefinition, Hyperparameters } from "./experiment.js";
import type { ClassWeightSpec, LossName } from "./losses.js";
import { isHigherBetter, type Average } from "./metrics/index.js";
import { learningRateOf, makeSchedule, type OptimizerSpec, type ScheduleSpec } from "./optimizers.js";
import type { DataInfo, PreparedData } from "./prepared-data.js";
import { train } from "./train.js";
import { makeCallbacks } from "./callbacks/registry.js";
import { learningRateScheduler } from "./callbacks/learning-rate-scheduler.js";
import { positiveClassId } from "./evaluate.js";
import { buildSeededModel } from "./seeded-model.js";

/** Everything training one trial needs besides its model and the data; structured-cloneable. */
export interface TrialSpec {
  /** 1-based trial number. */
  readonly trial: number;
  readonly values: Hyperparameters;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly optimizer: OptimizerSpec;
  readonly loss: LossName;
  readonly metrics: readonly string[];
  /** As the final run logs `val_f1` and the like (`evaluate { average }`). */
  readonly average?: Average;
  /** The positive class's id (`evaluate { positive }`). */
  readonly positive?: number;
  /** The stage's `early_stopping` and `reduce_lr_on_plateau`: the callbacks a trial runs. */
  readonly callbacks: readonly CallbackSpec[];
  /** The stage's settings that change what a trial learns, as the final run trains with them. */
  readonly schedule?: ScheduleSpec;
  readonly classWeight?: ClassWeightSpec;
  readonly shuffle: boolean;
  readonly validationBatchSize?: number;
  /** Folder of the `.dlm` file, for the callbacks' factories. */
  readonly baseDir: string;
}

/** What training a trial gives back: its logs per epoch, the epochs trained, and a divergence. */
export interface TrialOutcome {
  readonly logs: Readonly<Record<string, readonly number[]>>;
  readonly epochs: number;
  /** `History.failure`: the trial diverged. */
  readonly failure?: string;
}

/** A trial that failed where trials train several at once; the message names the trial and why. */
export class TrialFailure extends Error {
  override readonly name = "TrialFailure";

  constructor(
    readonly trial: number,
    why: string,
  ) {
    super(`tuning: trial ${trial} ${why}`);
  }
}

/** The first line of an error's message, for a trial's failure: TF.js's messages go on with paragraphs of advice. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

/** The callbacks a trial keeps: those that change how it trains, none that write files. */
const TRIAL_CALLBACKS: ReadonlySet<CallbackSpec["kind"]> = new Set(["early_stopping", "reduce_lr_on_plateau"]);

/** Describes trial `trial` (1-based) at `values`: the stage rewritten by the trial's values, trained for `max_epochs`. */
export function describeTrial(
  definition: ExperimentDefinition,
  info: DataInfo,
  trial: number,
  values: Hyperparameters,
): TrialSpec {
  const stage = definition.withHyperparameters?.(values).train ?? definition.train;
  const { average, positive } = definition.evaluate;
  return {
    trial,
    values,
    epochs: definition.tune?.maxEpochs ?? stage.epochs,
    batchSize: stage.batchSize,
    seed: definition.seed,
    optimizer: stage.optimizer,
    loss: stage.loss,
    metrics: stage.metrics,
    ...(average === undefined ? {} : { average }),
    ...(positive === undefined ? {} : { positive: positiveClassId(positive, info.classes)! }),
    callbacks: stage.callbacks.filter((callback) => TRIAL_CALLBACKS.has(callback.kind)),
    ...(stage.schedule === undefined ? {} : { schedule: stage.schedule }),
    ...(stage.classWeight === undefined ? {} : { classWeight: stage.classWeight }),
    shuffle: stage.shuffle ?? true,
    ...(stage.validationBatchSize === undefined ? {} : { validationBatchSize: stage.validationBatchSize }),
    baseDir: definition.baseDir,
  };
}

/** Builds the trial's seeded model on this thread and trains it as `spec` describes. */
export async function trainTrialHere(
  definition: Pick<ExperimentDefinition, "buildModel" | "seed">,
  data: PreparedData,
  spec: TrialSpec,
): Promise<TrialOutcome> {
  const model = await buildSeededModel(definition, data.info, spec.values);
  try {
    return await trainTrial(model, data, spec);
  } finally {
    model.dispose();
  }
}

/**
 * Trains `model` (built for the trial, disposed by the caller) as `spec` describes; `signal`
 * stops it at the next batch (a search that failed elsewhere).
 */
export async function trainTrial(
  model: tf.LayersModel,
  data: PreparedData,
  spec: TrialSpec,
  signal?: AbortSignal,
): Promise<TrialOutcome> {
  const schedule =
    spec.schedule === undefined ? [] : [learningRateScheduler(makeSchedule(spec.schedule, learningRateOf(spec.optimizer)))];
  const history = await train(model, data, {
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    ...(spec.validationBatchSize === undefined ? {} : { validationBatchSize: spec.validationBatchSize }),
    seed: spec.seed,
    shuffle: spec.shuffle,
    optimizer: spec.optimizer,
    loss: spec.loss,
    metrics: spec.metrics,
    ...(spec.average === undefined ? {} : { average: spec.average }),
    ...(spec.positive === undefined ? {} : { positive: spec.positive }),
    ...(spec.classWeight === undefined ? {} : { classWeight: spec.classWeight }),
    // In run-stages' order: the schedule sets each epoch's rate before the user's callbacks see it.
    callbacks: [...schedule, ...makeCallbacks(spec.callbacks, spec.baseDir, true)],
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    logs: history.logs,
    epochs: history.epochs.length,
    ...(history.failure === undefined ? {} : { failure: history.failure }),
  };
}

/**
 * A trial's score: the best value of `objective` over its epochs, NaN when it logged none or
 * diverged (a diverged trial is no candidate, however good its earlier epochs looked).
 */
export function scoreTrial(outcome: TrialOutcome, objective: string): number {
  const finite = (outcome.logs[objective] ?? []).filter(Number.isFinite);
  if (outcome.failure !== undefined || finite.length === 0) return Number.NaN;
  return isHigherBetter(objective) ? Math.max(...finite) : Math.min(...finite);
}
