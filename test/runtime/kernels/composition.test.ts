import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { composeKernel, Composition } from "../../../runtime/kernels/composition.js";
import { prepareBackends, randomTensor, runKernel, TESTED_BACKENDS } from "./kernel-harness.js";

beforeAll(prepareBackends);

describe.each(TESTED_BACKENDS)("Composition on %s", (backendName) => {
  it("frees every intermediate when the body throws", async () => {
    await tf.setBackend(backendName);
    const failing = composeKernel(backendName, (composition, inputs) => {
      const x = inputs.x!;
      composition.transpose(composition.reshape(x, [x.shape[0] * x.shape[1]]), [0]);
      throw new Error("broken invariant");
    });
    const x = tf.ones([2, 3]);
    const dataIdsBefore = tf.backend().numDataIds();
    expect(() => failing({ inputs: { x }, backend: tf.backend(), attrs: {} })).toThrow("broken invariant");
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
    x.dispose();
  });

  it("gives a passed-through input its own reference, so disposing the output keeps the input", async () => {
    const passThrough = composeKernel(backendName, (_composition, inputs) => inputs.x!);
    await tf.setBackend(backendName);
    const x = tf.tensor([1, 2, 3]);
    const output = passThrough({ inputs: { x }, backend: tf.backend(), attrs: {} }) as tf.TensorInfo;
    tf.backend().disposeData(output.dataId);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
    x.dispose();
  });

  it("names the missing kernel when the backend lacks one", async () => {
    await tf.setBackend(backendName);
    const composition = new Composition(tf.backend(), backendName);
    expect(() => composition.run("NoSuchKernel", {})).toThrow(
      `composed kernel needs 'NoSuchKernel', which backend '${backendName}' lacks`,
    );
  });

  it("swaps batch and channels like a [3, 1, 2, 0] transpose", async () => {
    const x = randomTensor([3, 4, 5, 2], 61);
    const swap = composeKernel(backendName, (composition, inputs) => composition.swapBatchAndChannels(inputs.x!));
    const actual = await runKernel(backendName, swap, { x }, {});
    const expected = tf.tidy(() => tf.transpose(tf.tensor(x.values, [...x.shape]), [3, 1, 2, 0]).dataSync());
    expect(actual.output.shape).toEqual([2, 4, 5, 3]);
    expect(Array.from(actual.output.values)).toEqual(Array.from(expected));
    expect([actual.leakedTensors, actual.leakedDataIds]).toEqual([0, 0]);
  });

  it("spreads an NHWC tensor with stride − 1 zeros after each row and column", async () => {
    const x = { values: Float32Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1], dtype: "float32" as const };
    const spread = composeKernel(backendName, (composition, inputs) =>
      composition.upsampleWithZeros(inputs.x!, [2, 3]),
    );
    const actual = await runKernel(backendName, spread, { x }, {});
    expect(actual.output.shape).toEqual([1, 4, 6, 1]);
    // prettier-ignore
    expect(Array.from(actual.output.values)).toEqual([
      1, 0, 0, 2, 0, 0,
      0, 0, 0, 0, 0, 0,
      3, 0, 0, 4, 0, 0,
      0, 0, 0, 0, 0, 0,
    ]);
  });
});
