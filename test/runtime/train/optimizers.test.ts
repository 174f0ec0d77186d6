import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cosineDecay,
  createOptimizer,
  describeOptimizer,
  exponentialDecay,
  getLearningRate,
  restoreOptimizer,
  setLearningRate,
  stepDecay,
  warmup,
  type OptimizerSpec,
} from "../../../runtime/optimizers.js";
import { useCpuBackend } from "./fixtures.js";

beforeAll(useCpuBackend);

/** The change one `applyGradients` makes to a weight of 1 under a gradient of 0.5. */
function firstUpdate(optimizer: tf.Optimizer): number {
  const weight = tf.variable(tf.scalar(1));
  optimizer.applyGradients([{ name: weight.name, tensor: tf.scalar(0.5) }]);
  const delta = weight.dataSync()[0]! - 1;
  weight.dispose();
  optimizer.dispose();
  return delta;
}

const specs: OptimizerSpec[] = [
  { name: "sgd" },
  { name: "sgd", momentum: 0.9, nesterov: true },
  { name: "adam" },
  { name: "rmsprop", momentum: 0.5 },
  { name: "adagrad" },
  { name: "adamax" },
];

describe("setLearningRate", () => {
  for (const spec of specs) {
    it(`changes the effective step of ${spec.name}${spec.momentum ? " with momentum" : ""}`, () => {
      const changed = createOptimizer({ ...spec, learningRate: 0.5 });
      setLearningRate(changed, 0.02);
      expect(getLearningRate(changed)).toBe(0.02);
      const changedStep = firstUpdate(changed);
      const freshStep = firstUpdate(createOptimizer({ ...spec, learningRate: 0.02 }));
      expect(changedStep).not.toBe(0);
      expect(changedStep).toBeCloseTo(freshStep, 7);
      // And it really is smaller than the step at the original rate.
      expect(Math.abs(changedStep)).toBeLessThan(
        Math.abs(firstUpdate(createOptimizer({ ...spec, learningRate: 0.5 }))),
      );
    });
  }

  it("makes Adam's first step equal to the learning rate (bias-corrected moments)", () => {
    const adam = createOptimizer({ name: "adam", learningRate: 0.3 });
    setLearningRate(adam, 0.004);
    expect(firstUpdate(adam)).toBeCloseTo(-0.004, 6);
  });
});

describe("createOptimizer", () => {
  it("applies Keras defaults", () => {
    const adam = createOptimizer({ name: "adam" });
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(getLearningRate(createOptimizer({ name: "adamax" }))).toBe(0.002);
    expect(createOptimizer({ name: "sgd", momentum: 0.9 }).getClassName()).toBe("Momentum");
    expect(createOptimizer({ name: "rmsprop", rho: 0.8 }).getConfig()).toMatchObject({ decay: 0.8 });
    adam.dispose();
  });

  it("round-trips through describeOptimizer / restoreOptimizer with the current rate", () => {
    const rmsprop = createOptimizer({ name: "rmsprop", learningRate: 0.1, momentum: 0.3 });
    setLearningRate(rmsprop, 0.05);
    const restored = restoreOptimizer(JSON.parse(JSON.stringify(describeOptimizer(rmsprop))));
    expect(restored.getClassName()).toBe("RMSProp");
    expect(restored.getConfig()).toEqual(rmsprop.getConfig());
    expect(getLearningRate(restored)).toBe(0.05);
  });
});

describe("schedules", () => {
  it("step_decay multiplies by factor every `every` epochs", () => {
    const schedule = stepDecay({ initialLearningRate: 0.1, every: 2, factor: 0.5 });
    expect([0, 1, 2, 3, 4].map(schedule)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it("exponential_decay multiplies by rate each epoch", () => {
    const schedule = exponentialDecay({ initialLearningRate: 1, rate: 0.5 });
    expect([0, 1, 3].map(schedule)).toEqual([1, 0.5, 0.125]);
  });

  it("cosine_decay anneals to 0 over `epochs`, then stays there", () => {
    const schedule = cosineDecay({ initialLearningRate: 0.2, epochs: 4 });
    expect(schedule(0)).toBeCloseTo(0.2, 12);
    expect(schedule(2)).toBeCloseTo(0.1, 12);
    expect(schedule(4)).toBeCloseTo(0, 12);
    expect(schedule(9)).toBeCloseTo(0, 12);
  });

  it("warmup rises linearly from lr/epochs to lr, then stays", () => {
    const schedule = warmup({ initialLearningRate: 0.4, epochs: 4 });
    expect([0, 1, 3, 4, 10].map(schedule)).toEqual([0.1, 0.2, 0.4, 0.4, 0.4]);
  });
});
