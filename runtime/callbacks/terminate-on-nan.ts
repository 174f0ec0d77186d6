/**
 * `terminate_on_nan()`: stops training at the first batch whose loss is NaN or infinite (and,
 * with `checkWeights`, whose weights are), naming the epoch and batch and suggesting the
 * usual cure. The stop is a failure (`History.failure`): the run exits 1 and exports nothing.
 */
import { firstNonFiniteWeight } from "../finite-weights.js";
import { getLearningRate } from "../optimizers.js";
import { Callback, type Logs } from "./callback.js";

/** Arguments of `terminateOnNaN`. */
export interface TerminateOnNaNArgs {
  /** Where the message goes. Default `console.error`. */
  readonly log?: (message: string) => void;
  /**
   * Also check every weight after each batch (one small read-back per batch): a loss the
   * loss function clips stays finite while the weights become NaN. Default false (the
   * training loop checks the weights after each epoch anyway).
   */
  readonly checkWeights?: boolean;
}

/** The callback `terminateOnNaN` builds. */
export class TerminateOnNaN extends Callback {
  private readonly log: (message: string) => void;
  private readonly checkWeights: boolean;
  private epoch = 0;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    this.log = args.log ?? ((message) => console.error(message));
    this.checkWeights = args.checkWeights ?? false;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    const loss = logs["loss"];
    const lossFailed = loss !== undefined && !Number.isFinite(loss);
    const weight = !lossFailed && this.checkWeights ? firstNonFiniteWeight(this.context.model) : undefined;
    if (!lossFailed && weight === undefined) return;
    const what = lossFailed ? `the loss became ${loss}` : `weight \`${weight}\` became NaN or infinite`;
    const learningRate = getLearningRate(this.context.optimizer);
    const message =
      `terminate_on_nan: ${what} at epoch ${this.epoch + 1}, batch ${batch + 1}; training stopped. ` +
      `Try a lower learning rate (it is ${learningRate}), e.g. ${Number((learningRate / 10).toPrecision(3))}, ` +
      "or check the data for NaN values.";
    this.log(message);
    this.stop(message);
    this.context.history.failure = message;
  }
}

/** Stops training when the loss becomes NaN or infinite (`terminate_on_nan`). */
export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
