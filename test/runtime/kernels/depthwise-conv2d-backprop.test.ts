import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  depthwiseConv2dBackpropFilterByConv,
  depthwiseConv2dBackpropInputByConv,
} from "../../../runtime/kernels/depthwise-conv2d-backprop.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  prepareBackends,
  randomTensor,
  relativeError,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";
import { naiveDepthwiseFilterGradient, naiveDepthwiseInputGradient } from "./naive-gradients.js";

interface DepthwiseCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number;
  readonly dilations: number;
  readonly pad: "valid" | "same";
}

function depthwiseCases(): DepthwiseCase[] {
  const cases: DepthwiseCase[] = [];
  const images: [number, number, number, number][] = [
    [1, 6, 6, 1],
    [2, 7, 9, 3],
    [3, 8, 7, 4],
  ];
  const filters: [number, number][] = [
    [1, 1],
    [3, 3],
    [2, 3],
  ];
  // tfjs's depthwise gradient allows a stride or a dilation above 1, not both; the kernels take
  // both where the backend's forward depthwise convolution does (wasm, not cpu).
  const stridesAndDilations: [number, number][] = [
    [1, 1],
    [2, 1],
    [1, 2],
    [2, 2],
  ];
  for (const xShape of images) {
    for (const [height, width] of filters) {
      for (const [strides, dilations] of stridesAndDilations) {
        for (const pad of ["valid", "same"] as const) {
          for (const multiplier of [1, 2]) {
            const filterShape: [number, number, number, number] = [height, width, xShape[3], multiplier];
            const tooLarge = (height - 1) * dilations + 1 > xShape[1] || (width - 1) * dilations + 1 > xShape[2];
            if (pad === "valid" && tooLarge) continue;
            cases.push({
              name: `x ${xShape} filter ${filterShape} stride ${strides} dilation ${dilations} ${pad}`,
              xShape,
              filterShape,
              strides,
              dilations,
              pad,
            });
          }
        }
      }
    }
  }
  return cases;
}

function infoOf(depthwiseCase: DepthwiseCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    depthwiseCase.xShape,
    depthwiseCase.filterShape,
    depthwiseCase.strides,
    depthwiseCase.dilations,
    depthwiseCase.pad,
    undefined,
    true,
  );
}

function attrsOf(depthwiseCase: DepthwiseCase): tf.NamedAttrMap {
  return { strides: depthwiseCase.strides, dilations: depthwiseCase.dilations, pad: depthwiseCase.pad };
}

const CASES = depthwiseCases();
let cpuFilterGradient: tf.KernelFunc;
let cpuInputGradient: tf.KernelFunc;

beforeAll(async () => {
  await prepareBackends();
  cpuFilterGradient = captureOwnKernel(tf.DepthwiseConv2dNativeBackpropFilter, "cpu")!;
  cpuInputGradient = captureOwnKernel(tf.DepthwiseConv2dNativeBackpropInput, "cpu")!;
});

describe.each(TESTED_BACKENDS)("composed depthwise gradients on %s", (backendName) => {
  const filterGradient = depthwiseConv2dBackpropFilterByConv(backendName);
  const inputGradient = depthwiseConv2dBackpropInputByConv(backendName);
  const filterCases = CASES.filter((each) => backendName === "wasm" || each.strides === 1 || each.dilations === 1);

  it.each(filterCases.map((each) => [each.name, each] as const))(
    "filter gradient: %s",
    async (_name, depthwiseCase) => {
      const info = infoOf(depthwiseCase);
      const x = randomTensor(depthwiseCase.xShape, 11);
      const dy = randomTensor(info.outShape, 12);
      const attrs = { ...attrsOf(depthwiseCase), filterShape: depthwiseCase.filterShape };
      const actual = await runKernel(backendName, filterGradient, { x, dy }, attrs);
      const naive = naiveDepthwiseFilterGradient(x.values as Float32Array, dy.values as Float32Array, info);
      expectMatchesReference(actual, depthwiseCase.filterShape, naive);
      // cpu's own kernel ignores dilations, so it is a reference only without them.
      if (depthwiseCase.dilations === 1) {
        const cpu = await runKernel("cpu", cpuFilterGradient, { x, dy }, attrs);
        expect(relativeError(actual.output.values, cpu.output.values)).toBeLessThanOrEqual(1e-4);
      }
    },
  );

  it.each(CASES.map((each) => [each.name, each] as const))("input gradient: %s", async (_name, depthwiseCase) => {
    const info = infoOf(depthwiseCase);
    const dy = randomTensor(info.outShape, 13);
    const filter = randomTensor(depthwiseCase.filterShape, 14);
    const attrs = { ...attrsOf(depthwiseCase), inputShape: depthwiseCase.xShape };
    const actual = await runKernel(backendName, inputGradient, { dy, filter }, attrs);
    const naive = naiveDepthwiseInputGradient(dy.values as Float32Array, filter.values as Float32Array, info);
    expectMatchesReference(actual, depthwiseCase.xShape, naive);
    if (depthwiseCase.dilations === 1) {
      const cpu = await runKernel("cpu", cpuInputGradient, { dy, filter }, attrs);
      expect(relativeError(actual.output.values, cpu.output.values)).toBeLessThanOrEqual(1e-4);
    }
  });
});
