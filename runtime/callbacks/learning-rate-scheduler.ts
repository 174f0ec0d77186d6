/**
 * `schedule: ...`: sets the learning rate at the start of each epoch from a pure
 * epoch → rate function (Keras's `LearningRateScheduler`).
 */
import { setLearningRate, type Schedule } from "../optimizers.js";
import { Callback } from "./callback.js";

/** The callback `learningRateScheduler` builds. */
export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: Schedule) {
    super();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const learningRate = this.schedule(epoch);
    if (!Number.isFinite(learningRate) || learningRate < 0) {
      throw new Error(
        `learning-rate schedule returned ${learningRate} for epoch ${epoch + 1}; expected a finite rate ≥ 0`,
      );
    }
    setLearningRate(this.context.optimizer, learningRate);
  }
}

/** Applies `schedule(epoch)` as the learning rate of each epoch (see `stepDecay`, `cosineDecay` …). */
export function learningRateScheduler(schedule: Schedule): LearningRateScheduler {
  return new LearningRateScheduler(schedule);
}
