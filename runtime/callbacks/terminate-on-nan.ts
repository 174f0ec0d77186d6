/**
 * `terminate_on_nan()`: stops training at the first batch whose loss is NaN or infinite,
 * naming the epoch and batch and suggesting the usual cure.
 */
import { getLearningRate } from "../optimizers.js";
import { Callback, type Logs } from "./types.js";

/** Arguments of `terminateOnNaN`. */
export interface TerminateOnNaNArgs {
  /** Where the message goes. Default `console.error`. */
  readonly log?: (message: string) => void;
}

/** The callback `terminateOnNaN` builds. */
export class TerminateOnNaN extends Callback {
  private readonly log: (message: string) => void;
  private epoch = 0;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    this.log = args.log ?? ((message) => console.error(message));
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    const loss = logs["loss"];
    if (loss === undefined || Number.isFinite(loss)) return;
    const learningRate = getLearningRate(this.context.optimizer);
    const message =
      `terminate_on_nan: the loss became ${loss} at epoch ${this.epoch + 1}, batch ${batch + 1}; training stopped. ` +
      `Try a lower learning rate (it is ${learningRate}), e.g. ${learningRate / 10}, or check the data for NaN values.`;
    this.log(message);
    this.stop(message);
  }
}

/** Stops training when the loss becomes NaN or infinite (`terminate_on_nan`). */
export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
