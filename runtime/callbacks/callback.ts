/**
 * The callback contract of the training loop, shaped like tfjs's `BaseCallback` (async no-op
 * hooks, factory functions per callback) with Keras's order of calls and its
 * `stop_training` flag.
 */
import type * as tf from "@tensorflow/tfjs";

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

/** Per-epoch logs, one array entry per trained epoch (Keras's `History`). */
export interface History {
  /** 0-based index of each recorded epoch. */
  readonly epochs: number[];
  /** Log name → value per recorded epoch: `loss`, `accuracy`, `val_loss`, `val_accuracy`, `lr` … */
  readonly logs: Record<string, number[]>;
  /** True when a callback stopped training before `epochs`. */
  stoppedEarly?: boolean;
  /** Why training stopped early, in a sentence. */
  stopReason?: string;
  /**
   * Set, with the reason, when training stopped because the model diverged (NaN or infinite
   * weights, losses or outputs): the run failed, and nothing of it may be saved or served.
   */
  failure?: string;
  /** Set when `signal` stopped training: the epoch cut short (not in `epochs`) and its batches trained. */
  interrupted?: { readonly epoch: number; readonly batches: number };
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
