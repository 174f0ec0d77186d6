/**
 * The callback contract of the training loop, shaped like tfjs's `BaseCallback` (async no-op
 * hooks, factory functions per callback) with Keras's order of calls and its
 * `stop_training` flag.
 */
import type * as tf from "@tensorflow/tfjs";
import type { History } from "../train.js";

/** Numbers logged at the end of a batch or an epoch: `loss`, `accuracy`, `val_loss`, `lr` … */
export type Logs = Record<string, number>;

/** What the loop tells callbacks before training starts. */
export interface TrainingParams {
  /** Index one past the last epoch (Keras's `epochs`). */
  readonly epochs: number;
  /** First epoch this run trains (0, or the resumed epoch). */
  readonly initialEpoch: number;
  readonly batchSize: number;
  /** Training examples per epoch. */
  readonly samples: number;
  /** Batches per epoch (the last one may be smaller). */
  readonly stepsPerEpoch: number;
  /** Names logged at the end of each epoch, in column order: `loss`, metrics, `val_loss`, val metrics, `lr`. */
  readonly logNames: readonly string[];
  readonly doValidation: boolean;
}

/** Shared, mutable state of one training run, the same object for every callback. */
export interface TrainingContext {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly params: TrainingParams;
  /** Every finished epoch so far, the current one included once `onEpochEnd` runs. */
  readonly history: History;
  /** Set to end training after the current batch (Keras's `model.stop_training`). */
  stopTraining: boolean;
  /** Why training stopped, in a sentence for the user. */
  stopReason?: string;
}

/**
 * Base class of every callback: hooks are async no-ops, to be overridden where a
 * callback cares. The loop awaits each hook, in list order.
 */
export abstract class Callback {
  private currentContext: TrainingContext | undefined;

  /** Called by the loop before `onTrainBegin`. */
  setContext(context: TrainingContext): void {
    this.currentContext = context;
  }

  /** The running training's state; only valid inside hooks. */
  protected get context(): TrainingContext {
    if (this.currentContext === undefined) throw new Error("callback used outside of train()");
    return this.currentContext;
  }

  /** Ends training after the current batch, recording why. */
  protected stop(reason: string): void {
    this.context.stopTraining = true;
    this.context.stopReason = reason;
  }

  async onTrainBegin(_logs: Logs): Promise<void> {}
  async onEpochBegin(_epoch: number, _logs: Logs): Promise<void> {}
  async onBatchBegin(_batch: number, _logs: Logs): Promise<void> {}
  async onBatchEnd(_batch: number, _logs: Logs): Promise<void> {}
  async onEpochEnd(_epoch: number, _logs: Logs): Promise<void> {}
  async onTrainEnd(_logs: Logs): Promise<void> {}
}

/** `min`: lower is better; `max`: higher is better; `auto`: decided by the monitored name. */
export type MonitorMode = "auto" | "min" | "max";
