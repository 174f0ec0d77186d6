import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { batchMatMulWithExplicitTransposes, chooseProductRoute } from "../../../runtime/kernels/batch-mat-mul.js";
import { captureOwnKernel, expectMatchesReference, prepareBackends, randomTensor, runKernel } from "./kernel-harness.js";

const CASES = [
  { name: "dense dW: xᵀ·dy", aShape: [1, 64, 100], bShape: [1, 64, 12], transposeA: true, transposeB: false },
  { name: "dense dx: dy·Wᵀ", aShape: [1, 16, 12], bShape: [1, 100, 12], transposeA: false, transposeB: true },
  { name: "both transposed", aShape: [7, 5], bShape: [3, 7], transposeA: true, transposeB: true },
  { name: "rank 2, no batch axis", aShape: [9, 4], bShape: [6, 4], transposeA: false, transposeB: true },
  { name: "batched (left to the original)", aShape: [3, 4, 5], bShape: [3, 4, 2], transposeA: true, transposeB: false },
  {
    name: "untransposed (left to the original)",
    aShape: [1, 4, 5],
    bShape: [1, 5, 3],
    transposeA: false,
    transposeB: false,
  },
] as const;

let ownWasm: tf.KernelFunc;
let ownCpu: tf.KernelFunc;

beforeAll(async () => {
  await prepareBackends();
  ownWasm = captureOwnKernel(tf.BatchMatMul, "wasm")!;
  ownCpu = captureOwnKernel(tf.BatchMatMul, "cpu")!;
});

describe("BatchMatMul with explicit transposes on wasm", () => {
  it.each(CASES.map((each) => [each.name, each] as const))(
    "matches cpu's own kernel: %s",
    async (_name, productCase) => {
      const composed = batchMatMulWithExplicitTransposes("wasm", ownWasm);
      const inputs = { a: randomTensor(productCase.aShape, 41), b: randomTensor(productCase.bShape, 42) };
      const attrs = { transposeA: productCase.transposeA, transposeB: productCase.transposeB };
      const expected = await runKernel("cpu", ownCpu, inputs, attrs);
      const actual = await runKernel("wasm", composed, inputs, attrs);
      expectMatchesReference(actual, expected.output.shape, expected.output.values);
    },
  );
});

describe("chooseProductRoute", () => {
  it("packs the small gradient instead of a large weight matrix (dense dx)", () => {
    expect(chooseProductRoute({ m: 64, k: 128, n: 1600, transposeA: false, transposeB: true })).toBe("swapped");
  });

  it("keeps the direct route when the packed operand is already the small one (dense dW)", () => {
    expect(chooseProductRoute({ m: 1600, k: 64, n: 128, transposeA: true, transposeB: false })).toBe("direct");
  });
});
