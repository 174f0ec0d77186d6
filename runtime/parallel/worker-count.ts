/**
 * How many data-parallel workers a training stage uses: `train { workers: auto | N }` or
 * `--workers N`. `auto` takes the cores Node reports, capped at four, and stays at one
 * where threads cannot pay: on tfjs-node (native TensorFlow runs its own threads) and for
 * models whose step is too little work to share (bench/BENCHMARKS.md, "Data-parallel workers").
 */
import * as os from "node:os";
import type * as tf from "@tensorflow/tfjs";
import type { ActiveBackendName } from "../backend.js";

/** What a stage asks for: a count, or `auto`. */
export type WorkersSetting = number | "auto";

/** Beyond four workers the weights and gradients copied each step outgrow the shards' work (not measured above 2 cores). */
export const MAX_AUTO_WORKERS = 4;

/**
 * Multiply-adds of one global batch's forward pass below which `auto` keeps one worker:
 * each worker's step carries a fixed cost (sharing the weights and the batch, gathering the
 * gradients, TF.js's per-operation overhead on a smaller batch) worth about this much work.
 */
export const MIN_WORK_PER_STEP = 20_000_000;

/** The chosen count and, in words, why. */
export interface WorkerChoice {
  readonly workers: number;
  readonly reason: string;
}

/** Resolves a stage's `workers` for a model, a batch size and the backend in use. */
export function chooseWorkerCount(
  setting: WorkersSetting | undefined,
  model: tf.LayersModel,
  batchSize: number,
  backend: ActiveBackendName,
): WorkerChoice {
  if (typeof setting === "number") {
    if (setting > 1 && backend === "node") {
      return { workers: 1, reason: "tfjs-node trains with its own threads; worker threads apply to wasm and cpu" };
    }
    const workers = Math.min(setting, batchSize);
    return { workers, reason: workers < setting ? `asked for ${setting}, at most one per example of a batch` : "as asked" };
  }
  if (backend === "node") return { workers: 1, reason: "auto: tfjs-node trains with its own threads" };
  const cores = os.availableParallelism();
  if (cores <= 1) return { workers: 1, reason: "auto: one core" };
  const work = forwardMultiplyAdds(model) * batchSize;
  if (work < MIN_WORK_PER_STEP) {
    return { workers: 1, reason: `auto: a step is too little work to share (${formatCount(work)} multiply-adds per batch)` };
  }
  const workers = Math.min(cores, MAX_AUTO_WORKERS, batchSize);
  return { workers, reason: `auto: ${cores} cores` };
}

/**
 * Multiply-adds of one example's forward pass, estimated as each layer's weights times the
 * positions it is applied at (a convolution's output pixels, a recurrent layer's time steps).
 */
export function forwardMultiplyAdds(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const params = layer.countParams();
    if (params === 0) continue;
    const nested = (layer as Partial<tf.LayersModel>).layers;
    if (nested !== undefined) {
      total += forwardMultiplyAdds(layer as tf.LayersModel);
      continue;
    }
    total += params * positions(layer);
  }
  return total;
}

/** Positions a layer's weights are applied at: the output's axes between batch and features, or the input's for a recurrent layer. */
function positions(layer: tf.layers.Layer): number {
  const recurrent = layer.getClassName().match(/LSTM|GRU|RNN|Bidirectional/) !== null;
  // The latest application: a pretrained base resized to the data's input (runtime/pretrained.ts
  // `withInputShape`) reuses its layers, so they have a node per size and `layer.output` throws.
  const latest = layer.inboundNodes.length - 1;
  const tensors = recurrent ? layer.getInputAt(latest) : layer.getOutputAt(latest);
  // A layer of several inputs or outputs: the first stands for all.
  const shape = (Array.isArray(tensors) ? tensors[0]?.shape : tensors.shape) ?? [];
  return shape.slice(1, -1).reduce<number>((product, size) => product * (size ?? 1), 1);
}

function formatCount(count: number): string {
  return count >= 1e6 ? `${(count / 1e6).toFixed(1)} M` : `${Math.round(count / 1e3)} k`;
}
