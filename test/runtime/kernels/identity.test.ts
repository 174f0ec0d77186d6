import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerTrainingKernels, unregisterTrainingKernels } from "../../../runtime/kernels/register.js";
import { prepareBackends } from "./kernel-harness.js";

beforeAll(async () => {
  await prepareBackends();
  await tf.setBackend("wasm");
  registerTrainingKernels("wasm");
});
afterAll(() => unregisterTrainingKernels("wasm"));

describe("Identity by sharing on wasm", () => {
  it("clones without copying and frees the data only when both tensors are gone", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const dataIdsWithOriginal = tf.backend().numDataIds();
    const copy = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(dataIdsWithOriginal);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    const dataIdsBefore = tf.backend().numDataIds();
    copy.dispose();
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore - 1);
  });

  it("leaves the clone unchanged when the original variable is reassigned", () => {
    const weight = tf.variable(tf.tensor1d([1, 2]));
    const snapshot = tf.clone(weight);
    weight.assign(tf.tensor1d([5, 6]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2]);
    tf.dispose([weight, snapshot]);
  });

  it("gives an add layer the sum of its inputs, gradients included", () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const model = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[10, 20]]);
    expect(Array.from((model.predict([x, y]) as tf.Tensor).dataSync())).toEqual([11, 22]);
    const gradient = tf.grad((input: tf.Tensor) => (model.apply([input, y]) as tf.Tensor).square().sum())(x);
    expect(Array.from(gradient.dataSync())).toEqual([22, 44]);
    tf.dispose([x, y, gradient]);
  });
});
