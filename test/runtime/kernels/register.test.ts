import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  registerTrainingKernels,
  trainingKernelNames,
  unregisterTrainingKernels,
} from "../../../runtime/kernels/register.js";
import { captureOwnKernel, prepareBackends } from "./kernel-harness.js";

const MISSING_ON_WASM = [
  tf.Conv2DBackpropFilter,
  tf.UnsortedSegmentSum,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.DepthwiseConv2dNativeBackpropInput,
];

beforeAll(prepareBackends);

afterEach(() => {
  unregisterTrainingKernels("wasm");
  unregisterTrainingKernels("cpu");
});

describe("registerTrainingKernels", () => {
  it("fills the gaps in wasm's kernel registry", () => {
    for (const kernelName of MISSING_ON_WASM) expect(captureOwnKernel(kernelName, "wasm")).toBeUndefined();
    const names = registerTrainingKernels("wasm");
    expect(names).toEqual(expect.arrayContaining(MISSING_ON_WASM));
    for (const kernelName of names) expect(captureOwnKernel(kernelName, "wasm")).toBeTypeOf("function");
  });

  it("is idempotent: a second call keeps the installed kernels", () => {
    registerTrainingKernels("wasm");
    const first = trainingKernelNames("wasm").map((name) => captureOwnKernel(name, "wasm"));
    registerTrainingKernels("wasm");
    expect(trainingKernelNames("wasm").map((name) => captureOwnKernel(name, "wasm"))).toEqual(first);
  });

  it("replaces cpu's slow kernels without the duplicate-registration warning", () => {
    const own = captureOwnKernel(tf.Conv2DBackpropFilter, "cpu");
    const warn = vi.spyOn(console, "warn");
    expect(registerTrainingKernels("cpu")).toEqual(
      expect.arrayContaining([tf.Conv2DBackpropFilter, tf.UnsortedSegmentSum, tf.MaxPoolGrad]),
    );
    expect(trainingKernelNames("cpu")).not.toContain(tf.Conv2DBackpropInput);
    expect(captureOwnKernel(tf.Conv2DBackpropFilter, "cpu")).not.toBe(own);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("installs nothing for a backend that needs nothing (tfjs-node)", () => {
    expect(registerTrainingKernels("tensorflow")).toEqual([]);
  });
});

describe("unregisterTrainingKernels", () => {
  it("puts cpu's own kernel back", () => {
    const own = captureOwnKernel(tf.Conv2DBackpropFilter, "cpu");
    registerTrainingKernels("cpu");
    unregisterTrainingKernels("cpu");
    expect(captureOwnKernel(tf.Conv2DBackpropFilter, "cpu")).toBe(own);
  });

  it("leaves wasm without the kernels it never had", () => {
    const ownBatchMatMul = captureOwnKernel(tf.BatchMatMul, "wasm");
    registerTrainingKernels("wasm");
    unregisterTrainingKernels("wasm");
    for (const kernelName of MISSING_ON_WASM) expect(captureOwnKernel(kernelName, "wasm")).toBeUndefined();
    expect(captureOwnKernel(tf.BatchMatMul, "wasm")).toBe(ownBatchMatMul);
  });
});
