/**
 * Building a loaded model within what its weight files hold. TF.js builds a model from its
 * topology before it reads a single weight, allocating every weight at the shape the layer
 * configs say: a `model.json` claiming `units: 120000000` took 3.8 GB before failing on a
 * shape mismatch. The weight files' sizes are checked against the manifest first
 * (bundle-manifest.ts), so the manifest's values bound what a sound model may allocate:
 * every weight a model builds must come from the manifest. Each weight the build asks for is
 * counted before it is allocated, and the build stops once the count passes that bound.
 */
import * as tf from "@tensorflow/tfjs";
import { ModelFileError } from "./bundle-manifest.js";

type AddWeight = (this: tf.layers.Layer, name: string, shape: readonly number[], ...rest: unknown[]) => unknown;

const layerPrototype = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
const originalAddWeight = layerPrototype.addWeight;

/** Builds in flight, and the values they may allocate together (reset once none is in flight). */
const budget = { active: 0, allowed: 0, used: 0, file: "" };

/** The number of values a weight of `shape` holds (non-integer or negative sizes count as unbounded). */
function valuesOf(shape: readonly number[]): number {
  let values = 1;
  for (const size of shape) values *= Number.isSafeInteger(size) && size >= 0 ? size : Infinity;
  return values;
}

function boundedAddWeight(this: tf.layers.Layer, name: string, shape: readonly number[], ...rest: unknown[]): unknown {
  budget.used += valuesOf(shape);
  if (!(budget.used <= budget.allowed)) {
    throw new ModelFileError(
      `layer \`${this.name}\` declares weight \`${name}\` of shape [${shape.join(", ")}], more values than the ` +
        `weightsManifest holds (${budget.allowed} in all); the topology does not match the weight files`,
      budget.file,
    );
  }
  return originalAddWeight.call(this, name, shape, ...rest);
}

/**
 * Runs `build` (which builds the model of `artifacts`) with every layer weight counted before
 * it is allocated: more values than `artifacts.weightSpecs` hold is a `ModelFileError` naming
 * `modelFile`. Concurrent builds share one bound, the sum of theirs.
 */
export async function buildWithinManifest<T>(
  artifacts: tf.io.ModelArtifacts,
  modelFile: string,
  build: () => Promise<T>,
): Promise<T> {
  const allowed = (artifacts.weightSpecs ?? []).reduce((sum, spec) => sum + valuesOf(spec.shape), 0);
  if (budget.active === 0) {
    layerPrototype.addWeight = boundedAddWeight;
    budget.allowed = 0;
    budget.used = 0;
  }
  budget.active += 1;
  budget.allowed += allowed;
  budget.file = modelFile;
  try {
    return await build();
  } finally {
    budget.active -= 1;
    if (budget.active === 0) layerPrototype.addWeight = originalAddWeight;
  }
}
