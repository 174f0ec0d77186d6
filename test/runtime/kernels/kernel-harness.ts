/**
 * Test harness for single kernels: runs a kernel function on a chosen backend with plain
 * arrays in and out, checks that nothing leaked, and measures agreement with a reference.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { expect } from "vitest";

/** A tensor as plain data. */
export interface PlainTensor {
  readonly values: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
}

/** Backends the composed kernels are tested on. */
export const TESTED_BACKENDS = ["cpu", "wasm"] as const;

let backendsReady: Promise<void> | undefined;

/** Initialises both backends once (wasm loads its binary asynchronously) and silences tfjs's banner. */
export function prepareBackends(): Promise<void> {
  backendsReady ??= (async () => {
    tf.enableProdMode();
    for (const name of TESTED_BACKENDS) {
      await tf.setBackend(name);
      await tf.ready();
    }
  })();
  return backendsReady;
}

/**
 * The backends' own kernel functions, captured before any composed kernel replaces them.
 * Call before `registerTrainingKernels`.
 */
export function captureOwnKernel(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  return (tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined)?.kernelFunc;
}

/** Seeded uniform values in [-1, 1) (a small LCG keeps tests deterministic). */
export function randomValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < size; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}

/** A float32 tensor of seeded random values. */
export function randomTensor(shape: readonly number[], seed: number): PlainTensor {
  return { values: randomValues(tf.util.sizeFromShape([...shape]), seed), shape, dtype: "float32" };
}

/** The result of one kernel call, and whether it left anything behind. */
export interface KernelRun {
  readonly output: PlainTensor;
  /** Engine tensors and backend data ids alive after the call minus before it. */
  readonly leakedTensors: number;
  readonly leakedDataIds: number;
}

/** Runs `kernelFunc` on `backendName` with `inputs`, reads the output and disposes everything. */
export async function runKernel(
  backendName: string,
  kernelFunc: tf.KernelFunc,
  inputs: Record<string, PlainTensor>,
  attrs: tf.NamedAttrMap,
): Promise<KernelRun> {
  await tf.setBackend(backendName);
  const backend = tf.backend();
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, tf.tensor(input.values, [...input.shape], input.dtype)]),
  );
  const tensorsBefore = tf.memory().numTensors;
  const dataIdsBefore = backend.numDataIds();
  const result = kernelFunc({ inputs: tensors, backend, attrs });
  if (Array.isArray(result)) throw new Error("runKernel expects a single-output kernel");
  const values = (await backend.read(result.dataId)) as Float32Array | Int32Array;
  const output: PlainTensor = {
    values: values.slice(),
    shape: result.shape,
    dtype: result.dtype === "int32" ? "int32" : "float32",
  };
  backend.disposeData(result.dataId);
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedDataIds = backend.numDataIds() - dataIdsBefore;
  tf.dispose(Object.values(tensors));
  return { output, leakedTensors, leakedDataIds };
}

/** max |actual − expected| / max |expected| (absolute when expected is all zeros). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let largestDifference = 0;
  let largestExpected = 0;
  for (let index = 0; index < expected.length; index++) {
    largestDifference = Math.max(largestDifference, Math.abs(actual[index] - expected[index]));
    largestExpected = Math.max(largestExpected, Math.abs(expected[index]));
  }
  return largestExpected === 0 ? largestDifference : largestDifference / largestExpected;
}

/** Asserts that a kernel run produced `shape`, agrees with `reference` within `tolerance` (relative error) and leaked nothing. */
export function expectMatchesReference(
  actual: KernelRun,
  shape: readonly number[],
  reference: ArrayLike<number>,
  tolerance = 1e-4,
): void {
  expect(actual.output.shape).toEqual(shape);
  expect(relativeError(actual.output.values, reference)).toBeLessThanOrEqual(tolerance);
  expect([actual.leakedTensors, actual.leakedDataIds]).toEqual([0, 0]);
}
