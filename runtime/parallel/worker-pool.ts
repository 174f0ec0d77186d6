/**
 * Data-parallel training steps: the main thread is worker 0 and N-1 `worker_threads`
 * workers (runtime/parallel/gradient-worker.ts) are the rest. Each step splits the global
 * batch into N contiguous shards, every worker computes its shard's gradients (scaled so
 * they add up to the one-worker gradient), the main thread sums them in worker order and
 * its optimizer applies one update. Batch norm uses each worker's own batch statistics and
 * the moving averages become the mean of the workers' (as PyTorch DDP without SyncBatchNorm).
 */
import { EventEmitter } from "node:events";
import type { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import type { ActiveBackendName } from "../backend.js";
import type { LossName } from "../losses.js";
import type { GradientWorkerData } from "./gradient-worker.js";
import { firstLine } from "../first-line.js";
import { shardGradients } from "./shard-gradients.js";
import { inferenceBatchNormPaths } from "../unfreeze.js";
import { startWorkerThread } from "./start-worker-thread.js";
import {
  COMMAND,
  CONTROL,
  STEP,
  allocateBuffers,
  shardSeed,
  shardStarts,
  sharedDtype,
  weightOffsets,
  type SharedBuffers,
  type SharedLayout,
} from "./shared-step.js";

/** What `startWorkerPool` needs to know about the run. */
export interface WorkerPoolArgs {
  /** Workers in all, the main thread included (≥ 2). */
  readonly workers: number;
  readonly model: tf.LayersModel;
  /** The trainable variables, in `model.trainableWeights` order (the optimizer's order). */
  readonly variables: tf.Variable[];
  readonly loss: LossName;
  readonly backend: ActiveBackendName;
  /** The largest global batch. */
  readonly maxRows: number;
  /** The training split's tensors, whose row shapes and dtypes the batches share. */
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly weighted: boolean;
  readonly keepPredictions: boolean;
}

/** One global batch, gathered (and augmented) by the main thread. */
export interface GlobalBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly weights?: tf.Tensor1D;
  readonly seed: number;
}

/** A started pool emits `"start"` with itself, so tests can stop a worker as a crash would. */
export const workerPoolEvents = new EventEmitter();

/** Threads of data-parallel training, started once per `train()` and stopped at its end. */
export class WorkerPool {
  private generation = 0;
  private failure: Error | undefined;
  private closing = false;
  private readonly died: Promise<never>;
  private readonly control: Int32Array;
  private readonly stepParams: Float64Array;
  private readonly sharedWeights: Float32Array;
  private readonly offsets: number[];

  private constructor(
    private readonly args: WorkerPoolArgs,
    private readonly layout: SharedLayout,
    private readonly buffers: SharedBuffers,
    private readonly threads: readonly Worker[],
    died: Promise<never>,
  ) {
    this.died = died;
    this.control = new Int32Array(buffers.control);
    this.stepParams = new Float64Array(buffers.step);
    this.sharedWeights = new Float32Array(buffers.weights);
    this.offsets = weightOffsets(layout);
  }

  /** Starts the N-1 worker threads and resolves once each has rebuilt the model. */
  static async start(args: WorkerPoolArgs): Promise<WorkerPool> {
    const layout = describeLayout(args);
    const buffers = allocateBuffers(layout);
    const modelTopology = JSON.stringify(args.model.toJSON(undefined, false));
    const inferenceBatchNorms = inferenceBatchNormPaths(args.model);
    const threads: Worker[] = [];
    let pool: WorkerPool | undefined;
    let reject: (error: Error) => void = () => undefined;
    const died = new Promise<never>((_, rejectDied) => (reject = rejectDied));
    died.catch(() => undefined); // observed at the next step; never an unhandled rejection
    const stop = (index: number, why: string) => {
      if (pool?.closing === true) return;
      const error = new Error(`worker ${index} stopped: ${why}`);
      if (pool !== undefined) pool.failure ??= error;
      reject(error);
    };
    const ready: Promise<void>[] = [];
    for (let index = 1; index < args.workers; index++) {
      const data: GradientWorkerData = {
        index,
        backend: args.backend,
        modelTopology,
        inferenceBatchNorms,
        loss: args.loss,
        layout,
        buffers,
      };
      const thread = startWorkerThread("gradient-worker", data);
      threads.push(thread);
      thread.on("error", (error) => stop(index, firstLine(error)));
      thread.on("exit", (code) => stop(index, `its thread exited with code ${code}`));
      ready.push(new Promise((resolve) => thread.once("message", () => resolve())));
    }
    pool = new WorkerPool(args, layout, buffers, threads, died);
    try {
      await Promise.race([Promise.all(ready), died]);
    } catch (error) {
      await pool.stop();
      throw error;
    }
    workerPoolEvents.emit("start", pool);
    return pool;
  }

