/**
 * `reduce_lr_on_plateau(monitor, factor, patience, min_lr)`: multiplies the learning rate
 * by `factor` when the monitored value has not improved for `patience` epochs (Keras's
 * `ReduceLROnPlateau`, cooldown included).
 */
import { getLearningRate, setLearningRate } from "../optimizers.js";
import {
  createMonitor,
  isImprovement,
  missingMonitorMessage,
  readMonitored,
  worstValue,
  type Monitor,
} from "./monitor.js";
import { Callback, type Logs, type MonitorMode } from "./callback.js";

/** Arguments of `reduceLrOnPlateau`. */
export interface ReduceLrOnPlateauArgs {
  /** Logged name to watch. Default `val_loss`. */
  readonly monitor?: string;
  /** Multiplier applied to the learning rate, in (0, 1). Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  readonly patience?: number;
  /** Lower bound of the learning rate. Default 0. */
  readonly minLr?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  readonly minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  readonly cooldown?: number;
  /** Direction of improvement. Default `auto` (from the metric registry). */
  readonly mode?: MonitorMode;
  /** Where messages go (reductions, a missing monitor). Default `console.warn`. */
  readonly log?: (message: string) => void;
}

/** The callback `reduceLrOnPlateau` builds. */
export class ReduceLrOnPlateau extends Callback {
  readonly monitor: Monitor;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minLr: number;
  private readonly cooldown: number;
  private readonly log: (message: string) => void;
  private best = Infinity;
  private wait = 0;
  private cooldownCounter = 0;
  private warned = false;

  constructor(args: ReduceLrOnPlateauArgs = {}) {
    super();
    this.monitor = createMonitor(args.monitor ?? "val_loss", args.mode ?? "auto", args.minDelta ?? 1e-4);
    this.factor = args.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1))
      throw new Error(`reduce_lr_on_plateau: factor must be in (0, 1), got ${this.factor}`);
    this.patience = args.patience ?? 10;
    this.minLr = args.minLr ?? 0;
    this.cooldown = args.cooldown ?? 0;
    this.log = args.log ?? ((message) => console.warn(message));
  }

  override async onTrainBegin(): Promise<void> {
    this.best = worstValue(this.monitor);
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const current = readMonitored(this.monitor, logs);
    if (current === undefined) {
      if (!this.warned) this.log(missingMonitorMessage("reduce_lr_on_plateau", this.monitor, logs));
      this.warned = true;
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(this.monitor, current, this.best)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const optimizer = this.context.optimizer;
    const oldLr = getLearningRate(optimizer);
    // Compared in float32 as Keras does, so a rate already at min_lr is not "reduced" again.
    if (Math.fround(oldLr) > Math.fround(this.minLr)) {
      const newLr = Math.max(oldLr * this.factor, this.minLr);
      setLearningRate(optimizer, newLr);
      this.log(`epoch ${epoch + 1}: reduce_lr_on_plateau reducing learning rate to ${newLr}`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }
}

/** Lowers the learning rate when the monitored value plateaus (`reduce_lr_on_plateau`). */
export function reduceLrOnPlateau(args: ReduceLrOnPlateauArgs = {}): ReduceLrOnPlateau {
  return new ReduceLrOnPlateau(args);
}
