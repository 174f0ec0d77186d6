/**
 * Cost of the per-epoch finite check (runtime/finite-weights.ts) on MNIST-sized models on
 * wasm: one read-back over every weight, and a scan of an epoch's 60,000 × 10 predictions.
 *
 *   npx tsx bench/finite-check.ts
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { firstNonFiniteIndex, firstNonFiniteWeight } from "../runtime/finite-weights.js";
import { registerTrainingKernels } from "../runtime/kernels/register.js";

/** Median milliseconds of `run` over 7 rounds of 20 calls, after a warm-up. */
function medianMs(run: () => unknown): number {
  for (let i = 0; i < 5; i++) run();
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = performance.now();
    for (let i = 0; i < 20; i++) run();
    rounds.push((performance.now() - start) / 20);
  }
  return rounds.sort((a, b) => a - b)[3]!;
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend("wasm");
  await tf.ready();
  registerTrainingKernels("wasm");
  const mlp = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, inputShape: [784], activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  const cnn = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [28, 28, 1], activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  for (const [name, model] of [
    ["MLP 784-128-10", mlp],
    ["CNN 2 conv + dense", cnn],
  ] as const) {
    const ms = medianMs(() => firstNonFiniteWeight(model));
    console.log(`${name}: ${model.countParams()} parameters, weight check ${ms.toFixed(2)} ms`);
  }
  const predictions = new Float32Array(600_000).map(() => Math.random());
  console.log(`scan of 60,000 × 10 predictions: ${medianMs(() => firstNonFiniteIndex(predictions)).toFixed(2)} ms`);
}

await main();
