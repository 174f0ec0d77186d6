/**
 * Reproducible weights: every model of an experiment (each tuning trial and the final
 * training) starts from initial weights determined by the experiment's `seed`.
 */
import type * as tf from "@tensorflow/tfjs";
import type { ExperimentDefinition, Hyperparameters } from "./experiment.js";
import type { DataInfo } from "./prepared-data.js";
import { deriveSeed, mulberry32 } from "./data/random.js";

/** The seed stream of weight initialisation (other streams shuffle and split). */
const INITIALIZER_STREAM = 7907;

/**
 * Builds the model with TF.js's weight initialisers seeded. Without a seed of their own
 * they seed each draw from `Math.random` (tfjs-core's `UniformRandom` and `MPRandGauss`),
 * so `Math.random` is a seeded generator while the layers are built, and restored after.
 */
export async function buildSeededModel(
  definition: Pick<ExperimentDefinition, "buildModel" | "seed">,
  info: DataInfo,
  hyperparameters: Hyperparameters,
): Promise<tf.LayersModel> {
  const original = Math.random;
  Math.random = mulberry32(deriveSeed(definition.seed, INITIALIZER_STREAM));
  try {
    return await definition.buildModel(info, hyperparameters);
  } finally {
    Math.random = original;
  }
}
