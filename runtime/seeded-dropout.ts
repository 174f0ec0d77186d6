/**
 * Dropout drawn from the run's seed and the training step. TF.js's random layers (dropout,
 * spatial dropout, the dropout of recurrent cells, Gaussian noise — in pretrained backbones
 * too) draw their masks with `tf.randomUniform` / `tf.randomNormal`, which seed themselves
 * from `Math.random()` when the layer has no seed, and repeat one mask on every call when it
 * has one (`Dropout({seed})`). So a layer's own seed cannot give a fresh, reproducible mask
 * per step; the forward pass of each step runs with `Math.random` replaced by a generator
 * seeded from the step's seed instead. Each step's seed is derived from (run seed, epoch,
 * batch), so the masks differ from step to step, repeat exactly with the same seed, and a
 * resumed run draws the masks an uninterrupted one would. Layers stay TF.js's own, so saved
 * models and bundles load anywhere.
 */
import type * as tf from "@tensorflow/tfjs";
import { deriveSeed, mulberry32 } from "./data/random.js";

/** The seed stream of dropout masks within a step (augmentation uses streams 0, 1, … of the same step seed). */
const DROPOUT_STREAM = 104_729;

/**
 * Runs `compute` with `Math.random` drawing from a generator seeded with `seed`, restoring it
 * after. `compute` must be synchronous, so no other code runs while the generator is in place.
 */
export function withSeededMathRandom<T>(seed: number, compute: () => T): T {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    return compute();
  } finally {
    Math.random = original;
  }
}

/**
 * The model's training-mode forward pass for the step seeded `stepSeed`: dropout and the
 * other random layers draw their masks from that seed alone.
 */
export function applyInTrainingMode(model: tf.LayersModel, x: tf.Tensor, stepSeed: number): tf.Tensor {
  return withSeededMathRandom(
    deriveSeed(stepSeed, DROPOUT_STREAM),
    () => model.apply(x, { training: true }) as tf.Tensor,
  );
}
