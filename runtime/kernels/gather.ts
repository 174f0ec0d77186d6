/**
 * `GatherV2` by row copies. Every training step gathers its batch's rows from the training
 * split (`tf.gather(x, indices)`); wasm's own kernel computes each element's source index
 * through strides (~90 ns an element: 4.5 ms for 64 MNIST rows, half of an MLP step), cpu's
 * reads element by element through a buffer. Here each kept slice along the axis is one
 * block copy, straight from the backend's memory into the output's.
 */
import * as tf from "@tensorflow/tfjs";
import { newNumericOutput, numericView } from "./backend-memory.js";
import { requireInput } from "./composition.js";

/** Below this many elements a slice is copied element by element: `subarray` costs more than the loop. */
const SMALLEST_BLOCK_COPY = 16;

/** Builds the row-copy `GatherV2` for `backendName` (wasm or cpu); other dtypes and `batchDims` go to `original`. */
export function gatherByRowCopies(backendName: string, original: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const x = requireInput(args.inputs, "x");
    const indices = requireInput(args.inputs, "indices");
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    if ((x.dtype !== "float32" && x.dtype !== "int32") || (batchDims ?? 0) !== 0) {
      if (original === undefined) throw new Error(`GatherV2 of ${x.dtype} values with batchDims ${batchDims} needs the backend's own kernel`);
      return original(args);
    }
    const backend = args.backend as tf.KernelBackend;
    const gatherAxis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
    const positions = Int32Array.from(backend.readSync(indices.dataId) as ArrayLike<number>);
    const layout = gatherLayout(x.shape, gatherAxis, positions);
    const outShape = [...x.shape.slice(0, gatherAxis), ...indices.shape, ...x.shape.slice(gatherAxis + 1)];
    const output = newNumericOutput(backendName, backend, outShape, x.dtype);
    // Views after allocating: on wasm the allocation may have moved the heap.
    gatherSlices(numericView(backendName, backend, x), positions, layout, numericView(backendName, backend, output));
    return output;
  };
}

/** How a gather walks its input: `outer` runs of `dim` slices of `inner` elements each. */
export interface GatherLayout {
  readonly outer: number;
  readonly dim: number;
  readonly inner: number;
}

/** The layout of gathering `positions` along `axis` of `shape`; an index outside the axis throws, as TF.js's kernels do. */
export function gatherLayout(shape: readonly number[], axis: number, positions: Int32Array): GatherLayout {
  const dim = shape[axis] ?? 1;
  for (const index of positions) {
    if (index < 0 || index > dim - 1) throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
  }
  const product = (sizes: readonly number[]) => sizes.reduce((total, size) => total * size, 1);
  return { outer: product(shape.slice(0, axis)), dim, inner: product(shape.slice(axis + 1)) };
}

/** Writes the slices of `source` at `positions` into `target`, outer run by outer run. */
export function gatherSlices(
  source: Float32Array | Int32Array,
  positions: Int32Array,
  { outer, dim, inner }: GatherLayout,
  target: Float32Array | Int32Array,
): void {
  const count = positions.length;
  for (let run = 0; run < outer; run++) {
    for (let slot = 0; slot < count; slot++) {
      const from = (run * dim + positions[slot]!) * inner;
      const to = (run * count + slot) * inner;
      if (inner >= SMALLEST_BLOCK_COPY) target.set(source.subarray(from, from + inner), to);
      else for (let element = 0; element < inner; element++) target[to + element] = source[from + element]!;
    }
  }
}
