/**
 * Direct access to float32 tensor memory on the two backends DLM trains on without
 * native TensorFlow: wasm (the module's heap) and cpu (the JavaScript arrays it keeps).
 * Used by kernels written in JavaScript, which then read and write without copies.
 */
import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's backend read here (public fields, untyped in its API). */
interface WasmBackendInternals {
  readonly wasm: { readonly HEAPF32: Float32Array };
  readonly dataIdMap: { get(dataId: tf.DataId): { readonly memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Whether `backendName` stores float32 data where `float32View` can reach it. */
export function hasDirectMemory(backendName: string): boolean {
  return backendName === "wasm" || backendName === "cpu";
}

/**
 * A view of `tensor`'s float32 values; writing to it changes the tensor. On wasm the view
 * is of the heap, which any later allocation may move: take views after allocating.
 */
export function float32View(backendName: string, backend: tf.KernelBackend, tensor: tf.TensorInfo): Float32Array {
  if (tensor.dtype !== "float32") throw new Error(`float32View of a ${tensor.dtype} tensor`);
  const size = tf.util.sizeFromShape(tensor.shape);
  if (backendName === "wasm") {
    const internals = backend as unknown as WasmBackendInternals;
    const entry = internals.dataIdMap.get(tensor.dataId);
    if (entry === undefined) throw new Error("float32View of a disposed tensor");
    return new Float32Array(internals.wasm.HEAPF32.buffer, entry.memoryOffset, size);
  }
  if (backendName === "cpu") {
    // cpu's readSync hands out the array it stores (not a copy) for numeric tensors.
    const values = backend.readSync(tensor.dataId) as Float32Array;
    if (values.length !== size) throw new Error("float32View: cpu returned a differently sized array");
    return values;
  }
  throw new Error(`float32View: backend '${backendName}' keeps its memory out of reach`);
}

/** A new float32 kernel output of `shape` on `backend`; its values are uninitialised on wasm. */
export function newFloat32Output(
  backendName: string,
  backend: tf.KernelBackend,
  shape: readonly number[],
): tf.TensorInfo {
  if (backendName === "wasm") return (backend as unknown as WasmBackendInternals).makeOutput([...shape], "float32");
  const values = new Float32Array(tf.util.sizeFromShape([...shape]));
  return { dataId: backend.write(values, [...shape], "float32"), shape: [...shape], dtype: "float32" };
}
