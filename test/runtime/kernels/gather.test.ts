import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { gatherByRowCopies } from "../../../runtime/kernels/gather.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
  type PlainTensor,
} from "./kernel-harness.js";

const indexTensor = (values: readonly number[], shape: readonly number[] = [values.length]): PlainTensor => ({
  values: Int32Array.from(values),
  shape,
  dtype: "int32",
});

const CASES = [
  { name: "a batch of MNIST rows", shape: [50, 784], indices: indexTensor([7, 0, 49, 3, 3, 12]), axis: 0 },
  { name: "images, rank 4", shape: [20, 6, 5, 3], indices: indexTensor([19, 2, 2, 0]), axis: 0 },
  { name: "short rows (element copies)", shape: [30, 3], indices: indexTensor([1, 29, 4]), axis: 0 },
  { name: "labels, rank 1", shape: [40], indices: indexTensor([39, 0, 5, 5]), axis: 0 },
  { name: "a middle axis", shape: [4, 10, 20], indices: indexTensor([9, 0, 3]), axis: 1 },
  { name: "the last axis", shape: [5, 6, 7], indices: indexTensor([6, 1]), axis: -1 },
  { name: "indices of rank 2", shape: [12, 17], indices: indexTensor([1, 2, 3, 11, 0, 4], [2, 3]), axis: 0 },
  { name: "no indices", shape: [8, 17], indices: indexTensor([]), axis: 0 },
] as const;

const ownGather = new Map<string, tf.KernelFunc>();

beforeAll(async () => {
  await prepareBackends();
  for (const backendName of TESTED_BACKENDS) ownGather.set(backendName, captureOwnKernel(tf.GatherV2, backendName)!);
});

describe.each(TESTED_BACKENDS)("GatherV2 by row copies on %s", (backendName) => {
  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel exactly: %s", async (_name, gatherCase) => {
    const composed = gatherByRowCopies(backendName, ownGather.get(backendName));
    const inputs = { x: randomTensor(gatherCase.shape, 11), indices: gatherCase.indices };
    const attrs = { axis: gatherCase.axis, batchDims: 0 };
    const expected = await runKernel("cpu", ownGather.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, expected.output.shape, expected.output.values, 0);
  });

  it("gathers int32 values exactly", async () => {
    const composed = gatherByRowCopies(backendName, ownGather.get(backendName));
    const x: PlainTensor = { values: Int32Array.of(10, 11, 20, 21, 30, 31), shape: [3, 2], dtype: "int32" };
    const actual = await runKernel(backendName, composed, { x, indices: indexTensor([2, 0, 2]) }, { axis: 0, batchDims: 0 });
    expect(actual.output.dtype).toBe("int32");
    expect([...actual.output.values]).toEqual([30, 31, 10, 11, 30, 31]);
  });

  it("refuses an index outside the axis, as TF.js's kernels do", async () => {
    const composed = gatherByRowCopies(backendName, ownGather.get(backendName));
    const inputs = { x: randomTensor([4, 3], 1), indices: indexTensor([1, 4]) };
    await expect(runKernel(backendName, composed, inputs, { axis: 0, batchDims: 0 })).rejects.toThrow(
      "GatherV2: the index value 4 is not in [0, 3]",
    );
  });

  it("leaves batchDims to the backend's own kernel", async () => {
    let delegated = 0;
    const own = ownGather.get(backendName)!;
    const composed = gatherByRowCopies(backendName, (args) => (delegated++, own(args)));
    const inputs = { x: randomTensor([2, 5, 3], 3), indices: indexTensor([4, 0, 1, 1], [2, 2]) };
    const attrs = { axis: 1, batchDims: 1 };
    const expected = await runKernel("cpu", ownGather.get("cpu")!, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expect(delegated).toBe(1);
    expectMatchesReference(actual, expected.output.shape, expected.output.values, 0);
  });
});
