/**
 * What a run report is made of: everything is plain data the training loop already has,
 * so the report can be rendered (and tested) without tfjs.
 */
import type { Evaluation } from "../metrics/index.js";

/** Per-epoch values recorded during training. */
export interface TrainingHistory {
  /** Epoch numbers, one per recorded epoch. */
  readonly epochs: readonly number[];
  /** Values per epoch by log name: `loss`, `val_loss`, `accuracy`, `val_accuracy`, ... */
  readonly logs: Readonly<Record<string, readonly number[]>>;
}

/** One trial of a hyperparameter search. */
export interface TuningTrial {
  /** Trial number, as shown to the user. */
  readonly trial: number;
  /** The sampled value of each search space, by its setting path (e.g. `train.optimizer.learning_rate`). */
  readonly values: Readonly<Record<string, number | string>>;
  /** The objective's value at the end of the trial. */
  readonly objective: number;
  /** Epochs the trial ran (early stopping can end it before `epochs`). */
  readonly epochs: number;
}

/** Everything a report shows about one run. */
export interface RunReport {
  /** The experiment's name. */
  readonly experiment: string;
  /** The run's settings as a nested plain object (numbers, strings, booleans, arrays, objects). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The tfjs backend that ran it: `node`, `wasm` or `cpu`. */
  readonly backend: string;
  readonly history: TrainingHistory;
  /** Evaluation of the final model and the split it ran on (`test` or `validation`). */
  readonly evaluation: Evaluation & { readonly split: string };
  /** Class names in label-id order (classification). */
  readonly classes?: readonly string[];
  /** The hyperparameter search, when the experiment has a `tune` section. */
  readonly tuning?: {
    readonly trials: readonly TuningTrial[];
    /** Monitored name the search optimised, e.g. `val_accuracy`. */
    readonly objectiveName: string;
  };
  /** When the run finished, as an ISO 8601 string. */
  readonly createdAt: string;
}
