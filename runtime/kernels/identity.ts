/**
 * `Identity` (`tf.clone`, and every `add` layer's first step) sharing its input's data,
 * as the cpu backend's own kernel and wasm's `Reshape` do. wasm's own copies the tensor:
 * ~20 ms a step in a batch-128 residual network at 28×28×32. No kernel writes into its
 * inputs and variables are reassigned, never written in place, so sharing is safe.
 */
import type * as tf from "@tensorflow/tfjs";
import { requireInput } from "./composition.js";

/** Builds the sharing `Identity`; string tensors (kept outside the heap) go to `original`. */
export function identityBySharing(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const x = requireInput(args.inputs, "x");
    if (x.dtype === "string" || x.dtype === "complex64") {
      if (original === undefined) throw new Error(`Identity of ${x.dtype} tensors needs the backend's own kernel`);
      return original(args);
    }
    (args.backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}
