/**
 * `Tile` as block copies. Batch normalisation's gradient tiles a `[1, 1, 1, c]` tensor to
 * the whole activation (`[n, h, w, c]`) in every step; wasm's own kernel computes each
 * output element's source index with divisions (~130 ns an element, over half of a
 * batch-norm network's step). Here each axis copies its filled block `reps` times with
 * `copyWithin`, doubling the copied run, so the cost is that of a memcpy of the output.
 */
import * as tf from "@tensorflow/tfjs";
import { requireInput } from "./composition.js";

type TileValues = Float32Array | Int32Array | Uint8Array;

/** Builds the block-copy `Tile`; string tensors go to `original`. */
export function tileByBlockCopies(original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const x = requireInput(args.inputs, "x");
    if (x.dtype === "string" || x.dtype === "complex64") {
      if (original === undefined) throw new Error(`Tile of ${x.dtype} tensors needs the backend's own kernel`);
      return original(args);
    }
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    const backend = args.backend as tf.KernelBackend;
    // cpu may keep a float32 tensor in another array type (a cast that shared its data): read it as its dtype.
    const stored = backend.readSync(x.dataId) as TileValues;
    const values = x.dtype === "float32" && !(stored instanceof Float32Array) ? Float32Array.from(stored) : stored;
    const tiled = tileValues(values, x.shape, reps);
    const shape = x.shape.map((size, axis) => size * (reps[axis] ?? 1));
    return {
      dataId: backend.write(tiled, shape, x.dtype),
      shape,
      dtype: x.dtype,
    };
  };
}

/** Row-major `values` of `shape` repeated `reps[axis]` times along each axis. */
export function tileValues<T extends TileValues>(values: T, shape: readonly number[], reps: readonly number[]): T {
  const rank = shape.length;
  const outShape = shape.map((size, axis) => size * (reps[axis] ?? 1));
  const output = new (values.constructor as new (length: number) => T)(tf.util.sizeFromShape(outShape));
  if (output.length === 0) return output;
  if (rank === 0) {
    output[0] = values[0] ?? 0;
    return output;
  }
  // Elements per step along each axis, in the input and in the output.
  const inStrides = new Array<number>(rank).fill(1);
  const outStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) {
    inStrides[axis] = inStrides[axis + 1] * shape[axis + 1];
    outStrides[axis] = outStrides[axis + 1] * outShape[axis + 1];
  }
  const fill = (axis: number, inStart: number, outStart: number): void => {
    const size = shape[axis];
    if (axis === rank - 1) output.set(values.subarray(inStart, inStart + size), outStart);
    else
      for (let index = 0; index < size; index++)
        fill(axis + 1, inStart + index * inStrides[axis], outStart + index * outStrides[axis]);
    repeatBlock(output, outStart, size * outStrides[axis], reps[axis] ?? 1);
  };
  fill(0, 0, 0);
  return output;
}

/** Copies the `blockLength` elements at `start` so that they appear `times` times in a row. */
function repeatBlock(values: TileValues, start: number, blockLength: number, times: number): void {
  const total = blockLength * times;
  let filled = blockLength;
  while (filled < total) {
    const run = Math.min(filled, total - filled);
    values.copyWithin(start + filled, start, start + run);
    filled += run;
  }
}
