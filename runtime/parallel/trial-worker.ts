/**
 * The entry of a trial worker (a `worker_threads` thread of a parallel search): starts its
 * own TF.js backend and restores the search's data from shared memory once; then, for each
 * trial it is sent, rebuilds the trial's model from its topology and initial weights and
 * trains it with `trainTrial`, as the main thread would (runtime/parallel/trial-pool.ts
 * drives it).
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { keepBatchNormInInferenceAt } from "../unfreeze.js";
import { initBackend, type ActiveBackendName } from "../backend.js";
import "../image-preprocessing.js"; // registers the layer class a pretrained model's topology may name
import { firstLine } from "../first-line.js";
import { trainTrial, type TrialOutcome, type TrialSpec } from "../tune-trial.js";
import { restoreData, type SharedData } from "./shared-data.js";

/** What the pool hands a trial worker when it starts it. */
export interface TrialWorkerData {
  readonly backend: ActiveBackendName;
  readonly data: SharedData;
}

/** One weight's initial values. */
export interface WeightValues {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
}

/** A trial's model as the main thread built it: `model.toJSON()` and `model.getWeights()` in order. */
export interface TrialModel {
  readonly topology: string;
  readonly weights: readonly WeightValues[];
  /** The batch normalisations the main thread's model runs in inference mode (`inferenceBatchNormPaths`). */
  readonly inferenceBatchNorms: readonly string[];
}

/** One trial to train. */
export interface TrialTask {
  readonly spec: TrialSpec;
  readonly model: TrialModel;
}

/** What a trial worker posts: once `ready`, then one reply per task. */
export type TrialReply =
  | { readonly kind: "ready" }
  | { readonly kind: "trained"; readonly trial: number; readonly outcome: TrialOutcome }
  /** The model could not be rebuilt here: the trial may still train on the main thread. */
  | { readonly kind: "unbuildable"; readonly trial: number; readonly reason: string }
  /** Training threw: the search fails. */
  | { readonly kind: "failed"; readonly trial: number; readonly reason: string };

async function serve(setup: TrialWorkerData): Promise<void> {
  await initBackend(setup.backend);
  const data = restoreData(setup.data);
  const port = parentPort;
  if (port === null) throw new Error("a trial worker runs in a worker thread");
  // One task at a time: the pool sends the next only after this one's reply.
  port.on("message", (task: TrialTask) => void runTask(task, data).then((reply) => port.postMessage(reply)));
  port.postMessage({ kind: "ready" } satisfies TrialReply);
}

/** Rebuilds and trains one trial; every outcome becomes a reply, none an exception. */
async function runTask(task: TrialTask, data: Parameters<typeof trainTrial>[1]): Promise<TrialReply> {
  const trial = task.spec.trial;
  let model: tf.LayersModel;
  try {
    model = await rebuildModel(task.model);
  } catch (error) {
    return { kind: "unbuildable", trial, reason: firstLine(error) };
  }
  try {
    return { kind: "trained", trial, outcome: await trainTrial(model, data, task.spec) };
  } catch (error) {
    return { kind: "failed", trial, reason: firstLine(error) };
  } finally {
    model.dispose();
  }
}

/** The trial's model with the main thread's initial weights. */
async function rebuildModel(described: TrialModel): Promise<tf.LayersModel> {
  const model = await tf.models.modelFromJSON(
    JSON.parse(described.topology) as Parameters<typeof tf.models.modelFromJSON>[0],
  );
  // As the main thread built it: a pretrained backbone's batch norm stays in inference mode, a `weights: none` one's trains.
  keepBatchNormInInferenceAt(model, described.inferenceBatchNorms);
  try {
    tf.tidy(() =>
      model.setWeights(described.weights.map((weight) => tf.tensor(weight.values, [...weight.shape], weight.dtype))),
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

await serve(workerData as TrialWorkerData);
