import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { maxPoolGradInJavaScript } from "../../../runtime/kernels/max-pool-grad.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  type PlainTensor,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";

interface PoolCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: "valid" | "same";
}

const CASES: readonly PoolCase[] = [
  { name: "2x2 stride 2 valid", xShape: [2, 8, 8, 3], filterSize: 2, strides: 2, pad: "valid" },
  {
    name: "2x2 stride 2 valid, odd size (last row unused)",
    xShape: [2, 7, 9, 2],
    filterSize: 2,
    strides: 2,
    pad: "valid",
  },
  { name: "3x3 stride 2 same (overlapping windows)", xShape: [1, 7, 6, 4], filterSize: 3, strides: 2, pad: "same" },
  { name: "3x2 stride [1,2] valid", xShape: [3, 6, 8, 1], filterSize: [3, 2], strides: [1, 2], pad: "valid" },
  { name: "3x3 stride 1 same", xShape: [2, 5, 5, 2], filterSize: 3, strides: 1, pad: "same" },
];

function outShapeOf(poolCase: PoolCase): number[] {
  return tf.backend_util.computePool2DInfo(poolCase.xShape, poolCase.filterSize, poolCase.strides, 1, poolCase.pad)
    .outShape;
}

/** Values that tie inside windows, and windows that are all negative or all zero. */
function tiesAndNegatives(shape: readonly number[]): PlainTensor {
  const size = tf.util.sizeFromShape([...shape]);
  const values = Float32Array.from({ length: size }, (_, index) => [-3, -1, -1, 0, 0, 2, 2, -5][(index * 5) % 8]);
  return { values, shape, dtype: "float32" };
}

let cpuMaxPoolGrad: tf.KernelFunc;

beforeAll(async () => {
  await prepareBackends();
  cpuMaxPoolGrad = captureOwnKernel(tf.MaxPoolGrad, "cpu")!;
});

describe.each(TESTED_BACKENDS)("JavaScript MaxPoolGrad on %s", (backendName) => {
  const composed = maxPoolGradInJavaScript(backendName, undefined);

  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, poolCase) => {
    const attrs = { filterSize: poolCase.filterSize, strides: poolCase.strides, pad: poolCase.pad };
    for (const input of [randomTensor(poolCase.xShape, 31), tiesAndNegatives(poolCase.xShape)]) {
      // MaxPoolGrad reads `output` only on some backends; pass a plausible one.
      const inputs = {
        dy: randomTensor(outShapeOf(poolCase), 32),
        input,
        output: randomTensor(outShapeOf(poolCase), 33),
      };
      const expected = await runKernel("cpu", cpuMaxPoolGrad, inputs, attrs);
      const actual = await runKernel(backendName, composed, inputs, attrs);
      expectMatchesReference(actual, poolCase.xShape, expected.output.values, 1e-6);
    }
  });
});

describe("wasm's own MaxPoolGrad, which the JavaScript kernel replaces", () => {
  it("routes gradient away from negative maxima and to the last tie (unlike cpu)", async () => {
    const ownWasm = captureOwnKernel(tf.MaxPoolGrad, "wasm")!;
    const input: PlainTensor = { values: Float32Array.of(-4, -3, -2, -1), shape: [1, 2, 2, 1], dtype: "float32" };
    const inputs = {
      dy: { values: Float32Array.of(1), shape: [1, 1, 1, 1], dtype: "float32" as const },
      input,
      output: input,
    };
    const attrs = { filterSize: 2, strides: 2, pad: "valid" };
    const cpu = await runKernel("cpu", cpuMaxPoolGrad, inputs, attrs);
    const wasm = await runKernel("wasm", ownWasm, inputs, attrs);
    expect(Array.from(cpu.output.values)).toEqual([0, 0, 0, 1]);
    expect(Array.from(wasm.output.values)).not.toEqual([0, 0, 0, 1]);
  });
});