  /** Workers in all, the main thread included. */
  get workers(): number {
    return this.args.workers;
  }

  /** Stops worker `index` (1 … N-1) as a crash would: the step waiting on it fails. For tests. */
  async crashWorker(index: number): Promise<void> {
    await this.threads[index - 1]?.terminate();
  }

  /**
   * One data-parallel gradient step on `batch`: every worker's shard gradients, summed in
   * worker order, applied by `optimizer`. Returns the batch's loss and, if kept, its predictions.
   */
  async step(batch: GlobalBatch, optimizer: tf.Optimizer): Promise<{ loss: number; predictions?: Float32Array }> {
    if (this.failure !== undefined) throw this.failure;
    const rows = batch.x.shape[0] ?? 0;
    const starts = shardStarts(rows, this.args.workers);
    this.shareStep(batch, rows, starts);
    const own = tf.tidy(() => {
      const first = starts[1] ?? rows;
      const slice = <T extends tf.Tensor>(tensor: T): T => tf.slice(tensor, 0, first) as T;
      const shard = {
        x: slice(batch.x),
        y: slice(batch.y),
        globalRows: rows,
        seed: shardSeed(batch.seed, 0),
        ...(batch.weights === undefined ? {} : { weights: slice(batch.weights) }),
      };
      const result = shardGradients(this.args.model, this.args.variables, this.args.loss, shard, this.layout.keepPredictions, true);
      return { loss: result.loss, grads: result.grads, ...(result.predictions === undefined ? {} : { predictions: result.predictions }) };
    });
    try {
      await this.awaitWorkers();
      return this.combine(own, optimizer, rows);
    } finally {
      tf.dispose([own.loss, ...Object.values(own.grads), ...(own.predictions === undefined ? [] : [own.predictions])]);
    }
  }

