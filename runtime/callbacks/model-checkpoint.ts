/**
 * `model_checkpoint(path, monitor, save_best_only, mode)`: saves model, optimizer state,
 * epoch and history at the end of an epoch, atomically, and `loadCheckpoint` reads them
 * back to resume training where it stopped.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  existingDirectory,
  loadModel,
  replaceDirectoryAtomically,
  writeFileDurably,
  writeModelFiles,
} from "../model-io.js";
import { firstNonFiniteWeight } from "../finite-weights.js";
import { describeOptimizer, restoreOptimizer } from "../optimizers.js";
import { parseCheckpointState, type CheckpointState } from "./checkpoint-state.js";
import type { History } from "./callback.js";
import {
  createMonitor,
  isImprovement,
  missingMonitorMessage,
  readMonitored,
  worstValue,
  type Monitor,
} from "./monitor.js";
import { Callback, type Logs, type MonitorMode } from "./callback.js";

/** The file beside `model.json` that holds the training state. */
export const CHECKPOINT_JSON = "checkpoint.json";

/** The file a checkpoint of the torch engine holds in place of `model.json`: weights, optimizer, random and callback states. */
export const TORCH_CHECKPOINT_STATE = "torch-state.pt";

/** Arguments of `modelCheckpoint`. */
export interface ModelCheckpointArgs {
  /** Directory of the checkpoint; replaced as a whole at each save. */
  readonly path: string;
  /** Logged name deciding what "best" means. Default `val_loss`. */
  readonly monitor?: string;
  /** Save only when the monitored value improves; otherwise save every epoch. Default true. */
  readonly saveBestOnly?: boolean;
  /** Direction of improvement. Default `auto` (from the metric registry). */
  readonly mode?: MonitorMode;
  /** Where warnings go (a missing monitor). Default `console.warn`. */
  readonly warn?: (message: string) => void;
}

export { CheckpointError, type CheckpointState } from "./checkpoint-state.js";

/** The callback `modelCheckpoint` builds. */
export class ModelCheckpoint extends Callback {
  readonly path: string;
  readonly monitor: Monitor;
  private readonly saveBestOnly: boolean;
  private readonly warn: (message: string) => void;
  private best = Infinity;
  private warned = false;
  /** Epochs saved during the last run, in order. */
  readonly savedEpochs: number[] = [];

  constructor(args: ModelCheckpointArgs) {
    super();
    this.path = args.path;
    this.monitor = createMonitor(args.monitor ?? "val_loss", args.mode ?? "auto");
    this.saveBestOnly = args.saveBestOnly ?? true;
    this.warn = args.warn ?? ((message) => console.warn(message));
  }

  override async onTrainBegin(): Promise<void> {
    this.best = worstValue(this.monitor);
    this.savedEpochs.length = 0;
    // A resumed run must beat the checkpoint it resumed from before overwriting it.
    if (this.context.params.initialEpoch > 0) {
      const previous = await readCheckpointState(this.path);
      if (previous !== undefined && previous.monitor === this.monitor.name && previous.best !== null)
        this.best = previous.best;
    }
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const current = readMonitored(this.monitor, logs);
    // Finite or fail: non-finite weights are never saved, and a NaN or infinite value is never "best".
    if (firstNonFiniteWeight(this.context.model) !== undefined) return;
    const finite = current !== undefined && Number.isFinite(current);
    if (this.saveBestOnly) {
      if (current === undefined) {
        if (!this.warned) this.warn(missingMonitorMessage("model_checkpoint", this.monitor, logs));
        this.warned = true;
        return;
      }
      if (!finite || !isImprovement(this.monitor, current, this.best)) return;
    }
    if (finite && isImprovement(this.monitor, current, this.best)) this.best = current;
    await this.save(epoch);
    this.savedEpochs.push(epoch);
  }

  private async save(epoch: number): Promise<void> {
    const { model, optimizer, history } = this.context;
    await replaceDirectoryAtomically(this.path, async (temporary) => {
      const { optimizerSaved } = await writeModelFiles(temporary, model, { optimizer });
      const state: CheckpointState = {
        epoch: epoch + 1,
        history,
        optimizer: describeOptimizer(optimizer),
        optimizerSaved,
        monitor: this.monitor.name,
        best: Number.isFinite(this.best) ? this.best : null,
      };
      await writeFileDurably(path.join(temporary, CHECKPOINT_JSON), JSON.stringify(state, null, 2));
    });
  }
}

/** Saves the model, optimizer state, epoch and history after an epoch (`model_checkpoint`). */
export function modelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(args);
}

/** A checkpoint read back: pass `model`, `optimizer`, `epoch` as `initialEpoch` and `history` as `initialHistory` to `train`. */
export interface Checkpoint {
  readonly model: tf.LayersModel;
  /** The optimizer rebuilt with its saved config and slots (iterations, moments); the caller disposes it. */
  readonly optimizer: tf.Optimizer;
  readonly epoch: number;
  readonly history: History;
  /** False when the optimizer restarts with empty slots (it could not be saved). */
  readonly optimizerRestored: boolean;
}

/** Loads a checkpoint written by `modelCheckpoint`, to resume training. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const state = await readCheckpointState(dir);
  if (state === undefined) throw new Error(`no checkpoint at ${dir} (missing ${CHECKPOINT_JSON})`);
  const { model, optimizerWeights } = await loadModel(dir);
  const optimizer = restoreOptimizer(state.optimizer);
  const optimizerRestored = state.optimizerSaved && optimizerWeights.length > 0;
  if (optimizerRestored) await optimizer.setWeights(optimizerWeights);
  // setWeights turns the tensors into new variables sharing their data; our handles can go.
  tf.dispose(optimizerWeights.map((weight) => weight.tensor));
  return { model, optimizer, epoch: state.epoch, history: state.history, optimizerRestored };
}

/** `checkpoint.json` of a checkpoint directory, or undefined when there is none; a damaged one throws `CheckpointError`. */
export async function readCheckpointState(dir: string): Promise<CheckpointState | undefined> {
  const file = path.join(await existingDirectory(dir), CHECKPOINT_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseCheckpointState(text, file);
}
