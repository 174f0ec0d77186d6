import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { leadingAxesReductionByPooling, poolingLayoutFor } from "../../../runtime/kernels/leading-axes-sum.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";

const CASES = [
  { name: "conv bias gradient [n,h,w,c] over 0,1,2", shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: false },
  { name: "dense bias gradient [n,c] over 0", shape: [17, 5], axis: [0], keepDims: false },
  { name: "keepDims", shape: [3, 4, 5], axis: [0, 1], keepDims: true },
  { name: "axes given out of order", shape: [3, 4, 5], axis: [1, 0], keepDims: false },
  { name: "unit leading axis", shape: [1, 7, 2], axis: [0, 1], keepDims: false },
  { name: "inner axes (left to the original)", shape: [3, 4, 5], axis: [1, 2], keepDims: false },
  { name: "all axes (left to the original)", shape: [3, 4], axis: [0, 1], keepDims: false },
] as const;

const ownSum = new Map<string, tf.KernelFunc>();
const ownMean = new Map<string, tf.KernelFunc>();

beforeAll(async () => {
  await prepareBackends();
  for (const backendName of TESTED_BACKENDS) {
    ownSum.set(backendName, captureOwnKernel(tf.Sum, backendName)!);
    ownMean.set(backendName, captureOwnKernel(tf.Mean, backendName)!);
  }
});

describe.each(TESTED_BACKENDS)("leading-axes Sum by pooling on %s", (backendName) => {
  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, sumCase) => {
    const composed = leadingAxesReductionByPooling(backendName, "sum", ownSum.get(backendName)!);
    const inputs = { x: randomTensor(sumCase.shape, 51) };
    const attrs = { axis: [...sumCase.axis], keepDims: sumCase.keepDims };
    const expected = await runKernel("cpu", ownSum.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, expected.output.shape, expected.output.values);
  });
});

describe.each(TESTED_BACKENDS)("leading-axes Mean by pooling on %s", (backendName) => {
  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, meanCase) => {
    const composed = leadingAxesReductionByPooling(backendName, "mean", ownMean.get(backendName)!);
    const inputs = { x: randomTensor(meanCase.shape, 53) };
    const attrs = { axis: [...meanCase.axis], keepDims: meanCase.keepDims };
    const expected = await runKernel("cpu", ownMean.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, expected.output.shape, expected.output.values);
  });

  it("averages batch norm's moments of an [n, h, w, c] activation", async () => {
    const composed = leadingAxesReductionByPooling(backendName, "mean", ownMean.get(backendName)!);
    const inputs = { x: randomTensor([8, 7, 7, 16], 54) };
    const attrs = { axis: [0, 1, 2], keepDims: true };
    const expected = await runKernel("cpu", ownMean.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, [1, 1, 1, 16], expected.output.values);
  });
});

describe("poolingLayoutFor", () => {
  it("keeps the batch axis and pools height × width for NHWC", () => {
    expect(poolingLayoutFor([64, 26, 26, 32], [0, 1, 2])).toEqual({ batch: 64, window: [26, 26], channels: 32 });
  });

  it("pools a column when only the first axis is reduced", () => {
    expect(poolingLayoutFor([17, 5], [0])).toEqual({ batch: 1, window: [17, 1], channels: 5 });
  });

  it("declines reductions that are not over leading axes, or leave nothing to pool", () => {
    expect(poolingLayoutFor([3, 4, 5], [1, 2])).toBeUndefined();
    expect(poolingLayoutFor([3, 4], [0, 1])).toBeUndefined();
    expect(poolingLayoutFor([1, 4], [0])).toBeUndefined();
  });
});
