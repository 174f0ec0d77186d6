/**
 * The one catalogue of composed training kernels: which kernel, on which backend, and
 * why. `registerTrainingKernels` installs them (remembering what they replace) and
 * `unregisterTrainingKernels` puts the backend's own kernels back.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_STEP, adamStepKernel } from "./adam-step.js";
import { batchMatMulWithExplicitTransposes } from "./batch-mat-mul.js";
import { conv2dBackpropFilterByConv } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputByConv } from "./conv2d-backprop-input.js";
import {
  depthwiseConv2dBackpropFilterByConv,
  depthwiseConv2dBackpropInputByConv,
} from "./depthwise-conv2d-backprop.js";
import { gatherByRowCopies } from "./gather.js";
import { identityBySharing } from "./identity.js";
import { leadingAxesReductionByPooling } from "./leading-axes-sum.js";
import { maxPoolGradInJavaScript } from "./max-pool-grad.js";
import { tileByBlockCopies } from "./tile.js";
import { unsortedSegmentSumByScatter } from "./unsorted-segment-sum.js";

/** One composed kernel and the backends it is installed on. */
interface TrainingKernel {
  readonly kernelName: string;
  /** Backends whose own kernel is missing or slower than the composition. */
  readonly backends: readonly string[];
  /** Builds the kernel for a backend; `original` is that backend's own kernel, if it has one. */
  readonly build: (backendName: string, original: tf.KernelFunc | undefined) => tf.KernelFunc;
}

// Timings behind each choice: bench/kernels.ts (2-core machine, batch-64 CNN shapes).
const TRAINING_KERNELS: readonly TrainingKernel[] = [
  // wasm lacks it; on cpu the composition is 20–40× faster than cpu's loops.
  {
    kernelName: tf.Conv2DBackpropFilter,
    backends: ["wasm", "cpu"],
    build: conv2dBackpropFilterByConv,
  },
  // wasm's own kernel is a plain loop (~6× slower at stride 1, ~3× at stride 2 on dense dy); cpu's own is faster.
  {
    kernelName: tf.Conv2DBackpropInput,
    backends: ["wasm"],
    build: (backendName, original) => conv2dBackpropInputByConv(backendName, { maxStride: 2, original }),
  },
  // wasm lacks both; cpu's filter gradient is ~10× slower than the composition, its input gradient faster.
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backends: ["wasm", "cpu"],
    build: depthwiseConv2dBackpropFilterByConv,
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backends: ["wasm"],
    build: depthwiseConv2dBackpropInputByConv,
  },
  // wasm lacks it; cpu's own makes one pass per segment (seconds for an embedding's vocabulary).
  {
    kernelName: tf.UnsortedSegmentSum,
    backends: ["wasm", "cpu"],
    build: unsortedSegmentSumByScatter,
  },
  // wasm's own misroutes the gradient of windows whose maximum is ≤ 0 (and is ~3× slower); cpu's own ~40×.
  {
    kernelName: tf.MaxPoolGrad,
    backends: ["wasm", "cpu"],
    build: maxPoolGradInJavaScript,
  },
  // Both backends transpose before reducing leading axes; pooling reads in place (~4× wasm, ~10× cpu).
  {
    kernelName: tf.Sum,
    backends: ["wasm", "cpu"],
    build: (backendName, original) =>
      leadingAxesReductionByPooling(backendName, "sum", requireOriginal(tf.Sum, original)),
  },
  // Batch normalisation's moments in every training step: the same layout as Sum.
  {
    kernelName: tf.Mean,
    backends: ["wasm", "cpu"],
    build: (backendName, original) =>
      leadingAxesReductionByPooling(backendName, "mean", requireOriginal(tf.Mean, original)),
  },
  // wasm's own computes every element's source index (~130 ns an element); batch norm's
  // gradient tiles [1, 1, 1, c] to the whole activation each step. Block copies instead.
  {
    kernelName: tf.Tile,
    backends: ["wasm", "cpu"],
    build: (_backendName, original) => tileByBlockCopies(original),
  },
  // wasm's own copies the tensor (cpu's already shares): every `add` layer clones its first input.
  { kernelName: tf.Identity, backends: ["wasm"], build: (_backendName, original) => identityBySharing(original) },
  // Every step gathers its batch from the training split: wasm's own computes each element's
  // source index (4.5 ms for 64 MNIST rows), cpu's reads element by element. Row copies instead.
  { kernelName: tf.GatherV2, backends: ["wasm", "cpu"], build: gatherByRowCopies },
  // Not a replacement: Adam's update of one variable in one pass, for runtime/fused-adam.ts
  // (TF.js's Adam runs 14 kernels a variable, a fixed cost of ~1 ms an MLP step on wasm).
  { kernelName: ADAM_STEP, backends: ["wasm", "cpu"], build: (backendName) => adamStepKernel(backendName) },
  // wasm computes transposed products in a scalar loop (~10× slower than XNNPACK).
  {
    kernelName: tf.BatchMatMul,
    backends: ["wasm"],
    build: (backendName, original) =>
      batchMatMulWithExplicitTransposes(backendName, requireOriginal(tf.BatchMatMul, original)),
  },
];

