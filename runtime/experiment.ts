/**
 * What a compiled `.dlm` experiment is at run time: `ExperimentDefinition` is the plain,
 * typed description the generated program writes out (data spec, training stages,
 * evaluation, export) plus its model builder. `run.ts` executes it.
 */
import type { WorkersSetting } from "./parallel/worker-count.js";
import type { ParallelSetting } from "./parallel/trial-count.js";
import type * as tf from "@tensorflow/tfjs";
import type { BackendName } from "./backend.js";
import type { DataSpec } from "./data/spec.js";
import type { ClassWeightSpec, LossName } from "./losses.js";
import type { Average } from "./metrics/index.js";
import type { OptimizerSpec, ScheduleSpec } from "./optimizers.js";
import type { Unfreeze } from "./unfreeze.js";
import type { DataInfo } from "./prepared-data.js";

/** `min`, `max`, or `auto` (decided by the monitored name). */
export type MonitorModeSpec = "auto" | "min" | "max";

/** One entry of `callbacks { }`; paths are relative to the `.dlm` file's folder. */
export type CallbackSpec =
  | {
      readonly kind: "early_stopping";
      readonly monitor: string;
      readonly patience: number;
      readonly minDelta: number;
      readonly mode: MonitorModeSpec;
      readonly restoreBestWeights: boolean;
    }
  | {
      readonly kind: "model_checkpoint";
      readonly path: string;
      readonly monitor: string;
      readonly saveBestOnly: boolean;
      readonly mode: MonitorModeSpec;
    }
  | {
      readonly kind: "reduce_lr_on_plateau";
      readonly monitor: string;
      readonly factor: number;
      readonly patience: number;
      readonly minLr: number;
      readonly minDelta: number;
      readonly mode: MonitorModeSpec;
    }
  | { readonly kind: "csv_logger"; readonly path: string }
  | { readonly kind: "terminate_on_nan" }
  | { readonly kind: "progress"; readonly bar: boolean };

/** `train { }`, and the training part of `fine_tune { }`. */
export interface StageSpec {
  readonly optimizer: OptimizerSpec;
  readonly schedule?: ScheduleSpec;
  readonly loss: LossName;
  /** Metrics logged each epoch over whole splits. */
  readonly metrics: readonly string[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly validationBatchSize?: number;
  readonly classWeight?: ClassWeightSpec;
  /** Shuffle training examples each epoch. Default true. */
  readonly shuffle?: boolean;
  /** Data-parallel workers (runtime/parallel/worker-count.ts). Default `auto`. */
  readonly workers?: WorkersSetting;
  readonly callbacks: readonly CallbackSpec[];
}

/** `fine_tune { }`: a second stage after `train`, with some pretrained layers unfrozen. */
export interface FineTuneSpec extends StageSpec {
  readonly unfreeze: Unfreeze;
}

/** `evaluate { }`. */
export interface EvaluateSpec {
  readonly on: "test" | "validation";
  readonly metrics: readonly string[];
  /** Averaging of precision/recall/F1/AUC; default: the positive class for two classes, macro otherwise. */
  readonly average?: Average;
  /** Two classes: the label whose scores are reported when `average` is absent; default the second class. */
  readonly positive?: string;
  /** Report path relative to the `.dlm` file's folder; default `report.html` in the run directory. */
  readonly report?: string;
}

/** A hyperparameter's search space (`choice`, `range`, `log_range`). */
export type SearchSpace =
  | { readonly kind: "choice"; readonly values: readonly (number | string | boolean)[] }
  | { readonly kind: "range"; readonly lo: number; readonly hi: number; readonly integer: boolean }
  | { readonly kind: "log_range"; readonly lo: number; readonly hi: number };

/** `tune { }`: the search and the hyperparameters it varies. */
export interface TuneSpec {
  readonly trials: number;
  readonly objective: string;
  readonly strategy: "grid" | "random";
  readonly maxEpochs?: number;
  /**
   * Trials trained at once, each in its own thread (runtime/parallel/trial-count.ts): a count
   * or `auto`. Absent: one at a time (the language's default, `auto`, is written by the compiler).
   */
  readonly parallel?: ParallelSetting;
  /** Hyperparameter name (as the report shows it) → its space. */
  readonly space: Readonly<Record<string, SearchSpace>>;
}

/** One point of a search: hyperparameter name → value. */
export type Hyperparameters = Readonly<Record<string, number | string | boolean>>;

/** Everything a run needs, written out by the compiler from one `experiment { }`. */
export interface ExperimentDefinition {
  readonly name: string;
  /** The `.dlm` file, for messages and the model card. */
  readonly sourceFile: string;
  /** Absolute folder of the `.dlm` file: relative paths of the experiment resolve against it. */
  readonly baseDir: string;
  readonly seed: number;
  readonly backend: BackendName;
  readonly data: DataSpec;
  /**
   * Builds a fresh, untrained model for the prepared data. `hyperparameters` holds the
   * current trial's values when the experiment has `tune { }`.
   */
  readonly buildModel: (info: DataInfo, hyperparameters: Hyperparameters) => Promise<tf.LayersModel>;
  readonly train: StageSpec;
  readonly fineTune?: FineTuneSpec;
  readonly tune?: TuneSpec;
  readonly evaluate: EvaluateSpec;
  /** Directory of the exported bundle, relative to `baseDir`. */
  readonly export?: string;
  /**
   * Rewrites the definition's settings for a trial's hyperparameters (search spaces in
   * settings, e.g. the learning rate). Absent when no setting is searched.
   */
  readonly withHyperparameters?: (hyperparameters: Hyperparameters) => Pick<ExperimentDefinition, "train" | "fineTune">;
}
