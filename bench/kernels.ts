/**
 * Per-kernel timings: each composed training kernel against the backend's own kernel
 * (where it has one), on the shapes of the small MNIST CNN and a few others.
 * Every call gets freshly written inputs, as in training, so XNNPACK's per-filter
 * cache never hides the cost of packing.
 *
 *   npx tsx bench/kernels.ts [--json] [--backend wasm|cpu]
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../runtime/backend.js";
import { registerTrainingKernels, unregisterTrainingKernels } from "../runtime/kernels/register.js";
import { median } from "./measure.js";

/** One kernel call to time. */
interface KernelCase {
  readonly label: string;
  readonly kernelName: string;
  readonly inputs: () => Record<string, tf.Tensor>;
  readonly attrs: tf.NamedAttrMap;
  /** cpu's own kernel is too slow to time on this case. */
  readonly skipCpuOriginal?: boolean;
}

const CASES: readonly KernelCase[] = [
  {
    label: "conv1 filter grad 3x3 s1 valid [64,28,28,1]→32",
    kernelName: tf.Conv2DBackpropFilter,
    inputs: () => ({ x: tf.randomNormal([64, 28, 28, 1]), dy: tf.randomNormal([64, 26, 26, 32]) }),
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 1, 32] },
  },
  {
    label: "conv2 filter grad 3x3 s1 valid [64,13,13,32]→64",
    kernelName: tf.Conv2DBackpropFilter,
    inputs: () => ({ x: tf.randomNormal([64, 13, 13, 32]), dy: tf.randomNormal([64, 11, 11, 64]) }),
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", filterShape: [3, 3, 32, 64] },
    skipCpuOriginal: true,
  },
  {
    label: "filter grad 3x3 s2 same [32,16,16,16]→32",
    kernelName: tf.Conv2DBackpropFilter,
    inputs: () => ({ x: tf.randomNormal([32, 16, 16, 16]), dy: tf.randomNormal([32, 8, 8, 32]) }),
    attrs: { strides: 2, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 16, 32] },
  },
  {
    label: "conv2 input grad 3x3 s1 valid",
    kernelName: tf.Conv2DBackpropInput,
    inputs: () => ({ dy: tf.randomNormal([64, 11, 11, 64]), filter: tf.randomNormal([3, 3, 32, 64]) }),
    attrs: { strides: 1, pad: "valid", dataFormat: "NHWC", inputShape: [64, 13, 13, 32] },
  },
  {
    label: "input grad 3x3 s2 same [32,16,16,16]←32",
    kernelName: tf.Conv2DBackpropInput,
    inputs: () => ({ dy: tf.randomNormal([32, 8, 8, 32]), filter: tf.randomNormal([3, 3, 16, 32]) }),
    attrs: { strides: 2, pad: "same", dataFormat: "NHWC", inputShape: [32, 16, 16, 16] },
  },
  {
    label: "depthwise filter grad 3x3 s1 same [32,16,16,32]",
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    inputs: () => ({ x: tf.randomNormal([32, 16, 16, 32]), dy: tf.randomNormal([32, 16, 16, 32]) }),
    attrs: { strides: 1, pad: "same", dilations: 1, filterShape: [3, 3, 32, 1] },
  },
  {
    label: "depthwise input grad 3x3 s2 same [32,16,16,32]",
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    inputs: () => ({ dy: tf.randomNormal([32, 8, 8, 32]), filter: tf.randomNormal([3, 3, 32, 1]) }),
    attrs: { strides: 2, pad: "same", dilations: 1, inputShape: [32, 16, 16, 32] },
  },
  {
    label: "segment sum 1280 rows of 32 into 1000",
    kernelName: tf.UnsortedSegmentSum,
    inputs: () => ({ x: tf.randomNormal([1280, 32]), segmentIds: tf.randomUniform([1280], 0, 1000, "int32") }),
    attrs: { numSegments: 1000 },
  },
  {
    label: "max-pool grad 2x2 [64,26,26,32]",
    kernelName: tf.MaxPoolGrad,
    inputs: () => ({ dy: tf.randomNormal([64, 13, 13, 32]), input: tf.randomNormal([64, 26, 26, 32]) }),
    attrs: { filterSize: 2, strides: 2, pad: "valid" },
  },
  {
    label: "dense dW: [64,1600]ᵀ·[64,128]",
    kernelName: tf.BatchMatMul,
    inputs: () => ({ a: tf.randomNormal([1, 64, 1600]), b: tf.randomNormal([1, 64, 128]) }),
    attrs: { transposeA: true, transposeB: false },
  },
  {
    label: "dense dx: [64,128]·[1600,128]ᵀ",
    kernelName: tf.BatchMatMul,
    inputs: () => ({ a: tf.randomNormal([1, 64, 128]), b: tf.randomNormal([1, 1600, 128]) }),
    attrs: { transposeA: false, transposeB: true },
  },
  {
    label: "bias grad: sum [64,26,26,32] over 0,1,2",
    kernelName: tf.Sum,
    inputs: () => ({ x: tf.randomNormal([64, 26, 26, 32]) }),
    attrs: { axis: [0, 1, 2], keepDims: false },
  },
  {
    label: "batch-norm moments: mean [128,28,28,32] over 0,1,2",
    kernelName: tf.Mean,
    inputs: () => ({ x: tf.randomNormal([128, 28, 28, 32]) }),
    attrs: { axis: [0, 1, 2], keepDims: true },
  },
  {
    label: "batch-norm gradient: tile [1,1,1,32] to [128,28,28,32]",
    kernelName: tf.Tile,
    inputs: () => ({ x: tf.randomNormal([1, 1, 1, 32]) }),
    attrs: { reps: [128, 28, 28, 1] },
  },
  {
    label: "add layer's clone: identity [128,28,28,32]",
    kernelName: tf.Identity,
    inputs: () => ({ x: tf.randomNormal([128, 28, 28, 32]) }),
    attrs: {},
  },
  {
    label: "a batch's rows: gather 64 of [6400,784]",
    kernelName: tf.GatherV2,
    inputs: () => ({
      x: tf.randomNormal([6400, 784]),
      indices: tf.tensor1d(Array.from({ length: 64 }, (_, row) => (row * 97) % 6400), "int32"),
    }),
    attrs: { axis: 0, batchDims: 0 },
  },
];