function requireOriginal(kernelName: string, original: tf.KernelFunc | undefined): tf.KernelFunc {
  if (original === undefined) throw new Error(`'${kernelName}' wraps the backend's own kernel, which is missing`);
  return original;
}

/** What an installed composition replaced, to tell ours apart and to restore theirs. */
interface Replacement {
  readonly original: tf.KernelConfig | undefined;
  readonly installed: tf.KernelFunc;
}

const replacements = new Map<string, Replacement>();

function replacementKey(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

function registeredKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  // getKernel is typed as always found; at runtime it returns undefined for a missing kernel.
  return tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined;
}

/** Names of the kernels composed for `backendName` (empty for backends that need none, e.g. tfjs-node). */
export function trainingKernelNames(backendName: string): readonly string[] {
  return TRAINING_KERNELS.filter((kernel) => kernel.backends.includes(backendName)).map((kernel) => kernel.kernelName);
}

/**
 * Installs the composed training kernels for `backendName` and returns their names.
 * Idempotent: kernels already installed are left as they are.
 */
export function registerTrainingKernels(backendName: string): readonly string[] {
  for (const kernel of TRAINING_KERNELS) {
    if (!kernel.backends.includes(backendName)) continue;
    const key = replacementKey(kernel.kernelName, backendName);
    const current = registeredKernel(kernel.kernelName, backendName);
    const existing = replacements.get(key);
    if (existing !== undefined && current?.kernelFunc === existing.installed) continue;
    const installed = kernel.build(backendName, current?.kernelFunc);
    // Unregister first: registering over a kernel prints a warning. The original's setup
    // (wasm binds its C++ entry point there) is kept, in case the backend initialises later.
    if (current !== undefined) tf.unregisterKernel(kernel.kernelName, backendName);
    tf.registerKernel({
      ...current,
      kernelName: kernel.kernelName,
      backendName,
      kernelFunc: installed,
    });
    replacements.set(key, { original: current, installed });
  }
  return trainingKernelNames(backendName);
}

/** Removes the composed kernels from `backendName` and re-registers the backend's own ones. */
export function unregisterTrainingKernels(backendName: string): void {
  for (const kernel of TRAINING_KERNELS) {
    const key = replacementKey(kernel.kernelName, backendName);
    const replacement = replacements.get(key);
    if (replacement === undefined) continue;
    if (registeredKernel(kernel.kernelName, backendName)?.kernelFunc === replacement.installed) {
      tf.unregisterKernel(kernel.kernelName, backendName);
      if (replacement.original !== undefined) tf.registerKernel(replacement.original);
    }
    replacements.delete(key);
  }
}
