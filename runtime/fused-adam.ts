/**
 * Adam with one kernel per variable: `tf.train.adam`'s update, computed by `DlmAdamStep`
 * (runtime/kernels/adam-step.ts) where the backend has it (wasm and cpu, once DLM's
 * training kernels are registered), by TF.js's own ops elsewhere. It is an `AdamOptimizer`:
 * the same class name, config, slot variables, `getWeights` and `setWeights`, so
 * checkpoints read and write as before and a restored optimizer is this one again.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_STEP, type AdamStepAttrs } from "./kernels/adam-step.js";

/** The fields of TF.js's `AdamOptimizer` the update reads (private or protected in its types). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/** What `applyGradients` takes: gradients by variable name, or a list of named gradients. */
type VariableGradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (tf.getKernel(ADAM_STEP, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const names = Array.isArray(variableGradients) ? variableGradients.map((entry) => entry.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // As TF.js: sub(1, accBeta) in float32.
      const [accBeta1, accBeta2] = [self.accBeta1.dataSync()[0]!, self.accBeta2.dataSync()[0]!];
      const attrs: AdamStepAttrs = {
        beta1: self.beta1,
        beta2: self.beta2,
        epsilon: self.epsilon,
        learningRate: self.learningRate,
        oneMinusAccBeta1: Math.fround(1 - accBeta1),
        oneMinusAccBeta2: Math.fround(1 - accBeta2),
      };
      names.forEach((name, index) => {
        const value = tf.engine().registeredVariables[name]!;
        const m = (self.accumulatedFirstMoment[index] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        const v = (self.accumulatedSecondMoment[index] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        }).variable;
        const gradient = Array.isArray(variableGradients) ? variableGradients[index]?.tensor : variableGradients[name];
        if (gradient == null) return;
        const [newValue, newM, newV] =
          value.size <= LARGEST_FUSED_VARIABLE
            ? (tf.engine().runKernel(ADAM_STEP, { value, m, v, gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[])
            : adamByOps(value, m, v, gradient, attrs);
        m.assign(newM!);
        v.assign(newV!);
        value.assign(newValue!);
      });
      self.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * Math.fround(self.beta1))));
      self.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * Math.fround(self.beta2))));
    });
    self.incrementIterations();
  }
}

/**
 * Variables up to this many elements are updated by the one kernel. A JavaScript loop does
 * the arithmetic one element at a time, while TF.js's 14 kernels run SIMD: in training (the
 * MNIST MLP on wasm) the loop took twice as long as the kernels on the [784, 128] kernel
 * matrix, and a tenth of their time on the biases and the [128, 10] matrix, where the
 * kernels' fixed cost is everything.
 */
export const LARGEST_FUSED_VARIABLE = 8192;

/** TF.js's own Adam update of one variable (adam_optimizer.js, the same ops in the same order): new value, m, v. */
function adamByOps(value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, attrs: AdamStepAttrs): tf.Tensor[] {
  const newM = tf.add(tf.mul(m, attrs.beta1), tf.mul(gradient, 1 - attrs.beta1));
  const newV = tf.add(tf.mul(v, attrs.beta2), tf.mul(tf.square(gradient), 1 - attrs.beta2));
  const mHat = tf.div(newM, attrs.oneMinusAccBeta1);
  const vHat = tf.div(newV, attrs.oneMinusAccBeta2);
  const newValue = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), attrs.epsilon)), -attrs.learningRate), value);
  return [newValue, newM, newV];
}

/** `tf.train.adam`'s arguments, the fused update. */
export function fusedAdam(learningRate: number, beta1: number, beta2: number, epsilon: number): tf.Optimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
