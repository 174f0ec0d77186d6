/**
 * The entry of a gradient worker (a `worker_threads` thread of data-parallel training):
 * starts its own TF.js backend, rebuilds the model from its topology, then, each step,
 * loads the weights the main thread shared, computes its shard's gradients and writes
 * them back (runtime/parallel/worker-pool.ts drives it).
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type ActiveBackendName } from "../backend.js";
import "../image-preprocessing.js"; // registers the layer class a pretrained model's topology may name
import type { LossName } from "../losses.js";
import { keepBatchNormInInferenceAt } from "../unfreeze.js";
import { shardGradients } from "./shard-gradients.js";
import {
  COMMAND,
  CONTROL,
  STEP,
  resultLength,
  shardSeed,
  weightOffsets,
  type SharedBuffers,
  type SharedLayout,
} from "./shared-step.js";

/** What the pool hands a worker when it starts it. */
export interface GradientWorkerData {
  /** This worker's index, 1 … N-1 (the main thread is worker 0). */
  readonly index: number;
  readonly backend: ActiveBackendName;
  /** `model.toJSON()`: the topology, without weights (they come with each step). */
  readonly modelTopology: string;
  /** The batch normalisations the main thread's model runs in inference mode (`inferenceBatchNormPaths`). */
  readonly inferenceBatchNorms: readonly string[];
  readonly loss: LossName;
  readonly layout: SharedLayout;
  readonly buffers: SharedBuffers;
}

/** How long one wait for the next step lasts before it looks again (a terminated thread stops in between). */
const WAIT_SLICE_MS = 1000;

async function serve(data: GradientWorkerData): Promise<void> {
  await initBackend(data.backend);
  const model = await tf.models.modelFromJSON(JSON.parse(data.modelTopology) as Parameters<typeof tf.models.modelFromJSON>[0]);
  // As on the main thread: a pretrained backbone's batch norm stays in inference mode, a `weights: none` one's trains.
  keepBatchNormInInferenceAt(model, data.inferenceBatchNorms);
  const { layout, buffers } = data;
  const control = new Int32Array(buffers.control);
  const step = new Float64Array(buffers.step);
  const sharedWeights = new Float32Array(buffers.weights);
  const result = new Float32Array(buffers.results[data.index - 1] ?? new SharedArrayBuffer(4));
  if (result.length < resultLength(layout)) throw new Error("the result buffer is smaller than the layout needs");
  const offsets = weightOffsets(layout);
  const weights = model.weights;
  if (weights.length !== layout.weightSizes.length) {
    throw new Error(`the rebuilt model has ${weights.length} weights, the trained one ${layout.weightSizes.length}`);
  }
  const variables = layout.trainable.map((index) => weights[index]!.read() as tf.Variable);
  parentPort?.postMessage("ready");
  let generation = 0;
  for (;;) {
    while (Atomics.load(control, CONTROL.generation) === generation) {
      Atomics.wait(control, CONTROL.generation, generation, WAIT_SLICE_MS);
    }
    generation = Atomics.load(control, CONTROL.generation);
    if (Atomics.load(control, CONTROL.command) === COMMAND.stop) break;
    loadWeights(weights, sharedWeights, offsets, layout);
    computeShard(model, variables, data, control, step, result);
    Atomics.store(control, CONTROL.done + data.index, generation);
    Atomics.notify(control, CONTROL.done + data.index);
  }
}

/** Sets every weight (trainable and not) to the values the main thread shared for this step. */
function loadWeights(
  weights: tf.LayerVariable[],
  shared: Float32Array,
  offsets: readonly number[],
  layout: SharedLayout,
): void {
  tf.tidy(() => {
    weights.forEach((weight, index) => {
      const size = layout.weightSizes[index] ?? 0;
      const offset = offsets[index] ?? 0;
      weight.write(tf.tensor(shared.slice(offset, offset + size), weight.read().shape, "float32"));
    });
  });
}

/** Runs this worker's shard of the current step and writes gradients, state, loss and predictions to `result`. */
function computeShard(
  model: tf.LayersModel,
  variables: tf.Variable[],
  data: GradientWorkerData,
  control: Int32Array,
  step: Float64Array,
  result: Float32Array,
): void {
  const { layout, buffers } = data;
  const rows = Atomics.load(control, CONTROL.rows);
  const start = step[STEP.shardStarts + data.index] ?? 0;
  const end = step[STEP.shardStarts + data.index + 1] ?? 0;
  const seed = shardSeed(step[STEP.batchSeed] ?? 0, data.index);
  const count = end - start;
  const outcome = tf.tidy(() => {
    const x = tf.tensor(
      new Float32Array(buffers.x).slice(start * layout.xWidth, end * layout.xWidth),
      [count, ...layout.xShape],
      layout.xDtype,
    );
    const y = tf.tensor(
      new Float32Array(buffers.y).slice(start * layout.yWidth, end * layout.yWidth),
      [count, ...layout.yShape],
      layout.yDtype,
    );
    const weights = layout.weighted ? tf.tensor1d(new Float32Array(buffers.exampleWeights).slice(start, end)) : undefined;
    const shard = { x, y, globalRows: rows, seed, ...(weights === undefined ? {} : { weights }) };
    const { loss, grads, predictions } = shardGradients(model, variables, data.loss, shard, layout.keepPredictions, false);
    return { loss, grads: variables.map((variable) => grads[variable.name]!), ...(predictions === undefined ? {} : { predictions }) };
  });
  let at = 0;
  for (const gradient of outcome.grads) {
    const values = gradient.dataSync();
    result.set(values, at);
    at += values.length;
  }
  const weights = model.weights;
  for (const index of layout.nonTrainable) {
    result.set(weights[index]!.read().dataSync(), at);
    at += layout.weightSizes[index] ?? 0;
  }
  result[at] = outcome.loss.dataSync()[0] ?? Number.NaN;
  if (outcome.predictions !== undefined) result.set(outcome.predictions.dataSync(), at + 1);
  tf.dispose([outcome.loss, ...outcome.grads, ...(outcome.predictions === undefined ? [] : [outcome.predictions])]);
}

await serve(workerData as GradientWorkerData);
