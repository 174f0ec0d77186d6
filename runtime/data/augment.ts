/**
 * Image augmentation on whole batches `[b, h, w, c]` with tf.image ops: every example draws
 * its own random amount, the draws come from `tf.randomUniform` seeded per step, so the
 * same batch and seed always give the same result. All intermediates live inside one
 * `tf.tidy`; only the returned tensor survives.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "./random.js";
import type { AugmentStep } from "./spec.js";
import type { DataInfo, PreparedData } from "../prepared-data.js";

/** Augments one batch; returns a new tensor (the caller disposes input and output). */
export type Augmenter = (batch: tf.Tensor4D, seed: number) => tf.Tensor4D;

/** Options of `makeAugmenter`. */
export interface AugmenterOptions {
  /** Chance that `flip` mirrors an example (per axis for `both`). Default 0.5; tests force 1. */
  readonly flipProbability?: number;
}

/** Builds the augmenter for `augment { ... }`: the steps run in the order written. */
export function makeAugmenter(steps: readonly AugmentStep[], options: AugmenterOptions = {}): Augmenter {
  const flipProbability = options.flipProbability ?? 0.5;
  return (batch, seed) =>
    tf.tidy(() =>
      steps.reduce<tf.Tensor4D>(
        (images, step, index) => applyStep(images, step, deriveSeed(seed, index), flipProbability),
        // A copy, so an empty step list still returns a tensor the caller may dispose.
        tf.clone(batch),
      ),
    );
}

/**
 * `PreparedData.augment` for the steps of `augment { }`: images only, none without steps.
 * A trial worker rebuilds it from the same steps (runtime/parallel/shared-data.ts).
 */
export function augmentationOf(steps: readonly AugmentStep[], info: DataInfo): PreparedData["augment"] {
  if (info.modality !== "image" || steps.length === 0) return undefined;
  const augmenter = makeAugmenter(steps);
  return (batch: tf.Tensor, seed: number) => augmenter(batch as tf.Tensor4D, seed);
}

/** One step on a batch: its spec, the step's seed, and the probability of a flip. */
type AugmentationFactory<Kind extends AugmentStep["kind"]> = (
  images: tf.Tensor4D,
  step: Extract<AugmentStep, { readonly kind: Kind }>,
  seed: number,
  flipProbability: number,
) => tf.Tensor4D;

/**
 * The runtime's half of the augmentation registry: one function per step of `augment { }`,
 * the names of the compiler's definitions (compiler/registry/data.ts); a test keeps both equal.
 */
export const AUGMENTATIONS: { readonly [Kind in AugmentStep["kind"]]: AugmentationFactory<Kind> } = {
  flip: (images, step, seed, flipProbability) => flip(images, step.mode, seed, flipProbability),
  rotate: (images, step, seed) => rotate(images, step.degrees, seed),
  crop: (images, step, seed) => crop(images, step.size, step.padding ?? 0, seed),
  translate: (images, step, seed) => translate(images, step.pixels, seed),
  zoom: (images, step, seed) => zoom(images, step.range, seed),
  brightness: (images, step, seed) => tf.add(images, perExample(images, -step.delta, step.delta, seed)),
  contrast: (images, step, seed) => {
    const mean = tf.mean(images, [1, 2], true);
    return tf.add(tf.mul(tf.sub(images, mean), perExample(images, 1 - step.range, 1 + step.range, seed)), mean);
  },
  noise: (images, step, seed) => tf.add(images, tf.randomNormal(images.shape, 0, step.stddev, "float32", seed)),
};

/** One step on a batch. */
function applyStep(images: tf.Tensor4D, step: AugmentStep, seed: number, flipProbability: number): tf.Tensor4D {
  const augmentation = AUGMENTATIONS[step.kind] as AugmentationFactory<AugmentStep["kind"]> | undefined;
  if (augmentation === undefined) throw new Error(`no augmentation named \`${step.kind}\` in this runtime (runtime/data/augment.ts)`);
  return augmentation(images, step, seed, flipProbability);
}

/** One uniform draw per example in [low, high), shaped `[b, 1, 1, 1]` to broadcast over the image. */
function perExample(images: tf.Tensor4D, low: number, high: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([images.shape[0], 1, 1, 1], low, high, "float32", seed);
}

/** One uniform draw per example in [low, high), shaped `[b]`. */
function perExampleVector(images: tf.Tensor4D, low: number, high: number, seed: number): tf.Tensor1D {
  return tf.randomUniform([images.shape[0]], low, high, "float32", seed);
}

/** Mirrors each example with the given probability. */
function flip(
  images: tf.Tensor4D,
  mode: "horizontal" | "vertical" | "both",
  seed: number,
  probability: number,
): tf.Tensor4D {
  const mirrorIf = (input: tf.Tensor4D, mirrored: tf.Tensor4D, stepSeed: number): tf.Tensor4D =>
    tf.where(tf.less(perExample(input, 0, 1, stepSeed), probability), mirrored, input);
  let result = images;
  if (mode !== "vertical") result = mirrorIf(result, tf.image.flipLeftRight(result), deriveSeed(seed, 0));
  if (mode !== "horizontal") result = mirrorIf(result, tf.reverse(result, 1), deriveSeed(seed, 1));
  return result;
}

