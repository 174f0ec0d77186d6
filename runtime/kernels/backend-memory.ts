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
  return numericView(backendName, backend, tensor) as Float32Array;
}

/** The numeric dtypes `numericView` reaches. */
export type NumericDtype = "float32" | "int32";

/**
 * A view of a float32 or int32 tensor's values, as `float32View`. On cpu it is the array
 * the backend stores, which may be of another type than the dtype (a cast that shared its
 * data): read it by value, or write through it only into outputs made by `newNumericOutput`.
 */
export function numericView(
  backendName: string,
  backend: tf.KernelBackend,
  tensor: tf.TensorInfo,
): Float32Array | Int32Array {
  if (tensor.dtype !== "float32" && tensor.dtype !== "int32") throw new Error(`numericView of a ${tensor.dtype} tensor`);
  const size = tf.util.sizeFromShape(tensor.shape);
  if (backendName === "wasm") {
    const internals = backend as unknown as WasmBackendInternals;
    const entry = internals.dataIdMap.get(tensor.dataId);
    if (entry === undefined) throw new Error("numericView of a disposed tensor");
    const heap = internals.wasm.HEAPF32.buffer;
    return tensor.dtype === "float32"
      ? new Float32Array(heap, entry.memoryOffset, size)
      : new Int32Array(heap, entry.memoryOffset, size);
  }
  if (backendName === "cpu") {
    // cpu's readSync hands out the array it stores (not a copy) for numeric tensors.
    const values = backend.readSync(tensor.dataId) as Float32Array | Int32Array;
    if (values.length !== size) throw new Error("numericView: cpu returned a differently sized array");
    return values;
  }
  throw new Error(`numericView: backend '${backendName}' keeps its memory out of reach`);
}

/** A new float32 kernel output of `shape` on `backend`; its values are uninitialised on wasm. */
export function newFloat32Output(
  backendName: string,
  backend: tf.KernelBackend,
  shape: readonly number[],
): tf.TensorInfo {
  return newNumericOutput(backendName, backend, shape, "float32");
}

/** A new float32 or int32 kernel output of `shape`; its values are uninitialised on wasm. */
export function newNumericOutput(
  backendName: string,
  backend: tf.KernelBackend,
  shape: readonly number[],
  dtype: NumericDtype,
): tf.TensorInfo {
  if (backendName === "wasm") return (backend as unknown as WasmBackendInternals).makeOutput([...shape], dtype);
  const size = tf.util.sizeFromShape([...shape]);
  const values = dtype === "float32" ? new Float32Array(size) : new Int32Array(size);
  return { dataId: backend.write(values, [...shape], dtype), shape: [...shape], dtype };
}
