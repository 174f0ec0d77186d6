/**
 * `UnsortedSegmentSum` (the gradient of gather, hence of embedding layers) as one
 * `ScatterNd`, which sums the rows that share an index. The wasm backend lacks it.
 * Like gather itself, it expects segment ids in [0, numSegments).
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, requireInput } from "./composition.js";

/** Builds the composed `UnsortedSegmentSum` for `backendName` (segment ids of any rank). */
export function unsortedSegmentSumByScatter(backendName: string): tf.KernelFunc {
  return composeKernel(backendName, (composition, inputs, attrs) => {
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const x = requireInput(inputs, "x");
    const segmentIds = requireInput(inputs, "segmentIds");
    // segmentIds' shape is a prefix of x's: flatten it to one index per row of x.
    const rowCount = tf.util.sizeFromShape(segmentIds.shape);
    const rowShape = x.shape.slice(segmentIds.shape.length);
    const indices = composition.reshape(segmentIds, [rowCount, 1]);
    const rows = composition.reshape(x, [rowCount, ...rowShape]);
    return composition.scatterNd(indices, rows, [numSegments, ...rowShape]);
  });
}
