/**
 * `early_stopping(monitor, patience, min_delta, mode, restore_best_weights)`: stops training
 * when the monitored value has not improved for `patience` epochs (Keras 3 semantics,
 * including restoring the best weights at the end of training).
 */
import * as tf from "@tensorflow/tfjs";
import {
  createMonitor,
  isImprovement,
  missingMonitorMessage,
  readMonitored,
  worstValue,
  type Monitor,
} from "./monitor.js";
import { formatLogValue } from "./progress.js";
import { Callback, type Logs, type MonitorMode } from "./callback.js";

/** Arguments of `earlyStopping`. */
export interface EarlyStoppingArgs {
  /** Logged name to watch. Default `val_loss`. */
  readonly monitor?: string;
  /** Epochs without improvement before stopping. Default 0. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  readonly minDelta?: number;
  /** Direction of improvement. Default `auto` (from the metric registry). */
  readonly mode?: MonitorMode;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  readonly restoreBestWeights?: boolean;
  /** Where warnings go (a missing monitor). Default `console.warn`. */
  readonly warn?: (message: string) => void;
}

/** The callback `earlyStopping` builds; `bestEpoch` and `stoppedEpoch` are readable afterwards. */
export class EarlyStopping extends Callback {
  readonly monitor: Monitor;
  private readonly patience: number;
  private readonly restoreBestWeights: boolean;
  private readonly warn: (message: string) => void;
  private wait = 0;
  private best = Infinity;
  private bestWeights: tf.Tensor[] | undefined;
  private warned = false;
  /** Epoch whose value was best so far (-1 before any). */
  bestEpoch = -1;
  /** Epoch at which training was stopped (-1 when it was not). */
  stoppedEpoch = -1;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = createMonitor(args.monitor ?? "val_loss", args.mode ?? "auto", args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.warn = args.warn ?? ((message) => console.warn(message));
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.best = worstValue(this.monitor);
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.replaceBestWeights(undefined);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const current = readMonitored(this.monitor, logs);
    if (current === undefined) {
      if (!this.warned) this.warn(missingMonitorMessage("early_stopping", this.monitor, logs));
      this.warned = true;
      return;
    }
    // Keras snapshots the first epoch's weights even when it is not an improvement (e.g. NaN).
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.replaceBestWeights(this.snapshot());
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (isImprovement(this.monitor, current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.replaceBestWeights(this.snapshot());
      this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.stop(
        `early stopping at epoch ${epoch + 1}: ${this.monitor.name} did not improve for ${this.wait} epoch(s)` +
          ` (best ${formatLogValue(this.best)} at epoch ${this.bestEpoch + 1})`,
      );
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      this.context.model.setWeights(this.bestWeights);
    }
    this.replaceBestWeights(undefined);
  }

  /** Copies of every weight (trainable or not, e.g. batch-norm statistics), as Keras's get_weights. */
  private snapshot(): tf.Tensor[] {
    // getWeights() returns the live variables, which later updates overwrite: clone them.
    return this.context.model.getWeights().map((weight) => weight.clone());
  }

  private replaceBestWeights(weights: tf.Tensor[] | undefined): void {
    if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
    this.bestWeights = weights;
  }
}

/** Stops training when the monitored value stops improving (`early_stopping`). */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
