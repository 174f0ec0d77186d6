/**
 * `data { resize: [h, w], channels: 1 | 3 }`: images of the kept examples brought to another
 * size (bilinear, half-pixel centres) and channel count (grey repeated into RGB, RGB weighted
 * into grey), a bounded chunk at a time so only the result is ever whole in memory.
 */
import * as tf from "@tensorflow/tfjs";
import { formatGigabytes } from "../../diagnostics/format-sizes.js";
import { DataError } from "./errors.js";

/** `[height, width, channels]` of one image. */
export type ImageShape = readonly [number, number, number];

/**
 * Most bytes the converted images of all splits may take as float32 (1 GiB): Fashion-MNIST's
 * 70,000 images at 32×32×3 fit (0.9 GB); at 96×96×3 (7.7 GB) they do not, and `limit` or
 * `split` fractions must keep fewer.
 */
export const MAX_CONVERTED_IMAGE_BYTES = 2 ** 30;

/** Images converted per tensor operation: bounds the working memory to a few chunk-sized tensors. */
const CONVERT_CHUNK = 256;

/** Stops with a `DataError` when `count` images of `shape` would pass `MAX_CONVERTED_IMAGE_BYTES`. */
export function checkConvertedImageBytes(count: number, shape: ImageShape): void {
  const bytes = count * shape[0] * shape[1] * shape[2] * Float32Array.BYTES_PER_ELEMENT;
  if (bytes <= MAX_CONVERTED_IMAGE_BYTES) return;
  const perImage = Math.floor(MAX_CONVERTED_IMAGE_BYTES / (bytes / count));
  throw new DataError(
    `\`resize\`/\`channels\` make ${count.toLocaleString("en-US")} images of ${shape.join("×")} ` +
      `(${formatGigabytes(bytes)} as float32), more than the ${formatGigabytes(MAX_CONVERTED_IMAGE_BYTES)} allowed; ` +
      `keep at most ${perImage.toLocaleString("en-US")} images over all splits with \`limit\` (training) and ` +
      "`split { train, validation, test }` fractions, or resize to a smaller size",
  );
}

/** Converts `count` images from `from` to `to` (values as given, e.g. 0–255); returns `pixels` itself when nothing changes. */
export function convertImages(pixels: Float32Array, count: number, from: ImageShape, to: ImageShape): Float32Array {
  if (from[0] === to[0] && from[1] === to[1] && from[2] === to[2]) return pixels;
  const inSize = from[0] * from[1] * from[2];
  const outSize = to[0] * to[1] * to[2];
  // Grey to RGB repeats values after the resize, in plain code: tf.tile took 2.7 s per 256 images at 96×96 on wasm.
  const repeat = from[2] === 1 && to[2] === 3 ? 3 : 1;
  const converted = new Float32Array(count * outSize);
  for (let start = 0; start < count; start += CONVERT_CHUNK) {
    const end = Math.min(start + CONVERT_CHUNK, count);
    // tidy returns the tensor, not its values: tidy walks a returned array's every element (13 s per chunk).
    const sized = tf.tidy(() => {
      const batch = tf.tensor4d(pixels.subarray(start * inSize, end * inSize), [end - start, ...from]);
      return resizeImages(toChannels(batch, repeat === 3 ? 1 : to[2]), to);
    });
    const values = sized.dataSync() as Float32Array;
    sized.dispose();
    if (repeat === 1) converted.set(values, start * outSize);
    else repeatEachValue(values, repeat, converted, start * outSize);
  }
  return converted;
}

/** Writes each value of `values` `times` times in a row into `target` from `offset`. */
function repeatEachValue(values: Float32Array, times: number, target: Float32Array, offset: number): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    for (let copy = 0; copy < times; copy++) target[offset + i * times + copy] = value;
  }
}

/** Bilinear resize with half-pixel centres (as PIL, sharp and TensorFlow 2's `tf.image.resize`). */
function resizeImages(batch: tf.Tensor4D, to: ImageShape): tf.Tensor4D {
  if (batch.shape[1] === to[0] && batch.shape[2] === to[1]) return batch;
  return tf.image.resizeBilinear(batch, [to[0], to[1]], false, true);
}

/** ITU-R 601 luma weights of red, green and blue. */
const GREY_WEIGHTS = [0.2989, 0.587, 0.114];

/** Drops an alpha channel, then weights RGB into grey (ITU-R 601) when one channel is asked for. */
function toChannels(batch: tf.Tensor4D, channels: number): tf.Tensor4D {
  const opaque = batch.shape[3] === 4 ? batch.slice([0, 0, 0, 0], [-1, -1, -1, 3]) : batch;
  if (opaque.shape[3] === channels) return opaque;
  if (opaque.shape[3] === 3 && channels === 1) return opaque.mul(tf.tensor1d(GREY_WEIGHTS)).sum(-1, true);
  throw new DataError(`cannot convert images with ${batch.shape[3]} channels to ${channels}; \`channels\` is 1 or 3`);
}
