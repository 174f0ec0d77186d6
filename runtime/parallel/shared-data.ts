/**
 * The training and validation splits of a search in shared memory: copied once into
 * `SharedArrayBuffer`s by the main thread, read by every trial worker without another copy
 * per trial. The augmentation, a function, travels as the steps of `augment { }` it was made
 * from.
 */
import * as tf from "@tensorflow/tfjs";
import { augmentationOf } from "../data/augment.js";
import type { AugmentStep } from "../data/spec.js";
import type { DataInfo, PreparedData, Preprocessing, Split } from "../prepared-data.js";

/** The element types a split's tensors hold (features float32 or int32 token ids, labels int32 or float32). */
type SharedDtype = "float32" | "int32";

/** One tensor in shared memory. */
interface SharedTensor {
  readonly buffer: SharedArrayBuffer;
  readonly shape: readonly number[];
  readonly dtype: SharedDtype;
}

/** One split in shared memory. */
interface SharedSplit {
  readonly x: SharedTensor;
  readonly y: SharedTensor;
  readonly size: number;
}

/** What trials train on, as a worker receives it. */
export interface SharedData {
  readonly info: DataInfo;
  readonly train: SharedSplit;
  readonly validation?: SharedSplit;
  readonly preprocessing: Preprocessing;
  /** The steps `augment` was made from (runtime/data/prepare.ts `augmentationOf`). */
  readonly augment: readonly AugmentStep[];
}

/**
 * Copies the splits trials train on into shared memory. `augment` is the steps of
 * `augment { }`: the data's augmentation must be the one they make (the caller checks).
 */
export function shareData(data: PreparedData, augment: readonly AugmentStep[]): SharedData {
  return {
    info: data.info,
    train: shareSplit(data.train),
    ...(data.validation === undefined ? {} : { validation: shareSplit(data.validation) }),
    preprocessing: data.preprocessing,
    augment,
  };
}

/** The data as tensors again, in a worker (the caller disposes them). */
export function restoreData(shared: SharedData): PreparedData {
  const augment = augmentationOf(shared.augment, shared.info);
  return {
    info: shared.info,
    train: restoreSplit(shared.train),
    ...(shared.validation === undefined ? {} : { validation: restoreSplit(shared.validation) }),
    preprocessing: shared.preprocessing,
    ...(augment === undefined ? {} : { augment }),
  };
}

/** Why a split cannot be shared (a dtype other than float32 or int32), or undefined when it can. */
export function unshareableSplit(data: PreparedData): string | undefined {
  for (const [name, split] of [
    ["training", data.train],
    ["validation", data.validation],
  ] as const) {
    for (const tensor of split === undefined ? [] : [split.x, split.y]) {
      if (tensor.dtype !== "float32" && tensor.dtype !== "int32")
        return `the ${name} split holds ${tensor.dtype} values`;
    }
  }
  return undefined;
}

function shareSplit(split: Split): SharedSplit {
  return { x: shareTensor(split.x), y: shareTensor(split.y), size: split.size };
}

function shareTensor(tensor: tf.Tensor): SharedTensor {
  const dtype = tensor.dtype as SharedDtype;
  const values = tensor.dataSync();
  const buffer = new SharedArrayBuffer(values.length * 4);
  (dtype === "int32" ? new Int32Array(buffer) : new Float32Array(buffer)).set(values);
  return { buffer, shape: tensor.shape, dtype };
}

function restoreSplit(split: SharedSplit): Split {
  return { x: restoreTensor(split.x), y: restoreTensor(split.y), size: split.size };
}

function restoreTensor(shared: SharedTensor): tf.Tensor {
  const values = shared.dtype === "int32" ? new Int32Array(shared.buffer) : new Float32Array(shared.buffer);
  return tf.tensor(values, [...shared.shape], shared.dtype);
}
