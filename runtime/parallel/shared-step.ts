/**
 * The shared memory of data-parallel training: where the main thread puts each step's
 * batch and weights, and where each gradient worker puts its shard's gradients, updated
 * state (batch-norm moving averages), loss and predictions. Plain data, built on one side
 * and read on the other.
 */
import type * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../data/random.js";

/** Slots of the control array (Int32). */
export const CONTROL = {
  /** Bumped by the main thread to start a step; workers wait on it. */
  generation: 0,
  /** 1 = step, 2 = stop. */
  command: 1,
  /** Rows in the step's global batch. */
  rows: 2,
  /** First slot of the per-worker "done" generations (slot `done + k` for worker k). */
  done: 3,
} as const;

/** Commands a worker reads from `CONTROL.command`. */
export const COMMAND = { step: 1, stop: 2 } as const;

/** Slots of the step parameters (Float64): the step's seed, then one shard start per worker and the end. */
export const STEP = { batchSeed: 0, shardStarts: 1 } as const;

/** Sizes fixed for a run: everything a worker needs to read and write the shared arrays. */
export interface SharedLayout {
  readonly workers: number;
  /** The largest global batch. */
  readonly maxRows: number;
  /** Values per example of x, of y and of the model's output. */
  readonly xWidth: number;
  readonly yWidth: number;
  readonly outputWidth: number;
  /** Shapes (without the batch axis) and dtypes the batch tensors are rebuilt with. */
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly xDtype: "float32" | "int32";
  readonly yDtype: "float32" | "int32";
  readonly weighted: boolean;
  /** Sizes of the model's weights, in `model.weights` order. */
  readonly weightSizes: readonly number[];
  /** Indices (into `model.weights`) of the trainable weights, in `trainableWeights` order, and of the rest. */
  readonly trainable: readonly number[];
  readonly nonTrainable: readonly number[];
  readonly keepPredictions: boolean;
}

/** The shared buffers themselves; `SharedArrayBuffer`s travel to workers without copying. */
export interface SharedBuffers {
  readonly control: SharedArrayBuffer;
  readonly step: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly x: SharedArrayBuffer;
  readonly y: SharedArrayBuffer;
  readonly exampleWeights: SharedArrayBuffer;
  /** One per worker 1 … N-1 (the main thread is worker 0 and keeps its results in tensors). */
  readonly results: readonly SharedArrayBuffer[];
}

/** Floats a worker writes per step: gradients, then non-trainable weights, then the loss, then predictions. */
export function resultLength(layout: SharedLayout): number {
  return (
    sumOf(layout.trainable.map((index) => layout.weightSizes[index] ?? 0)) +
    sumOf(layout.nonTrainable.map((index) => layout.weightSizes[index] ?? 0)) +
    1 +
    (layout.keepPredictions ? layout.maxRows * layout.outputWidth : 0)
  );
}

/** Allocates the shared buffers of a layout. */
export function allocateBuffers(layout: SharedLayout): SharedBuffers {
  const floats = (count: number) => new SharedArrayBuffer(Math.max(1, count) * 4);
  return {
    control: new SharedArrayBuffer((CONTROL.done + layout.workers) * 4),
    step: new SharedArrayBuffer((STEP.shardStarts + layout.workers + 1) * 8),
    weights: floats(sumOf(layout.weightSizes)),
    x: floats(layout.maxRows * layout.xWidth),
    y: floats(layout.maxRows * layout.yWidth),
    exampleWeights: floats(layout.weighted ? layout.maxRows : 0),
    results: Array.from({ length: layout.workers - 1 }, () => floats(resultLength(layout))),
  };
}

/** Offsets of each weight in the shared weight array, in `model.weights` order. */
export function weightOffsets(layout: SharedLayout): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const size of layout.weightSizes) {
    offsets.push(offset);
    offset += size;
  }
  return offsets;
}

/** Contiguous shards of `rows` examples, one per worker, as start rows plus the end: `[0, a, b, …, rows]`. */
export function shardStarts(rows: number, workers: number): number[] {
  return Array.from({ length: workers + 1 }, (_, worker) => Math.round((rows * worker) / workers));
}

/**
 * The seed worker `worker` draws its dropout masks from: the step's own seed for worker 0
 * (so one worker trains exactly as without workers), a stream of it for the others.
 */
export function shardSeed(batchSeed: number, worker: number): number {
  return worker === 0 ? batchSeed : deriveSeed(batchSeed, SHARD_SEED_STREAM + worker);
}

/** Far from the augmentation streams (0, 1, … of a step's seed) and the dropout stream. */
const SHARD_SEED_STREAM = 500_000;

/** The dtype a tensor is rebuilt with on the other side. */
export function sharedDtype(tensor: tf.Tensor): "float32" | "int32" {
  return tensor.dtype === "int32" ? "int32" : "float32";
}

function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