/**
 * Applies one affine map per example with `tf.image.transform`. Each row of `transforms` is
 * `[a0, a1, a2, b0, b1, b2, 0, 0]`: output pixel (x, y) reads input (a0·x + a1·y + a2, b0·x + b1·y + b2).
 */
function affine(
  images: tf.Tensor4D,
  rows: readonly [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D],
  interpolation: "nearest" | "bilinear",
): tf.Tensor4D {
  const zeros = tf.zerosLike(rows[0]);
  const transforms = tf.stack([...rows, zeros, zeros], 1) as tf.Tensor2D;
  if (tf.getBackend() !== "cpu" || images.shape[0] === 1) {
    return tf.image.transform(images, transforms, interpolation, "constant", 0);
  }
  // tfjs-backend-cpu 4.22's Transform kernel returns after the first image of a batch (the
  // rest stay zero), so on cpu each example is transformed on its own.
  const examples = tf.split(images, images.shape[0]) as tf.Tensor4D[];
  const perExample = tf.split(transforms, images.shape[0]) as tf.Tensor2D[];
  return tf.concat(
    examples.map((example, i) => tf.image.transform(example, perExample[i]!, interpolation, "constant", 0)),
    0,
  );
}

/** Rotates each example by a random angle in [-degrees, degrees] around the image centre. */
function rotate(images: tf.Tensor4D, degrees: number, seed: number): tf.Tensor4D {
  const [, height, width] = images.shape;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const radians = (degrees * Math.PI) / 180;
  const angle = perExampleVector(images, -radians, radians, seed);
  const cos = tf.cos(angle);
  const sin = tf.sin(angle);
  return affine(
    images,
    [
      cos,
      tf.neg(sin),
      tf.add(tf.sub(cx, tf.mul(cos, cx)), tf.mul(sin, cy)),
      sin,
      cos,
      tf.sub(tf.sub(cy, tf.mul(sin, cx)), tf.mul(cos, cy)),
    ],
    "bilinear",
  );
}

/** Shifts each example by whole pixels in [-pixels, pixels] on each axis. */
function translate(images: tf.Tensor4D, pixels: number, seed: number): tf.Tensor4D {
  const reach = Math.floor(pixels);
  const shift = (stream: number): tf.Tensor1D =>
    tf.sub(tf.floor(perExampleVector(images, 0, 2 * reach + 1, deriveSeed(seed, stream))), reach);
  const ones = tf.onesLike(shift(0));
  const zeros = tf.zerosLike(ones);
  return affine(images, [ones, zeros, shift(0), zeros, ones, shift(1)], "nearest");
}

/** Zooms each example by a random factor in [1 - range, 1 + range] around the centre (> 1 zooms in). */
function zoom(images: tf.Tensor4D, range: number, seed: number): tf.Tensor4D {
  const [, height, width] = images.shape;
  const inverse = tf.reciprocal(perExampleVector(images, 1 - range, 1 + range, seed));
  const zeros = tf.zerosLike(inverse);
  const offset = (centre: number): tf.Tensor1D => tf.mul(tf.sub(1, inverse), centre);
  return affine(
    images,
    [inverse, zeros, offset((width - 1) / 2), zeros, inverse, offset((height - 1) / 2)],
    "bilinear",
  );
}

/** Pads by `padding`, cuts a random `size` window from each example and resizes it back to the input size. */
function crop(images: tf.Tensor4D, size: readonly [number, number], padding: number, seed: number): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  const padded =
    padding > 0
      ? tf.pad(images, [
          [0, 0],
          [padding, padding],
          [padding, padding],
          [0, 0],
        ])
      : images;
  const paddedHeight = height + 2 * padding;
  const paddedWidth = width + 2 * padding;
  const cropHeight = Math.min(size[0], paddedHeight);
  const cropWidth = Math.min(size[1], paddedWidth);
  // Whole-pixel offsets, then box corners in the [0, 1] coordinates cropAndResize expects.
  const top = tf.floor(perExampleVector(images, 0, paddedHeight - cropHeight + 1, deriveSeed(seed, 0)));
  const left = tf.floor(perExampleVector(images, 0, paddedWidth - cropWidth + 1, deriveSeed(seed, 1)));
  const yScale = Math.max(paddedHeight - 1, 1);
  const xScale = Math.max(paddedWidth - 1, 1);
  const boxes = tf.stack(
    [
      tf.div(top, yScale),
      tf.div(left, xScale),
      tf.div(tf.add(top, cropHeight - 1), yScale),
      tf.div(tf.add(left, cropWidth - 1), xScale),
    ],
    1,
  ) as tf.Tensor2D;
  return tf.image.cropAndResize(
    padded,
    boxes,
    tf.range(0, batch, 1, "int32") as tf.Tensor1D,
    [height, width],
    "bilinear",
  );
}
