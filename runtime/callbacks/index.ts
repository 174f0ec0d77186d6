/**
 * The callbacks of `callbacks { ... }` and `schedule:`, one factory per registry entry (`registry.ts`).
 */
export { Callback, type History, type Logs, type MonitorMode, type TrainingContext, type TrainingParams } from "./callback.js";
export { createMonitor, isImprovement, type Monitor } from "./monitor.js";
export { EarlyStopping, earlyStopping, type EarlyStoppingArgs } from "./early-stopping.js";
export {
  CHECKPOINT_JSON,
  ModelCheckpoint,
  loadCheckpoint,
  modelCheckpoint,
  readCheckpointState,
  type Checkpoint,
  type CheckpointState,
  type ModelCheckpointArgs,
} from "./model-checkpoint.js";
export { ReduceLrOnPlateau, reduceLrOnPlateau, type ReduceLrOnPlateauArgs } from "./reduce-lr-on-plateau.js";
export { LearningRateScheduler, learningRateScheduler } from "./learning-rate-scheduler.js";
export { CsvLogger, csvLogger, type CsvLoggerArgs } from "./csv-logger.js";
export { TerminateOnNaN, terminateOnNaN, type TerminateOnNaNArgs } from "./terminate-on-nan.js";
export { Progress, formatLogValue, formatLogs, progress, type ProgressArgs } from "./progress.js";
