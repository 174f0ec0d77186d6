/**
 * Mini-batches of a split. Rows are gathered with `tf.gather` on an index tensor: on the
 * wasm backend `slice` copies the whole source buffer for every batch (NOTES.md, "slice
 * trap"), gather copies only the rows it needs.
 */
import * as tf from "@tensorflow/tfjs";
import type { Split } from "../prepared-data.js";
import { seededPermutation } from "./random.js";

/** One mini-batch; the caller disposes `x` and `y`. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  /** Examples in this batch (the last one may be short). */
  readonly size: number;
}

/** Options of `batches`. */
export interface BatchOptions {
  /** Visit rows in a seeded random order (training) or in order (evaluation). */
  readonly shuffle: boolean;
  /** Seed of the order; pass a different one per epoch. */
  readonly seed: number;
}

/** Yields the split in batches of `batchSize` rows, every row exactly once, the last batch possibly short. */
export function* batches(split: Split, batchSize: number, options: BatchOptions): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a positive integer, not ${batchSize}`);
  const order = options.shuffle
    ? seededPermutation(split.size, options.seed)
    : Array.from({ length: split.size }, (_, i) => i);
  for (let start = 0; start < split.size; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const batch = tf.tidy(() => {
      const indices = tf.tensor1d(rows, "int32");
      return { x: tf.gather(split.x, indices), y: tf.gather(split.y, indices) };
    });
    yield { ...batch, size: rows.length };
  }
}
