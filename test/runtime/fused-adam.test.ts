/**
 * The fused Adam (one `DlmAdamStep` kernel per variable) computes exactly what TF.js's
 * `tf.train.adam` computes — weights and both moments bit for bit, over several steps and a
 * learning-rate change — on both backends DLM trains on, and round-trips through
 * `getWeights`/`setWeights` as checkpoints use them.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FusedAdamOptimizer, LARGEST_FUSED_VARIABLE, fusedAdam } from "../../runtime/fused-adam.js";
import { ADAM_STEP } from "../../runtime/kernels/adam-step.js";
import { registerTrainingKernels, unregisterTrainingKernels } from "../../runtime/kernels/register.js";
import { createOptimizer, restoreOptimizer, describeOptimizer, setLearningRate } from "../../runtime/optimizers.js";
import { randomValues } from "./kernels/kernel-harness.js";

/** Small ones (one kernel each) and one above LARGEST_FUSED_VARIABLE (TF.js's ops). */
const SHAPES = [[7, 5], [5], [3, 3, 2, 4], [91, 100]] as const;

beforeAll(async () => {
  tf.enableProdMode();
  for (const name of ["cpu", "wasm"]) {
    await tf.setBackend(name);
    await tf.ready();
    registerTrainingKernels(name);
  }
});
afterAll(async () => {
  for (const name of ["cpu", "wasm"]) registerTrainingKernels(name);
});

/** Fresh variables of the shapes, with seeded values (the same for every call). */
function makeVariables(prefix: string): tf.Variable[] {
  return SHAPES.map((shape, index) =>
    tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape([...shape]), 10 + index), [...shape]), true, `${prefix}${index}`),
  );
}

/** Gradients of step `step`: seeded, large and small, some zero. */
function gradientsFor(variables: readonly tf.Variable[], step: number): { name: string; tensor: tf.Tensor }[] {
  return variables.map((variable, index) => {
    const values = randomValues(variable.size, 100 * step + index).map((value, at) => (at % 5 === 0 ? 0 : value * 10 ** ((at % 7) - 3)));
    return { name: variable.name, tensor: tf.tensor(values, variable.shape) };
  });
}

/** Trains the variables `steps` steps with `optimizer`, changing the rate after step 2; returns weights and slots. */
async function train(optimizer: tf.Optimizer, variables: readonly tf.Variable[], steps: number, firstStep = 0): Promise<Float32Array[]> {
  for (let step = firstStep; step < firstStep + steps; step++) {
    if (step === 2) setLearningRate(optimizer, 0.0003);
    const gradients = gradientsFor(variables, step);
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((entry) => entry.tensor));
  }
  const slots = await optimizer.getWeights();
  return [...variables.map((variable) => variable.dataSync() as Float32Array), ...slots.map((slot) => slot.tensor.dataSync() as Float32Array)];
}

describe.each(["cpu", "wasm"])("fused Adam on %s", (backendName) => {
  it("equals tf.train.adam bit for bit: weights, moments and iterations over 5 steps", async () => {
    await tf.setBackend(backendName);
    const expected = await train(tf.train.adam(0.01, 0.9, 0.999, 1e-7), makeVariables(`tf-${backendName}-`), 5);
    const actual = await train(fusedAdam(0.01, 0.9, 0.999, 1e-7), makeVariables(`fused-${backendName}-`), 5);
    expect(actual).toEqual(expected);
    // Not trivially equal: the weights moved.
    const start = makeVariables(`start-${backendName}-`).map((variable) => variable.dataSync());
    expect(actual[0]).not.toEqual(start[0]);
  });

  it("runs one kernel per small variable instead of TF.js's fourteen", async () => {
    await tf.setBackend(backendName);
    const variables = makeVariables(`count-${backendName}-`);
    const optimizer = fusedAdam(0.001, 0.9, 0.999, 1e-7);
    const gradients = gradientsFor(variables, 0);
    const profile = await tf.profile(() => optimizer.applyGradients(gradients));
    const names = profile.kernels.map((kernel) => kernel.name);
    const small = variables.filter((variable) => variable.size <= LARGEST_FUSED_VARIABLE);
    expect(small.length).toBeGreaterThan(0);
    expect(names.filter((name) => name === ADAM_STEP)).toHaveLength(small.length);
    // the large variable's update: TF.js's ops, one Sqrt
    expect(names.filter((name) => name === "Sqrt")).toHaveLength(variables.length - small.length);
  });

  it("continues from getWeights/setWeights as an uninterrupted run does", async () => {
    await tf.setBackend(backendName);
    const whole = await train(fusedAdam(0.01, 0.9, 0.999, 1e-7), makeVariables(`whole-${backendName}-`), 5);
    const variables = makeVariables(`split-${backendName}-`);
    const first = fusedAdam(0.01, 0.9, 0.999, 1e-7);
    await train(first, variables, 3);
    const saved = await first.getWeights();
    const resumed = restoreOptimizer(describeOptimizer(first));
    expect(resumed).toBeInstanceOf(FusedAdamOptimizer);
    await resumed.setWeights(saved.map((entry) => ({ name: entry.name, tensor: entry.tensor.clone() })));
    expect(await train(resumed, variables, 2, 3)).toEqual(whole);
  });

  it("falls back to TF.js's ops, with the same result, where the kernel is not registered", async () => {
    await tf.setBackend(backendName);
    const expected = await train(tf.train.adam(0.01, 0.9, 0.999, 1e-7), makeVariables(`tf2-${backendName}-`), 3);
    unregisterTrainingKernels(backendName);
    try {
      expect(tf.getKernel(ADAM_STEP, backendName)).toBeUndefined();
      const actual = await train(fusedAdam(0.01, 0.9, 0.999, 1e-7), makeVariables(`plain-${backendName}-`), 3);
      expect(actual).toEqual(expected);
    } finally {
      registerTrainingKernels(backendName);
    }
  });
});

describe("createOptimizer", () => {
  it("makes `adam` the fused Adam, still named Adam in checkpoints", () => {
    const optimizer = createOptimizer({ name: "adam", learningRate: 0.002 });
    expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
    expect(describeOptimizer(optimizer)).toEqual({
      className: "Adam",
      config: { learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    });
  });
});
