/**
 * The training stages of a run (`train`, then `fine_tune`), with what makes a run safe:
 * a run checkpoint after every epoch (atomic), SIGINT/SIGTERM stopping after the current
 * batch with a checkpoint to `--resume` from, and NaN/Inf losses stopping the run with the
 * epoch and batch named.
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { PreparedData } from "./types.js";
import type { CallbackSpec, ExperimentDefinition, Hyperparameters, ScheduleSpec, StageSpec } from "./experiment.js";
import { train, type History } from "./train.js";
import { Callback, type Logs } from "./callbacks/types.js";
import { earlyStopping } from "./callbacks/early-stopping.js";
import { modelCheckpoint, loadCheckpoint, readCheckpointState, CHECKPOINT_JSON } from "./callbacks/model-checkpoint.js";
import { reduceLrOnPlateau } from "./callbacks/reduce-lr-on-plateau.js";
import { learningRateScheduler } from "./callbacks/learning-rate-scheduler.js";
import { csvLogger } from "./callbacks/csv-logger.js";
import { terminateOnNaN } from "./callbacks/terminate-on-nan.js";
import { progress } from "./callbacks/progress.js";
import { replaceDirectoryAtomically, writeFileDurably, writeModelFiles } from "./model-io.js";
import { DEFAULT_LEARNING_RATES, cosineDecay, createOptimizer, describeOptimizer, exponentialDecay, stepDecay, warmup, type Schedule } from "./optimizers.js";
import { setTrainable } from "./pretrained.js";
import type { Say } from "./run.js";

/** Which stage a run checkpoint belongs to. */
export type StageName = "train" | "fine_tune";

/** What the stages produced. The caller disposes `model`. */
export interface StageOutcome {
  readonly model: tf.LayersModel;
  /** Both stages' epochs, one history (fine-tune epochs continue the numbering). */
  readonly history: History;
  /** Epochs trained in total (both stages, resumed ones included). */
  readonly epochsRun: number;
  /** Training examples per second over the epochs this process trained. */
  readonly trainSamplesPerSecond: number;
  /** Stopped by SIGINT/SIGTERM; a checkpoint holds the last epoch. */
  readonly interrupted: boolean;
  /** Why the run failed (a NaN loss), when it did. */
  readonly failure?: string;
}

export interface StageRunOptions {
  readonly runDir: string;
  readonly resume: boolean;
  readonly quiet: boolean;
  readonly say: Say;
}

/** The run checkpoint lives here, inside the run directory. */
export function runCheckpointDir(runDir: string): string {
  return path.join(runDir, "checkpoint");
}

/** `stage.json` beside the run checkpoint: which stage it belongs to. */
const STAGE_JSON = "stage.json";

/** Turns a `schedule:` spec into a schedule function from the stage's initial learning rate. */
export function makeSchedule(spec: ScheduleSpec, initialLearningRate: number): Schedule {
  switch (spec.kind) {
    case "step_decay":
      return stepDecay({ initialLearningRate, every: spec.every, factor: spec.factor });
    case "exponential_decay":
      return exponentialDecay({ initialLearningRate, rate: spec.rate });
    case "cosine_decay":
      return cosineDecay({ initialLearningRate, epochs: spec.epochs });
    case "warmup":
      return warmup({ initialLearningRate, epochs: spec.epochs });
  }
}

/** Builds the callbacks of a stage from their specs; paths resolve against the `.dlm` folder. */
export function makeCallbacks(specs: readonly CallbackSpec[], baseDir: string, quiet: boolean): Callback[] {
  return specs.flatMap((spec): Callback[] => {
    switch (spec.kind) {
      case "early_stopping":
        return [earlyStopping(spec)];
      case "model_checkpoint":
        return [modelCheckpoint({ ...spec, path: path.resolve(baseDir, spec.path) })];
      case "reduce_lr_on_plateau":
        return [reduceLrOnPlateau(spec)];
      case "csv_logger":
        return [csvLogger({ path: path.resolve(baseDir, spec.path) })];
      case "terminate_on_nan":
        return [terminateOnNaN()];
      case "progress":
        return quiet ? [] : [progress({ bar: spec.bar })];
    }
  });
}

