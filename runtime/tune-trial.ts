/**
 * One trial of a search as plain data, and its training. The main thread describes each
 * trial (the stage after the trial's values, the callbacks a trial keeps), and the same
 * `trainTrial` runs it on the main thread or in a trial worker
 * (runtime/parallel/trial-worker.ts), so a trial trains alike wherever it runs.
 */
import type * as tf from "@tensorflow/tfjs";
import type { CallbackSpec, ExperimentDefinition, Hyperparameters, StageSpec } from "./experiment.js";
import { isHigherBetter } from "./metrics/index.js";
import type { DataInfo, PreparedData } from "./prepared-data.js";
import { train } from "./train.js";
import { makeCallbacks } from "./callbacks/registry.js";
import { buildSeededModel } from "./seeded-model.js";
import { scheduleCallbacks, scoringOf, stageTrainOptions, type Scoring } from "./stage-training.js";

/** Everything training one trial needs besides its model and the data; structured-cloneable. */
export interface TrialSpec {
  /** 1-based trial number. */
  readonly trial: number;
  readonly values: Hyperparameters;
  /**
   * The `train` stage after the trial's values, for `max_epochs`, with the callbacks a trial
   * runs (`early_stopping`, `reduce_lr_on_plateau`); trained as the run trains a stage.
   */
  readonly stage: StageSpec;
  readonly seed: number;
  /** How the run scores (`evaluate { average, positive }`), so trials log `val_f1` as it does. */
  readonly scoring: Scoring;
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
  return {
    trial,
    values,
    stage: {
      ...stage,
      epochs: definition.tune?.maxEpochs ?? stage.epochs,
      callbacks: stage.callbacks.filter((callback) => TRIAL_CALLBACKS.has(callback.kind)),
    },
    seed: definition.seed,
    scoring: scoringOf(definition, info),
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
  const { stage } = spec;
  const history = await train(model, data, {
    ...stageTrainOptions(stage, spec.seed, spec.scoring),
    epochs: stage.epochs,
    optimizer: stage.optimizer,
    // In run-stages' order: the schedule sets each epoch's rate before the stage's callbacks see it.
    callbacks: [...scheduleCallbacks(stage), ...makeCallbacks(stage.callbacks, spec.baseDir, true)],
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
