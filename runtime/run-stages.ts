/**
 * The training stages of a run (`train`, then `fine_tune`), with what makes a run safe:
 * a run checkpoint after every epoch (atomic), a stop request (`options.signal`, see
 * signals.ts) stopping after the current batch with a checkpoint to `--resume` from, a
 * resume refused when the model changed, and NaN/Inf losses stopping the run with the
 * epoch and batch named.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { DataInfo, PreparedData } from "./prepared-data.js";
import { DataError } from "./data/errors.js";
import type { ExperimentDefinition, Hyperparameters, StageSpec } from "./experiment.js";
import { train } from "./train.js";
import type { History } from "./callbacks/callback.js";
import { Callback, type Logs } from "./callbacks/callback.js";
import {
  loadCheckpoint,
  readCheckpointState,
  CHECKPOINT_JSON,
  CheckpointError,
  TORCH_CHECKPOINT_STATE,
  type CheckpointState,
} from "./callbacks/model-checkpoint.js";
import { terminateOnNaN } from "./callbacks/terminate-on-nan.js";
import { firstNonFiniteWeight } from "./finite-weights.js";
import { progress } from "./callbacks/progress.js";
import { exists, existingDirectory, MODEL_JSON, replaceDirectoryAtomically, writeFileDurably, writeModelFiles } from "./model-io.js";
import { createOptimizer, describeOptimizer } from "./optimizers.js";
import { scheduleCallbacks, scoringOf, stageTrainOptions } from "./stage-training.js";
import { makeCallbacks } from "./callbacks/registry.js";
import { describeTrainable, inferenceBatchNormPaths, keepBatchNormInInferenceAt, unfreezeBackbones } from "./unfreeze.js";
import { buildSeededModel } from "./seeded-model.js";
import { architectureOf, describeArchitectureChange, type Architecture } from "./architecture-hash.js";
import { activeBackendName } from "./backend.js";
import { chooseWorkerCount } from "./parallel/worker-count.js";

/** Writes one line of a run's progress to stdout (nothing when quiet). */
export type Say = (line: string) => void;

/** Which stage a run checkpoint belongs to. */
export type StageName = "train" | "fine_tune";

/** What the stages produced. The caller disposes `model`. */
export interface StageOutcome {
  readonly model: tf.LayersModel;
  /** Both stages' epochs, one history (fine-tune epochs continue the numbering). */
  readonly history: History;
  /** Epochs trained in total (both stages, resumed ones included; an epoch cut short by an interrupt does not count). */
  readonly epochsRun: number;
  /** Epochs finished and saved in the run checkpoint: where `--resume` starts. */
  readonly epochsFinished: number;
  /** Training examples per second over the epochs this process trained. */
  readonly trainSamplesPerSecond: number;
  /** Stopped by SIGINT/SIGTERM; a checkpoint holds the last epoch. */
  readonly interrupted: boolean;
  /** Why the run failed (a NaN loss), when it did. */
  readonly failure?: string;
}

/** Where the stages run and how they talk. */
export interface StageRunOptions {
  readonly runDir: string;
  /** Aborted by Ctrl-C (see signals.ts): training stops at the next batch boundary and the checkpoint is saved. */
  readonly signal?: AbortSignal;
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

/** One save of the run checkpoint. */
export interface RunCheckpointSnapshot {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly stage: StageName;
  /** The first epoch a resumed run trains (epochs of both stages count). */
  readonly nextEpoch: number;
  /** Every finished epoch before `nextEpoch`, and nothing else. */
  readonly history: History;
}

/**
 * Writes the run checkpoint (model, optimizer slots, `checkpoint.json`, `stage.json`) into a
 * temporary directory renamed into place: a process killed at any moment leaves the
 * previous checkpoint whole, at `dir` or at `dir.previous`.
 */
export async function saveRunCheckpoint(dir: string, snapshot: RunCheckpointSnapshot): Promise<{ optimizerSaved: boolean }> {
  let optimizerSaved = false;
  await replaceDirectoryAtomically(dir, async (temporary) => {
    ({ optimizerSaved } = await writeModelFiles(temporary, snapshot.model, { optimizer: snapshot.optimizer }));
    const state: CheckpointState = {
      epoch: snapshot.nextEpoch,
      history: { epochs: snapshot.history.epochs, logs: snapshot.history.logs },
      optimizer: describeOptimizer(snapshot.optimizer),
      optimizerSaved,
      monitor: "loss",
      best: null,
      architecture: architectureOf(snapshot.model).hash,
    };
    await writeFileDurably(path.join(temporary, CHECKPOINT_JSON), JSON.stringify(state, null, 2));
    await writeFileDurably(path.join(temporary, STAGE_JSON), JSON.stringify({ stage: snapshot.stage }));
  });
  return { optimizerSaved };
}

/**
 * Saves the run checkpoint after every epoch. An epoch whose loss is NaN or infinite is not
 * saved: the checkpoint keeps the last weights worth resuming from. (An epoch cut short by
 * an interrupt never reaches `onEpochEnd`: `saveInterrupted` saves it as not done.)
 */
class RunCheckpoint extends Callback {
  /** `nextEpoch` of the last save; undefined before the first. */
  savedNextEpoch: number | undefined;

