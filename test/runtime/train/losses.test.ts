import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  batchLoss,
  classWeightVector,
  exampleWeights,
  LOSS_NAMES,
  perExampleLoss,
  UnknownClassWeightError,
} from "../../../runtime/losses.js";
import { useCpuBackend } from "./fixtures.js";

beforeAll(useCpuBackend);

const values = (tensor: tf.Tensor): number[] => {
  const result = Array.from(tensor.dataSync());
  tensor.dispose();
  return result;
};

describe("perExampleLoss", () => {
  const probabilities = tf.tensor2d([
    [0.7, 0.2, 0.1],
    [0.1, 0.1, 0.8],
  ]);
  const classIds = tf.tensor1d([0, 1], "int32");

  it("reads the probability of the true class for (sparse) categorical cross-entropy", () => {
    const expected = [-Math.log(0.7), -Math.log(0.1)];
    for (const name of ["categorical_crossentropy", "sparse_categorical_crossentropy"] as const) {
      values(perExampleLoss(name, classIds, probabilities)).forEach((loss, i) =>
        expect(loss).toBeCloseTo(expected[i]!, 5),
      );
    }
  });

  it("reads class ids as 0/1 for one sigmoid output", () => {
    const p = tf.tensor2d([[0.9], [0.2]]);
    const [first, second] = values(perExampleLoss("binary_crossentropy", tf.tensor1d([1, 1], "int32"), p));
    expect(first).toBeCloseTo(-Math.log(0.9), 5);
    expect(second).toBeCloseTo(-Math.log(0.2), 5);
  });

  it("one-hots class ids for binary cross-entropy over several outputs, averaging them", () => {
    const [first] = values(perExampleLoss("binary_crossentropy", classIds, probabilities));
    expect(first).toBeCloseTo(-(Math.log(0.7) + Math.log(0.8) + Math.log(0.9)) / 3, 5);
  });

  it("clips probabilities like Keras so a zero probability stays finite", () => {
    const [loss] = values(perExampleLoss("categorical_crossentropy", tf.tensor1d([1], "int32"), tf.tensor2d([[1, 0]])));
    expect(loss).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it("computes regression losses per example, averaged over targets", () => {
    const yTrue = tf.tensor2d([
      [1, 2],
      [0, 0],
    ]);
    const yPred = tf.tensor2d([
      [1, 5],
      [0.5, -0.5],
    ]);
    expect(values(perExampleLoss("mse", yTrue, yPred))).toEqual([4.5, 0.25]);
    expect(values(perExampleLoss("mae", yTrue, yPred))).toEqual([1.5, 0.5]);
    // Huber: 0.5·e² for |e| ≤ 1, |e| − 0.5 beyond.
    expect(values(perExampleLoss("huber", yTrue, yPred))).toEqual([1.25, 0.125]);
  });

  it("accepts regression labels of shape [b] against an output of shape [b, 1]", () => {
    expect(values(perExampleLoss("mse", tf.tensor1d([1, 2]), tf.tensor2d([[0], [0]])))).toEqual([1, 4]);
  });

  it("names six losses", () => {
    expect(LOSS_NAMES).toHaveLength(6);
  });
});

describe("batchLoss", () => {
  it("is the mean without weights and sum(loss × w) / b with them (Keras)", () => {
    const yTrue = tf.tensor1d([0, 0]);
    const yPred = tf.tensor2d([[1], [3]]);
    expect(values(batchLoss("mse", yTrue, yPred))[0]).toBe(5);
    expect(values(batchLoss("mse", yTrue, yPred, tf.tensor1d([2, 0])))[0]).toBe(1);
  });
});

describe("class weights", () => {
  const classes = ["cat", "dog", "eel"];

  it("balances by n / (k · count) like scikit-learn", () => {
    const weights = classWeightVector("balanced", [0, 0, 0, 1], classes);
    expect(Array.from(weights)).toEqual([Math.fround(4 / 9), Math.fround(4 / 3), 1]);
  });

  it("reads a map keyed by class name or id, defaulting to 1", () => {
    expect(Array.from(classWeightVector({ dog: 2, "2": 0.5 }, [], classes))).toEqual([1, 2, 0.5]);
  });

  it("rejects a key that is no class", () => {
    expect(() => classWeightVector({ cow: 2 }, [], classes)).toThrow(UnknownClassWeightError);
    expect(() => classWeightVector({ cow: 2 }, [], classes)).toThrow(/"cow".*cat, dog, eel/);
  });

  it("gives each example its class's weight", () => {
    expect(Array.from(exampleWeights(new Float32Array([1, 2, 3]), [2, 0, 1]))).toEqual([3, 1, 2]);
  });
});
