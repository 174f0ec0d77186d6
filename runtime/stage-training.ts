/**
 * What a training stage's settings make of `train()`'s options. The run's stages
 * (run-stages.ts) and every trial of a search (tune-trial.ts) train through this one mapping,
 * so a trial learns as the run it is scored for would: the same batches, shuffling, loss
 * weighting, schedule and logged metrics.
 */
import type { Callback } from "./callbacks/callback.js";
import { learningRateScheduler } from "./callbacks/learning-rate-scheduler.js";
import { positiveClassId } from "./evaluate.js";
import type { ExperimentDefinition, StageSpec } from "./experiment.js";
import type { Average } from "./metrics/index.js";
import { learningRateOf, makeSchedule } from "./optimizers.js";
import type { DataInfo } from "./prepared-data.js";
import type { TrainOptions } from "./train.js";

/** How the run scores: `evaluate { average, positive }`, the positive class as its id. */
export interface Scoring {
  readonly average?: Average;
  readonly positive?: number;
}

/** The run's scoring of `definition` on data described by `info`. */
export function scoringOf(definition: Pick<ExperimentDefinition, "evaluate">, info: DataInfo): Scoring {
  const { average, positive } = definition.evaluate;
  return {
    ...(average === undefined ? {} : { average }),
    ...(positive === undefined ? {} : { positive: positiveClassId(positive, info.classes)! }),
  };
}

/** The options of `train()` a stage decides (the caller adds epochs, optimizer, callbacks and workers). */
export type StageTrainOptions = Pick<
  TrainOptions,
  "batchSize" | "validationBatchSize" | "seed" | "shuffle" | "loss" | "metrics" | "average" | "positive" | "classWeight"
>;

/** `stage`'s options for `train()`, the examples shuffled by `seed`; logged metrics scored as `scoring` says. */
export function stageTrainOptions(stage: StageSpec, seed: number, scoring: Scoring): StageTrainOptions {
  return {
    batchSize: stage.batchSize,
    ...(stage.validationBatchSize === undefined ? {} : { validationBatchSize: stage.validationBatchSize }),
    seed,
    shuffle: stage.shuffle ?? true,
    loss: stage.loss,
    metrics: stage.metrics,
    ...(scoring.average === undefined ? {} : { average: scoring.average }),
    ...(scoring.positive === undefined ? {} : { positive: scoring.positive }),
    ...(stage.classWeight === undefined ? {} : { classWeight: stage.classWeight }),
  };
}

/** The stage's `schedule:` as a callback that sets each epoch's rate (none without a schedule). */
export function scheduleCallbacks(stage: Pick<StageSpec, "schedule" | "optimizer">): Callback[] {
  return stage.schedule === undefined
    ? []
    : [learningRateScheduler(makeSchedule(stage.schedule, learningRateOf(stage.optimizer)))];
}