  constructor(
    private readonly dir: string,
    private readonly stage: StageName,
  ) {
    super();
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (!Number.isFinite(logs["loss"])) return;
    const { model, optimizer, history } = this.context;
    await saveRunCheckpoint(this.dir, { model, optimizer, stage: this.stage, nextEpoch: epoch + 1, history });
    this.savedNextEpoch = epoch + 1;
  }

  /**
   * After an interrupt: the weights reached within the epoch cut short, saved as that epoch
   * not done, so `--resume` trains it again from them; the history holds finished epochs only.
   * Weights that became NaN or infinite within it are not saved: the last good checkpoint stays.
   */
  async saveInterrupted(model: tf.LayersModel, optimizer: tf.Optimizer, history: History, epoch: number): Promise<void> {
    if (firstNonFiniteWeight(model) !== undefined) return;
    await saveRunCheckpoint(this.dir, { model, optimizer, stage: this.stage, nextEpoch: epoch, history });
    this.savedNextEpoch = epoch;
  }
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
export interface ResumePoint {
  readonly stage: StageName;
  readonly model: tf.LayersModel;
  /** The optimizer with its saved slots; the caller disposes it. */
  readonly optimizer: tf.Optimizer;
  /** The first epoch to train. */
  readonly epoch: number;
  readonly history: History;
  /** False when the optimizer restarts with empty slots (tfjs cannot save Adamax's). */
  readonly optimizerRestored: boolean;
  /** The architecture hash saved with the checkpoint (older checkpoints have none). */
  readonly architecture?: string;
}

/**
 * Reads the run checkpoint in `dir` (or the `dir.previous` an interrupted save left);
 * undefined when there is none.
 */
export async function loadRunCheckpoint(dir: string): Promise<ResumePoint | undefined> {
  // Resolved once, so checkpoint.json, stage.json and the model come from the same save.
  const found = await existingDirectory(dir);
  const state = await readCheckpointState(found);
  if (state === undefined) return undefined;
  await refuseTorchCheckpoint(found);
  const stage = await readStage(found);
  const checkpoint = await loadCheckpoint(found);
  return {
    ...(state.architecture === undefined ? {} : { architecture: state.architecture }),
    stage,
    model: checkpoint.model,
    optimizer: checkpoint.optimizer,
    epoch: checkpoint.epoch,
    history: checkpoint.history,
    optimizerRestored: checkpoint.optimizerRestored,
  };
}

/** A checkpoint of the torch engine holds its weights in `torch-state.pt`, which only the torch program reads. */
async function refuseTorchCheckpoint(dir: string): Promise<void> {
  if ((await exists(path.join(dir, TORCH_CHECKPOINT_STATE))) && !(await exists(path.join(dir, MODEL_JSON)))) {
    throw new CheckpointError(
      path.join(dir, CHECKPOINT_JSON),
      `this checkpoint was written by the torch engine (it has ${TORCH_CHECKPOINT_STATE}, no ${MODEL_JSON})`,
      "resume it with `--engine torch --resume`, or start a new TF.js run without `--resume`",
    );
  }
}

async function readStage(dir: string): Promise<StageName> {
  const file = path.join(dir, STAGE_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    // checkpoints written before stages were recorded belong to `train`
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "train";
    throw error;
  }
  let stage: unknown;
  try {
    stage = (JSON.parse(text) as { stage?: unknown } | null)?.stage;
  } catch (error) {
    throw new CheckpointError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (stage !== "train" && stage !== "fine_tune") {
    throw new CheckpointError(file, `\`stage\` should be "train" or "fine_tune", found ${JSON.stringify(stage) ?? "nothing"}`);
  }
  return stage;
}

/**
 * A checkpoint holds its own topology: resuming from one saved before the model was edited
 * would silently train the old architecture. Refuses that, saying what changed. Returns the
 * batch normalisations the program's model runs in inference mode (inferenceBatchNormPaths).
 */
async function checkResumedArchitecture(
  resumePoint: ResumePoint,
  definition: ExperimentDefinition,
  info: DataInfo,
  hyperparameters: Hyperparameters,
  runDir: string,
): Promise<string[]> {
  const compiled = await buildSeededModel(definition, info, hyperparameters);
  let current: Architecture;
  let inference: string[];
  try {
    current = architectureOf(compiled);
    inference = inferenceBatchNormPaths(compiled);
  } finally {
    compiled.dispose();
  }
  const saved = architectureOf(resumePoint.model);
  if ((resumePoint.architecture ?? saved.hash) === current.hash) return inference;
  throw new CheckpointError(
    path.join(runCheckpointDir(runDir), CHECKPOINT_JSON),
    `cannot resume: the model of experiment \`${definition.name}\` changed since this checkpoint was saved ` +
      `(${describeArchitectureChange(saved.layers, current.layers)})`,
    "Undo the change to resume, or start again without `--resume` (a new run directory) or with `--force` (replaces this one)",
  );
}

async function readResumePoint(runDir: string): Promise<ResumePoint> {
  const dir = runCheckpointDir(runDir);
  const point = await loadRunCheckpoint(dir);
  if (point === undefined) throw new Error(`nothing to resume: no checkpoint in ${dir}`);
  return point;
}

/** Saves that a killed process left half-written (`checkpoint.tmp-*`): never read, only in the way. */
async function removeAbandonedSaves(runDir: string): Promise<void> {
  const prefix = `${path.basename(runCheckpointDir(runDir))}.tmp-`;
  let entries: string[];
  try {
    entries = await fs.readdir(runDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith(prefix)) await fs.rm(path.join(runDir, entry), { recursive: true, force: true });
  }
}

/**
 * The model must take the examples the data gives. A program compiled for other data (the
 * CSV file changed since `dlm compile`) would otherwise fail deep inside TensorFlow.js.
 */
export function checkModelFitsData(model: tf.LayersModel, info: DataInfo): void {
  const takes = model.inputs[0]?.shape.slice(1) ?? [];
  const gives = info.featureShape;
  // Ranks were checked by the compiler; only sizes can drift with the data.
  if (takes.length !== gives.length) return;
  if (takes.every((size, axis) => size === null || size === gives[axis])) return;
  throw new DataError(
    `the data gives examples of shape [${gives.join(", ")}], but the model takes [${takes.map((size) => size ?? "?").join(", ")}]; ` +
      "the data changed since the program was compiled: run `dlm run` again to recompile",
  );
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
  await removeAbandonedSaves(options.runDir);
  const resumePoint = options.resume ? await readResumePoint(options.runDir) : undefined;
  if (resumePoint !== undefined) {
    const inference = await checkResumedArchitecture(resumePoint, definition, data.info, hyperparameters, options.runDir);
    // A checkpoint's model is rebuilt from its JSON: its pretrained backbones' batch norms need the patch again.
    keepBatchNormInInferenceAt(resumePoint.model, inference);
    options.say(
      `dlm: resuming ${resumePoint.stage} at epoch ${resumePoint.epoch + 1} from ${runCheckpointDir(options.runDir)}` +
        (resumePoint.optimizerRestored ? "" : " (the optimizer state was not saved: it starts afresh)"),
    );
  }
  const model = resumePoint?.model ?? (await buildSeededModel(definition, data.info, hyperparameters));
  checkModelFitsData(model, data.info);
  const meter = new ThroughputMeter();
  let history: History = resumePoint?.history ?? { epochs: [], logs: {} };
  let epochsFinished = resumePoint?.epoch ?? 0;
  const stages: { name: StageName; spec: StageSpec; firstEpoch: number }[] = [
    { name: "train", spec: definition.train, firstEpoch: 0 },
  ];
  if (definition.fineTune !== undefined) {
    stages.push({ name: "fine_tune", spec: definition.fineTune, firstEpoch: definition.train.epochs });
  }
  for (const stage of stages) {
    if (resumePoint?.stage === "fine_tune" && stage.name === "train") continue;
    if (stage.name === "fine_tune" && definition.fineTune !== undefined) {
      unfreezeBackbones(model, definition.fineTune.unfreeze);
    }
    options.say(`dlm: ${stage.name === "fine_tune" ? "fine-tuning" : "training"}: ${describeTrainable(model)}`);
    const resuming = resumePoint !== undefined && resumePoint.stage === stage.name;
    const initialEpoch = resuming ? resumePoint.epoch : stage.firstEpoch;
    const endEpoch = stage.firstEpoch + stage.spec.epochs;
    if (initialEpoch >= endEpoch) {
      if (resuming) resumePoint.optimizer.dispose();
      continue;
    }
    const optimizer = resuming ? resumePoint.optimizer : createOptimizer(stage.spec.optimizer);
    const checkpoint = new RunCheckpoint(runCheckpointDir(options.runDir), stage.name);
    const workers = chooseWorkerCount(stage.spec.workers, model, stage.spec.batchSize, activeBackendName());
    if (workers.workers > 1 || (typeof stage.spec.workers === "number" && stage.spec.workers > 1)) {
      options.say(`dlm: ${workers.workers} data-parallel worker${workers.workers === 1 ? "" : "s"} (${workers.reason})`);
    }
    const callbacks = stageCallbacks(definition, stage.spec, options, meter, checkpoint);
    try {
      history = await train(model, data, {
        epochs: endEpoch,
        initialEpoch,
        initialHistory: history,
        ...stageTrainOptions(stage.spec, definition.seed, scoringOf(definition, data.info)),
        optimizer,
        callbacks,
        workers: workers.workers,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (history.interrupted !== undefined) {
        await checkpoint.saveInterrupted(model, optimizer, history, history.interrupted.epoch);
      }
    } finally {
      optimizer.dispose();
    }
    epochsFinished = checkpoint.savedNextEpoch ?? epochsFinished;
    if (history.interrupted !== undefined) break;
    // A diverged model (History.failure, set by the training loop or terminate_on_nan) fails the run.
    if (history.failure !== undefined) {
      return outcome(model, history, meter, epochsFinished, false, history.failure);
    }
  }
  // A request during the last epoch's saves still ends the run here: the checkpoint has every epoch.
  return outcome(model, history, meter, epochsFinished, options.signal?.aborted === true);
}

function outcome(
  model: tf.LayersModel,
  history: History,
  meter: ThroughputMeter,
  epochsFinished: number,
  interrupted: boolean,
  failure?: string,
): StageOutcome {
  return {
    model,
    history,
    epochsRun: history.epochs.length,
    epochsFinished,
    trainSamplesPerSecond: meter.milliseconds > 0 ? (meter.samples * 1000) / meter.milliseconds : 0,
    interrupted,
    ...(failure === undefined ? {} : { failure }),
  };
}

function stageCallbacks(
  definition: ExperimentDefinition,
  spec: StageSpec,
  options: StageRunOptions,
  meter: ThroughputMeter,
  checkpoint: RunCheckpoint,
): Callback[] {
  const user = makeCallbacks(spec.callbacks, definition.baseDir, options.quiet);
  const kinds = new Set(spec.callbacks.map((callback) => callback.kind));
  return [
    meter,
    // A NaN loss always stops the run: nothing good comes of training on.
    ...(kinds.has("terminate_on_nan") ? [] : [terminateOnNaN({ log: () => undefined })]),
    ...scheduleCallbacks(spec),
    ...user,
    ...(kinds.has("progress") || options.quiet ? [] : [progress()]),
    checkpoint,
  ];
}

