/**
 * The orthogonal initializer (the default recurrent kernel of `lstm`, `gru` and `simple_rnn`)
 * computed in plain JavaScript. TF.js's `Orthogonal` factors its random matrix with
 * `tf.linalg.qr`, which runs one small tensor op after another: on the cpu backend a
 * 64-unit LSTM's `[64, 256]` kernel took 19 s, and every kernel over 2,000 values prints
 * "Orthogonal initializer is being called on a matrix with more than 2000 … elements:
 * Slowness may result." into the user's output. This initializer draws the same Gaussian
 * matrix (same seed, same `tf.randomNormal` call), factors it with Householder reflections
 * in float64, and fixes the signs as TF.js and Keras do, so it returns TF.js's matrix to
 * float32 rounding, in milliseconds and without the warning. It is registered under TF.js's
 * own class name, so layers that ask for `orthogonal`, and models read back from JSON, use
 * it, and saved models keep `"className": "Orthogonal"` (they load anywhere).
 */
import * as tf from "@tensorflow/tfjs";

/** What `Orthogonal` is configured with: a gain and an optional seed. */
interface OrthogonalConfig {
  readonly gain?: number;
  readonly seed?: number;
}

/** TF.js's `Orthogonal` class as far as this file uses it (the class itself is not exported). */
type OrthogonalClass = (new (args: OrthogonalConfig) => {
  apply(shape: number[], dtype?: tf.DataType): tf.Tensor;
  getConfig(): tf.serialization.ConfigDict;
}) & { readonly className: string };

const TfjsOrthogonal = tf.initializers.orthogonal({}).constructor as unknown as OrthogonalClass;

/**
 * The orthonormal `Q` (`rows × cols`, `rows ≥ cols`) of the QR decomposition of `matrix`
 * (row-major), each column multiplied by the sign of `R`'s diagonal entry, so that `Q` is
 * the unique factor with a positive diagonal in `R`: the matrix TF.js's `Orthogonal` returns.
 */
export function orthonormalFactor(matrix: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (rows < cols) throw new Error(`orthonormalFactor needs rows ≥ cols, got ${rows} × ${cols}`);
  const r = Float64Array.from(matrix);
  const reflections: Float64Array[] = [];
  const diagonalSigns = new Float64Array(cols);
  for (let k = 0; k < cols; k++) {
    // Householder reflection that zeroes column k below the diagonal.
    const v = new Float64Array(rows - k);
    let norm = 0;
    for (let i = k; i < rows; i++) norm += r[i * cols + k]! ** 2;
    norm = Math.sqrt(norm);
    const head = r[k * cols + k]!;
    const alpha = head > 0 ? -norm : norm;
    for (let i = k; i < rows; i++) v[i - k] = r[i * cols + k]!;
    v[0] = head - alpha;
    let vNorm = 0;
    for (let i = 0; i < v.length; i++) vNorm += v[i]! ** 2;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = 0; i < v.length; i++) v[i]! /= vNorm;
    reflectRows(r, cols, k, v, k, cols);
    reflections.push(v);
    // A zero diagonal (a measure-zero event for a Gaussian matrix) keeps its column's sign.
    diagonalSigns[k] = r[k * cols + k]! < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 … H_{cols-1} applied to the first `cols` columns of the identity.
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
  for (let k = cols - 1; k >= 0; k--) reflectRows(q, cols, k, reflections[k]!, 0, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[i * cols + j]! *= diagonalSigns[j]!;
  return q;
}

/** Applies `I - 2 v vᵀ` to rows `k…` of `m` (row-major, `cols` wide), columns `from…to-1`. */
function reflectRows(m: Float64Array, cols: number, k: number, v: Float64Array, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * m[(k + i) * cols + j]!;
    if (dot === 0) continue;
    for (let i = 0; i < v.length; i++) m[(k + i) * cols + j]! -= 2 * v[i]! * dot;
  }
}

/** `Orthogonal` with its QR factorisation in plain JavaScript (see the file comment). */
export class HouseholderOrthogonal extends TfjsOrthogonal {
  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (shape.length < 2)
      throw new Error(`the orthogonal initializer needs a kernel of at least 2 dimensions, got [${shape.join(", ")}]`);
    if (dtype !== undefined && dtype !== "float32" && dtype !== "int32")
      throw new TypeError(`Unsupported data type ${dtype}.`);
    const { gain, seed } = this.getConfig() as OrthogonalConfig;
    // Kernels of more than two axes are flattened to [everything else, last axis], as in TF.js and Keras.
    const numRows = shape.slice(0, -1).reduce((product, size) => product * size, 1);
    const numCols = shape[shape.length - 1]!;
    const tall = Math.max(numRows, numCols);
    const wide = Math.min(numRows, numCols);
    const gaussian = tf.tidy(() => tf.randomNormal([tall, wide], 0, 1, "float32", seed ?? undefined).dataSync());
    const q = orthonormalFactor(gaussian, tall, wide);
    const scale = gain ?? 1;
    for (let i = 0; i < q.length; i++) q[i]! *= scale;
    return tf.tidy(() => {
      const factor = tf.tensor2d(Float32Array.from(q), [tall, wide], "float32");
      return (numRows < numCols ? tf.transpose(factor) : factor).reshape(shape);
    });
  }
}

/**
 * Makes `orthogonal` mean `HouseholderOrthogonal` everywhere TF.js looks the class name up:
 * layers created with their default recurrent initializer and models deserialised from JSON.
 * Idempotent.
 */
export function registerOrthogonalInitializer(): void {
  // The static `fromConfig` is inherited from TF.js's class, which `OrthogonalClass` does not spell out.
  const serializable =
    HouseholderOrthogonal as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>;
  tf.serialization.SerializationMap.register(serializable);
}