/** Timings of one case on one backend, in milliseconds (medians). */
interface CaseTiming {
  readonly backend: string;
  readonly label: string;
  readonly originalMs: number | null;
  readonly composedMs: number | null;
}

const REPEATS = 7;

/** Median time of `kernelFunc` on fresh inputs; only the kernel call is timed. */
function timeKernel(kernelFunc: tf.KernelFunc, kernelCase: KernelCase, repeats: number): number {
  const backend = tf.backend();
  const samples: number[] = [];
  for (let repeat = 0; repeat <= repeats; repeat++) {
    const inputs = kernelCase.inputs();
    const start = performance.now();
    const output = kernelFunc({ inputs, backend, attrs: kernelCase.attrs });
    const elapsed = performance.now() - start;
    for (const each of Array.isArray(output) ? output : [output]) backend.disposeData(each.dataId);
    tf.dispose(Object.values(inputs));
    if (repeat > 0) samples.push(elapsed); // the first call warms up
  }
  return median(samples);
}

async function timeBackend(backendName: "wasm" | "cpu"): Promise<CaseTiming[]> {
  await initBackend(backendName);
  unregisterTrainingKernels(backendName);
  const originals = new Map(
    CASES.map((each) => [each.kernelName, tf.getKernel(each.kernelName, backendName) as tf.KernelConfig | undefined]),
  );
  const composedNames = registerTrainingKernels(backendName);
  const timings: CaseTiming[] = [];
  for (const kernelCase of CASES) {
    const original = originals.get(kernelCase.kernelName);
    const composed = composedNames.includes(kernelCase.kernelName)
      ? tf.getKernel(kernelCase.kernelName, backendName)
      : undefined;
    const skipOriginal = backendName === "cpu" && kernelCase.skipCpuOriginal === true;
    // cpu's own loops are slow: fewer repeats keep the whole bench short.
    const repeats = backendName === "cpu" ? 1 : REPEATS;
    timings.push({
      backend: backendName,
      label: kernelCase.label,
      originalMs: original === undefined || skipOriginal ? null : timeKernel(original.kernelFunc, kernelCase, repeats),
      composedMs: composed === undefined ? null : timeKernel(composed.kernelFunc, kernelCase, repeats),
    });
  }
  return timings;
}

function formatMs(ms: number | null): string {
  return (ms === null ? "—" : ms.toFixed(2)).padStart(9);
}

async function main(): Promise<void> {
  const asJson = process.argv.includes("--json");
  const backendFlag = process.argv.indexOf("--backend");
  const backends = backendFlag >= 0 ? [process.argv[backendFlag + 1] as "wasm" | "cpu"] : (["wasm", "cpu"] as const);
  const timings: CaseTiming[] = [];
  for (const backendName of backends) timings.push(...(await timeBackend(backendName)));
  if (asJson) {
    console.log(JSON.stringify(timings, null, 2));
    return;
  }
  console.log(`${"backend".padEnd(6)} ${"case".padEnd(50)} ${"own ms".padStart(9)} ${"ours ms".padStart(9)}`);
  for (const timing of timings) {
    console.log(
      `${timing.backend.padEnd(6)} ${timing.label.padEnd(50)} ${formatMs(timing.originalMs)} ${formatMs(timing.composedMs)}`,
    );
  }
}

await main();