/** Stops training after the current batch when the process receives SIGINT or SIGTERM. */
class InterruptWatcher extends Callback {
  interrupted = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.interrupted) {
      process.stderr.write(`\ndlm: ${signal} again: exiting without waiting for the checkpoint\n`);
      process.exit(130);
    }
    this.interrupted = true;
    process.stderr.write(`\ndlm: ${signal} received: stopping after this batch and saving a checkpoint…\n`);
  };

  attach(): void {
    process.on("SIGINT", this.onSignal);
    process.on("SIGTERM", this.onSignal);
  }

  detach(): void {
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
  }

  override async onBatchEnd(): Promise<void> {
    if (this.interrupted) this.stop("interrupted");
  }
}

/**
 * Saves the run checkpoint after every epoch (temp directory + rename: a kill mid-save
 * leaves the previous checkpoint whole). An epoch cut short by an interrupt is saved as
 * not done, so `--resume` trains it again from the weights reached.
 */
class RunCheckpoint extends Callback {
  constructor(
    private readonly dir: string,
    private readonly stage: StageName,
    private readonly watcher: InterruptWatcher,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    const { model, optimizer, history } = this.context;
    const finished = !this.watcher.interrupted;
    const savedHistory: History = finished ? history : dropLastEpoch(history);
    await replaceDirectoryAtomically(this.dir, async (temporary) => {
      const { optimizerSaved } = await writeModelFiles(temporary, model, { optimizer });
      const state = {
        epoch: finished ? epoch + 1 : epoch,
        history: savedHistory,
        optimizer: describeOptimizer(optimizer),
        optimizerSaved,
        monitor: "loss",
        best: null,
      };
      await writeFileDurably(path.join(temporary, CHECKPOINT_JSON), JSON.stringify(state, null, 2));
      await writeFileDurably(path.join(temporary, STAGE_JSON), JSON.stringify({ stage: this.stage }));
    });
  }
}

function dropLastEpoch(history: History): History {
  const logs: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(history.logs)) logs[name] = values.slice(0, -1);
  return { epochs: history.epochs.slice(0, -1), logs };
}

/** Counts the examples trained and the time spent, for `trainSamplesPerSecond`. */
class ThroughputMeter extends Callback {
  samples = 0;
  milliseconds = 0;
  private epochStart = 0;

  override async onEpochBegin(): Promise<void> {
    this.epochStart = performance.now();
  }

  override async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    this.samples += logs["size"] ?? 0;
  }

  override async onEpochEnd(): Promise<void> {
    this.milliseconds += performance.now() - this.epochStart;
  }
}

/** Where a resumed run starts: the stage, its model, optimizer and history. */
interface ResumePoint {
  readonly stage: StageName;
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly epoch: number;
  readonly history: History;
}

async function readResumePoint(runDir: string): Promise<ResumePoint> {
  const dir = runCheckpointDir(runDir);
  if ((await readCheckpointState(dir)) === undefined) {
    throw new Error(`nothing to resume: no checkpoint in ${dir}`);
  }
  const checkpoint = await loadCheckpoint(dir);
  let stage: StageName = "train";
  try {
    const { readFile } = await import("node:fs/promises");
    stage = (JSON.parse(await readFile(path.join(dir, STAGE_JSON), "utf8")) as { stage: StageName }).stage;
  } catch {
    // checkpoints written before stages were recorded belong to `train`
  }
  return { stage, model: checkpoint.model, optimizer: checkpoint.optimizer, epoch: checkpoint.epoch, history: checkpoint.history };
}

/**
 * Runs `train` and, when present, `fine_tune`, resuming from the run checkpoint when asked.
 * Fine-tune epochs are numbered after the training epochs, so `--resume` knows which stage
 * and epoch it is in.
 */
