import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, it } from "vitest";
import { unsortedSegmentSumByScatter } from "../../../runtime/kernels/unsorted-segment-sum.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  type PlainTensor,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";

function segmentIds(shape: readonly number[], numSegments: number, seed: number): PlainTensor {
  const size = tf.util.sizeFromShape([...shape]);
  // Repeated ids on purpose: rows sharing a segment must be summed.
  const values = Int32Array.from({ length: size }, (_, index) => (index * 7 + seed) % numSegments);
  return { values, shape, dtype: "int32" };
}

const CASES = [
  { name: "rows of 4 into 5 segments", xShape: [12, 4], idsShape: [12], numSegments: 5 },
  { name: "2-d ids (embedding batch × sequence)", xShape: [3, 6, 8], idsShape: [3, 6], numSegments: 10 },
  { name: "scalar rows", xShape: [9], idsShape: [9], numSegments: 3 },
  { name: "more segments than rows (empty segments are zero)", xShape: [4, 2, 3], idsShape: [4], numSegments: 11 },
] as const;

let cpuSegmentSum: tf.KernelFunc;

beforeAll(async () => {
  await prepareBackends();
  cpuSegmentSum = captureOwnKernel(tf.UnsortedSegmentSum, "cpu")!;
});

describe.each(TESTED_BACKENDS)("composed UnsortedSegmentSum on %s", (backendName) => {
  const composed = unsortedSegmentSumByScatter(backendName);

  it.each(CASES.map((each) => [each.name, each] as const))(
    "matches cpu's own kernel: %s",
    async (_name, segmentCase) => {
      const inputs = {
        x: randomTensor(segmentCase.xShape, 21),
        segmentIds: segmentIds(segmentCase.idsShape, segmentCase.numSegments, 3),
      };
      const attrs = { numSegments: segmentCase.numSegments };
      // cpu's own kernel mishandles ids of rank > 1, so its reference gets them flattened.
      const rowCount = inputs.segmentIds.values.length;
      const flattened = {
        x: { ...inputs.x, shape: [rowCount, ...segmentCase.xShape.slice(segmentCase.idsShape.length)] },
        segmentIds: { ...inputs.segmentIds, shape: [rowCount] },
      };
      const expected = await runKernel("cpu", cpuSegmentSum, flattened, attrs);
      const actual = await runKernel(backendName, composed, inputs, attrs);
      const shape = [segmentCase.numSegments, ...segmentCase.xShape.slice(segmentCase.idsShape.length)];
      expectMatchesReference(actual, shape, expected.output.values);
    },
  );
});
