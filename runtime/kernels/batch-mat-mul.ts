/**
 * `BatchMatMul` with `transposeA` / `transposeB` on wasm. wasm sends any transposed
 * product to a scalar C++ loop (~10× slower than XNNPACK), and every dense layer's
 * gradient is such a product. Transposing explicitly keeps the product on XNNPACK.
 * XNNPACK repacks its right operand whenever its data changes (every training step),
 * so the route that packs the smaller operand is taken: A·B, or (Bᵀ·Aᵀ)ᵀ.
 */
import * as tf from "@tensorflow/tfjs";
import { composeKernel, requireInput } from "./composition.js";

/** Packing costs about two element copies (measured on wasm); transposes cost one. */
const PACKING_COST_PER_ELEMENT = 2;

/** Dimensions of one un-batched product `[m, k] · [k, n]` and which operands arrive transposed. */
export interface ProductShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** `direct` packs B (k·n); `swapped` computes (Bᵀ·Aᵀ)ᵀ and packs Aᵀ (k·m) at the price of transposing the result. */
export type ProductRoute = "direct" | "swapped";

/** Picks the cheaper route by counting the elements each one transposes and packs. */
export function chooseProductRoute({ m, k, n, transposeA, transposeB }: ProductShape): ProductRoute {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + PACKING_COST_PER_ELEMENT * k * n;
  const swapped = (transposeA ? 0 : m * k) + (transposeB ? 0 : k * n) + PACKING_COST_PER_ELEMENT * k * m + m * n;
  return swapped < direct ? "swapped" : "direct";
}

/**
 * Builds the wasm `BatchMatMul` that makes transposes explicit for un-batched float32
 * products; batched or untransposed products go to `original` unchanged.
 */
export function batchMatMulWithExplicitTransposes(backendName: string, original: tf.KernelFunc): tf.KernelFunc {
  const composed = composeKernel(backendName, (composition, inputs, attrs) => {
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const a = requireInput(inputs, "a");
    const b = requireInput(inputs, "b");
    const shape = productShape(a.shape, b.shape, transposeA, transposeB);
    const { m, k, n } = shape;
    const untransposed = { transposeA: false, transposeB: false };
    // Stored layouts: A is [m, k] or (transposed) [k, m]; B is [k, n] or [n, k].
    const storedA = composition.reshape(a, transposeA ? [1, k, m] : [1, m, k]);
    const storedB = composition.reshape(b, transposeB ? [1, n, k] : [1, k, n]);
    let product: tf.TensorInfo;
    if (chooseProductRoute(shape) === "direct") {
      const left = transposeA ? composition.transpose(storedA, [0, 2, 1]) : storedA;
      const right = transposeB ? composition.transpose(storedB, [0, 2, 1]) : storedB;
      product = composition.run(tf.BatchMatMul, { a: left, b: right }, untransposed);
    } else {
      const left = transposeB ? storedB : composition.transpose(storedB, [0, 2, 1]);
      const right = transposeA ? storedA : composition.transpose(storedA, [0, 2, 1]);
      const productTransposed = composition.run(tf.BatchMatMul, { a: left, b: right }, untransposed);
      product = composition.transpose(productTransposed, [0, 2, 1]);
    }
    const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    return composition.reshape(product, [...batchShape, m, n]);
  });
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const a = requireInput(args.inputs, "a");
    const b = requireInput(args.inputs, "b");
    const unbatched = batchSize(a.shape) === 1 && batchSize(b.shape) === 1;
    const float32 = a.dtype === "float32" && b.dtype === "float32";
    return (transposeA || transposeB) && unbatched && float32 ? composed(args) : original(args);
  };
}

function productShape(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): ProductShape {
  const [aRows, aColumns] = aShape.slice(-2);
  const [bRows, bColumns] = bShape.slice(-2);
  return {
    m: transposeA ? aColumns : aRows,
    k: transposeA ? aRows : aColumns,
    n: transposeB ? bRows : bColumns,
    transposeA,
    transposeB,
  };
}

function batchSize(shape: readonly number[]): number {
  return tf.util.sizeFromShape(shape.slice(0, -2));
}
