/**
 * One Adam update of one variable as a single kernel, `DlmAdamStep`: the new value, first
 * and second moments in one pass over the four arrays. TF.js's `AdamOptimizer` spends 14
 * kernels (and as many scalar uploads) per variable on the same arithmetic; at ~10–20 µs a
 * kernel on wasm that is a fixed cost of about a millisecond an MLP step. Every operation is
 * the float32 operation TF.js performs, in TF.js's order (each result rounded with
 * `Math.fround`, which for +, −, ×, ÷ and √ of float32 operands gives the float32 result), so
 * the update is the one `tf.train.adam` computes, bit for bit.
 */
import type * as tf from "@tensorflow/tfjs";
import { float32View, newFloat32Output } from "./backend-memory.js";
import { requireInput } from "./composition.js";

/** The kernel's name, for `tf.engine().runKernel`. */
export const ADAM_STEP = "DlmAdamStep";

/** What an Adam step reads besides the tensors, all as TF.js holds them. */
export interface AdamStepAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
  /** The float32 value of `1 − beta1^t` and `1 − beta2^t` (TF.js's `sub(1, accBeta)`). */
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

/** Builds `DlmAdamStep` for `backendName` (wasm or cpu): inputs value, m, v, gradient; outputs new value, m, v. */
export function adamStepKernel(backendName: string): tf.KernelFunc {
  return (args) => {
    const inputs = ["value", "m", "v", "gradient"].map((name) => requireInput(args.inputs, name));
    for (const input of inputs) {
      if (input.dtype !== "float32") throw new Error(`${ADAM_STEP} updates float32 tensors, not ${input.dtype}`);
    }
    const backend = args.backend as tf.KernelBackend;
    const shape = inputs[0]!.shape;
    const outputs = [0, 1, 2].map(() => newFloat32Output(backendName, backend, shape));
    // Views after allocating: on wasm the allocation may have moved the heap.
    const [value, m, v, gradient] = inputs.map((input) => float32View(backendName, backend, input));
    const [newValue, newM, newV] = outputs.map((output) => float32View(backendName, backend, output));
    adamStep(value!, m!, v!, gradient!, args.attrs as unknown as AdamStepAttrs, newValue!, newM!, newV!);
    return outputs;
  };
}

/** The update of `tf.train.adam` for every element, in float32, written into the three outputs. */
export function adamStep(
  value: Float32Array,
  m: Float32Array,
  v: Float32Array,
  gradient: Float32Array,
  attrs: AdamStepAttrs,
  newValue: Float32Array,
  newM: Float32Array,
  newV: Float32Array,
): void {
  const f = Math.fround;
  // The scalars as TF.js makes them: float32 tensors of the JavaScript numbers.
  const beta1 = f(attrs.beta1);
  const beta2 = f(attrs.beta2);
  const keep1 = f(1 - attrs.beta1);
  const keep2 = f(1 - attrs.beta2);
  const correction1 = f(attrs.oneMinusAccBeta1);
  const correction2 = f(attrs.oneMinusAccBeta2);
  const epsilon = f(attrs.epsilon);
  const step = f(-attrs.learningRate);
  for (let index = 0; index < value.length; index++) {
    const g = gradient[index]!;
    // add(mul(m, beta1), mul(g, 1 − beta1)); add(mul(v, beta2), mul(square(g), 1 − beta2))
    const m1 = f(f(m[index]! * beta1) + f(g * keep1));
    const v1 = f(f(v[index]! * beta2) + f(f(g * g) * keep2));
    // add(mul(div(m̂, add(sqrt(v̂), ε)), −lr), value)
    const mHat = f(m1 / correction1);
    const vHat = f(v1 / correction2);
    newValue[index] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + epsilon)) * step) + value[index]!);
    newM[index] = m1;
    newV[index] = v1;
  }
}