  /** Tells the workers to finish and waits for their threads to end. */
  async stop(): Promise<void> {
    this.closing = true;
    Atomics.store(this.control, CONTROL.command, COMMAND.stop);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  /** Writes the step's batch rows, the current weights and the shard bounds, then wakes the workers. */
  private shareStep(batch: GlobalBatch, rows: number, starts: readonly number[]): void {
    new Float32Array(this.buffers.x).set(batch.x.dataSync());
    new Float32Array(this.buffers.y).set(batch.y.dataSync());
    if (batch.weights !== undefined) new Float32Array(this.buffers.exampleWeights).set(batch.weights.dataSync());
    this.args.model.weights.forEach((weight, index) => {
      this.sharedWeights.set(weight.read().dataSync(), this.offsets[index] ?? 0);
    });
    this.stepParams[STEP.batchSeed] = batch.seed;
    starts.forEach((start, worker) => (this.stepParams[STEP.shardStarts + worker] = start));
    Atomics.store(this.control, CONTROL.rows, rows);
    Atomics.store(this.control, CONTROL.command, COMMAND.step);
    this.generation = Atomics.add(this.control, CONTROL.generation, 1) + 1;
    Atomics.notify(this.control, CONTROL.generation);
  }

  /** Resolves when every worker has finished the current step; rejects when one stopped. */
  private async awaitWorkers(): Promise<void> {
    for (let index = 1; index < this.args.workers; index++) {
      const slot = CONTROL.done + index;
      for (;;) {
        const seen = Atomics.load(this.control, slot);
        if (seen === this.generation) break;
        const wait = waitAsync(this.control, slot, seen);
        if (wait.async) await Promise.race([wait.value, this.died]);
        if (this.failure !== undefined) throw this.failure;
      }
    }
  }

  /** Sums the gradients in worker order, averages the workers' state, applies the update; returns loss and predictions. */
  private combine(
    own: { loss: tf.Scalar; grads: tf.NamedTensorMap; predictions?: tf.Tensor },
    optimizer: tf.Optimizer,
    rows: number,
  ): { loss: number; predictions?: Float32Array } {
    const results = this.buffers.results.map((buffer) => new Float32Array(buffer));
    let at = 0;
    const summed: tf.NamedTensorMap = {};
    for (const variable of this.args.variables) {
      const total = Float32Array.from(own.grads[variable.name]!.dataSync());
      for (const result of results) {
        for (let i = 0; i < total.length; i++) total[i]! += result[at + i]!;
      }
      summed[variable.name] = tf.tensor(total, variable.shape, "float32");
      at += total.length;
    }
    at = this.averageState(results, at);
    let loss = own.loss.dataSync()[0] ?? Number.NaN;
    for (const result of results) loss += result[at] ?? Number.NaN;
    optimizer.applyGradients(summed);
    tf.dispose(Object.values(summed));
    if (own.predictions === undefined) return { loss };
    const width = this.layout.outputWidth;
    const predictions = new Float32Array(rows * width);
    predictions.set(own.predictions.dataSync());
    const starts = shardStarts(rows, this.args.workers);
    results.forEach((result, worker) => {
      const [start, end] = [starts[worker + 1] ?? rows, starts[worker + 2] ?? rows];
      predictions.set(result.subarray(at + 1, at + 1 + (end - start) * width), start * width);
    });
    return { loss, predictions };
  }

  /**
   * Non-trainable weights (batch-norm moving averages) become the step's start value plus the
   * mean of each worker's change; unchanged weights stay bit-identical. Returns the offset after them.
   */
  private averageState(results: readonly Float32Array[], at: number): number {
    const weights = this.args.model.weights;
    for (const index of this.layout.nonTrainable) {
      const size = this.layout.weightSizes[index] ?? 0;
      const start = this.offsets[index] ?? 0;
      const before = this.sharedWeights.subarray(start, start + size);
      const mine = weights[index]!.read().dataSync();
      const changes = new Float64Array(size);
      let changed = false;
      for (let i = 0; i < size; i++) {
        let change = (mine[i] ?? 0) - (before[i] ?? 0);
        for (const result of results) change += (result[at + i] ?? 0) - (before[i] ?? 0);
        changes[i] = change / this.args.workers;
        changed ||= change !== 0;
      }
      if (changed) {
        const averaged = Float32Array.from(before, (value, i) => value + (changes[i] ?? 0));
        const weight = weights[index]!;
        tf.tidy(() => {
          weight.write(tf.tensor(averaged, weight.read().shape, "float32"));
        });
      }
      at += size;
    }
    return at;
  }
}

/** The shared-memory layout of a run. */
function describeLayout(args: WorkerPoolArgs): SharedLayout {
  const rowSize = (tensor: tf.Tensor) => tensor.shape.slice(1).reduce((product, size) => product * size, 1);
  const weights = args.model.weights;
  const trainableNames = args.variables.map((variable) => variable.name);
  const indexOf = new Map(weights.map((weight, index) => [(weight.read() as tf.Variable).name, index]));
  const trainable = trainableNames.map((name) => {
    const index = indexOf.get(name);
    if (index === undefined) throw new Error(`trainable variable ${name} is not among the model's weights`);
    return index;
  });
  const trainableSet = new Set(trainable);
  const output = args.model.outputs[0]?.shape ?? [];
  return {
    workers: args.workers,
    maxRows: args.maxRows,
    xWidth: rowSize(args.x),
    yWidth: rowSize(args.y),
    outputWidth: output.slice(1).reduce<number>((product, size) => product * (size ?? 1), 1),
    xShape: args.x.shape.slice(1),
    yShape: args.y.shape.slice(1),
    xDtype: sharedDtype(args.x),
    yDtype: sharedDtype(args.y),
    weighted: args.weighted,
    weightSizes: weights.map((weight) => weight.shape.reduce<number>((product, size) => product * (size ?? 1), 1)),
    trainable,
    nonTrainable: weights.map((_, index) => index).filter((index) => !trainableSet.has(index)),
    keepPredictions: args.keepPredictions,
  };
}

/** `Atomics.waitAsync` (Node ≥ 16), which the ES2022 library typings lack. */
function waitAsync(
  array: Int32Array,
  index: number,
  value: number,
): { async: false; value: string } | { async: true; value: Promise<string> } {
  return (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync(array, index, value);
}
