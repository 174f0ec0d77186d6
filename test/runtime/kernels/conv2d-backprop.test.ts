import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { conv2dBackpropFilterByConv } from "../../../runtime/kernels/conv2d-backprop-filter.js";
import { conv2dBackpropInputByConv } from "../../../runtime/kernels/conv2d-backprop-input.js";
import {
  captureOwnKernel,
  expectMatchesReference,
  prepareBackends,
  randomTensor,
  runKernel,
  TESTED_BACKENDS,
} from "./kernel-harness.js";

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  readonly name: string;
  readonly xShape: [number, number, number, number];
  readonly filterShape: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dataFormat: "NHWC" | "NCHW";
}

function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  const images: [number, number, number, number][] = [
    [1, 5, 5, 1],
    [2, 7, 8, 3],
    [3, 6, 9, 4],
    // More than four input channels: the filter gradient's convolution route (≤ 4 takes im2col patches).
    [2, 6, 7, 6],
  ];
  const filters: [number, number][] = [
    [1, 1],
    [2, 3],
    [3, 3],
  ];
  const strides: (number | [number, number])[] = [1, 2, [1, 2]];
  const pads: Pad[] = [
    "valid",
    "same",
    [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  ];
  images.forEach((xShape, imageIndex) =>
    filters.forEach(([height, width]) =>
      strides.forEach((stride) =>
        pads.forEach((pad) => {
          const filterShape: [number, number, number, number] = [height, width, xShape[3], 2 + imageIndex * 3];
          cases.push({
            name: `x ${xShape} filter ${filterShape} stride ${stride} pad ${JSON.stringify(pad)}`,
            xShape,
            filterShape,
            strides: stride,
            pad,
            dataFormat: "NHWC",
          });
        }),
      ),
    ),
  );
  cases.push({
    name: "NCHW x [2,3,7,8] filter [3,2,3,5] stride 2 explicit pad",
    xShape: [2, 3, 7, 8],
    filterShape: [3, 2, 3, 5],
    strides: 2,
    pad: [
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 1],
    ],
    dataFormat: "NCHW",
  });
  cases.push({
    name: "numeric pad 1 with floor rounding",
    xShape: [2, 6, 7, 2],
    filterShape: [3, 3, 2, 3],
    strides: 2,
    pad: 1,
    dataFormat: "NHWC",
  });
  return cases;
}

function dyShapeOf(convCase: ConvCase): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    convCase.xShape,
    convCase.filterShape,
    convCase.strides,
    1,
    convCase.pad,
    typeof convCase.pad === "number" ? "floor" : undefined,
    false,
    convCase.dataFormat === "NCHW" ? "channelsFirst" : "channelsLast",
  );
  return info.outShape;
}

function attrsOf(convCase: ConvCase): tf.NamedAttrMap {
  return {
    strides: convCase.strides,
    pad: convCase.pad,
    dataFormat: convCase.dataFormat,
    ...(typeof convCase.pad === "number" ? { dimRoundingMode: "floor" } : {}),
  };
}

const CASES = convCases();
let cpuFilterGradient: tf.KernelFunc;
let cpuInputGradient: tf.KernelFunc;

beforeAll(async () => {
  await prepareBackends();
  cpuFilterGradient = captureOwnKernel(tf.Conv2DBackpropFilter, "cpu")!;
  cpuInputGradient = captureOwnKernel(tf.Conv2DBackpropInput, "cpu")!;
});

describe.each(TESTED_BACKENDS)("composed Conv2DBackpropFilter on %s", (backendName) => {
  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, convCase) => {
    const inputs = { x: randomTensor(convCase.xShape, 1), dy: randomTensor(dyShapeOf(convCase), 2) };
    const attrs = { ...attrsOf(convCase), filterShape: convCase.filterShape };
    const expected = await runKernel("cpu", cpuFilterGradient, inputs, attrs);
    const actual = await runKernel(backendName, conv2dBackpropFilterByConv(backendName), inputs, attrs);
    expectMatchesReference(actual, convCase.filterShape, expected.output.values);
  });
});

describe.each(TESTED_BACKENDS)("composed Conv2DBackpropInput on %s", (backendName) => {
  // maxStride 4 sends strided cases through the zero-spread composition too.
  const composed = conv2dBackpropInputByConv(backendName, { maxStride: 4 });

  it.each(CASES.map((each) => [each.name, each] as const))("matches cpu's own kernel: %s", async (_name, convCase) => {
    const inputs = { dy: randomTensor(dyShapeOf(convCase), 3), filter: randomTensor(convCase.filterShape, 4) };
    const attrs = { ...attrsOf(convCase), inputShape: convCase.xShape };
    const expected = await runKernel("cpu", cpuInputGradient, inputs, attrs);
    const actual = await runKernel(backendName, composed, inputs, attrs);
    expectMatchesReference(actual, convCase.xShape, expected.output.values);
  });

  it("hands strides above maxStride to the original kernel", async () => {
    const calls: number[] = [];
    const original: tf.KernelFunc = (args) => {
      calls.push(1);
      return cpuInputGradient(args);
    };
    const strideOneOnly = conv2dBackpropInputByConv(backendName, { maxStride: 1, original });
    const convCase = CASES.find((each) => each.strides === 2 && each.pad === "same")!;
    const inputs = { dy: randomTensor(dyShapeOf(convCase), 5), filter: randomTensor(convCase.filterShape, 6) };
    await runKernel("cpu", strideOneOnly, inputs, { ...attrsOf(convCase), inputShape: convCase.xShape });
    expect(calls).toHaveLength(1);
  });
});