export async function trainStages(
  definition: ExperimentDefinition,
  data: PreparedData,
  hyperparameters: Hyperparameters,
  options: StageRunOptions,
): Promise<StageOutcome> {
  const resumePoint = options.resume ? await readResumePoint(options.runDir) : undefined;
  if (resumePoint !== undefined) {
    options.say(`dlm: resuming ${resumePoint.stage} at epoch ${resumePoint.epoch + 1} from ${runCheckpointDir(options.runDir)}`);
  }
  const model = resumePoint?.model ?? (await definition.buildModel(data.info, hyperparameters));
  const watcher = new InterruptWatcher();
  const meter = new ThroughputMeter();
  watcher.attach();
  try {
    let history: History = resumePoint?.history ?? { epochs: [], logs: {} };
    const stages: { name: StageName; spec: StageSpec; firstEpoch: number }[] = [
      { name: "train", spec: definition.train, firstEpoch: 0 },
    ];
    if (definition.fineTune !== undefined) {
      stages.push({ name: "fine_tune", spec: definition.fineTune, firstEpoch: definition.train.epochs });
    }
    for (const stage of stages) {
      if (resumePoint?.stage === "fine_tune" && stage.name === "train") continue;
      if (stage.name === "fine_tune" && definition.fineTune !== undefined) {
        setTrainable(model, definition.fineTune.unfreeze);
        options.say(`dlm: fine-tuning (${model.trainableWeights.length} trainable weight tensors)`);
      }
      const resuming = resumePoint !== undefined && resumePoint.stage === stage.name;
      const initialEpoch = resuming ? resumePoint.epoch : stage.firstEpoch;
      const endEpoch = stage.firstEpoch + stage.spec.epochs;
      if (initialEpoch >= endEpoch) continue;
      const optimizer = resuming ? resumePoint.optimizer : createOptimizer(stage.spec.optimizer);
      const callbacks = stageCallbacks(definition, stage.spec, stage.name, options, watcher, meter);
      try {
        history = await train(model, data, {
          epochs: endEpoch,
          initialEpoch,
          initialHistory: history,
          batchSize: stage.spec.batchSize,
          ...(stage.spec.validationBatchSize === undefined ? {} : { validationBatchSize: stage.spec.validationBatchSize }),
          seed: definition.seed,
          shuffle: stage.spec.shuffle ?? true,
          optimizer,
          loss: stage.spec.loss,
          metrics: stage.spec.metrics,
          ...(definition.evaluate.average === undefined ? {} : { average: definition.evaluate.average }),
          ...(stage.spec.classWeight === undefined ? {} : { classWeight: stage.spec.classWeight }),
          callbacks,
        });
      } finally {
        optimizer.dispose();
      }
      if (watcher.interrupted) break;
      if (history.stoppedEarly && history.stopReason !== undefined && isNaNStop(history.stopReason)) {
        return outcome(model, history, meter, false, history.stopReason);
      }
    }
    return outcome(model, history, meter, watcher.interrupted);
  } finally {
    watcher.detach();
  }
}

function isNaNStop(reason: string): boolean {
  return reason.startsWith("terminate_on_nan");
}

function outcome(
  model: tf.LayersModel,
  history: History,
  meter: ThroughputMeter,
  interrupted: boolean,
  failure?: string,
): StageOutcome {
  return {
    model,
    history,
    epochsRun: history.epochs.length,
    trainSamplesPerSecond: meter.milliseconds > 0 ? (meter.samples * 1000) / meter.milliseconds : 0,
    interrupted,
    ...(failure === undefined ? {} : { failure }),
  };
}

function stageCallbacks(
  definition: ExperimentDefinition,
  spec: StageSpec,
  stage: StageName,
  options: StageRunOptions,
  watcher: InterruptWatcher,
  meter: ThroughputMeter,
): Callback[] {
  const user = makeCallbacks(spec.callbacks, definition.baseDir, options.quiet);
  const kinds = new Set(spec.callbacks.map((callback) => callback.kind));
  const schedule =
    spec.schedule === undefined
      ? []
      : [learningRateScheduler(makeSchedule(spec.schedule, spec.optimizer.learningRate ?? DEFAULT_LEARNING_RATES[spec.optimizer.name]))];
  return [
    meter,
    watcher,
    // A NaN loss always stops the run: nothing good comes of training on.
    ...(kinds.has("terminate_on_nan") ? [] : [terminateOnNaN({ log: () => undefined })]),
    ...schedule,
    ...user,
    ...(kinds.has("progress") || options.quiet ? [] : [progress()]),
    new RunCheckpoint(runCheckpointDir(options.runDir), stage, watcher),
  ];
}

