/**
 * `train { workers: auto | N }` and `--workers N`: what the checker accepts and writes into
 * the plan, what a run overrides, and how many workers `auto` picks for a model.
 */
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseWorkerCount, forwardMultiplyAdds } from "../../../runtime/parallel/worker-count.js";
import { withInputShape } from "../../../runtime/pretrained.js";
import { applyOverrides, parseRunOverrides } from "../../../runtime/run.js";
import { checkExperimentsIn, irisExperiment } from "../../compiler/experiments/checked-experiments.js";
import { useCpuBackend } from "../train/fixtures.js";

const trainWith = (workers: string) =>
  irisExperiment({ train: `loss: sparse_categorical_crossentropy\n    epochs: 5\n    workers: ${workers}` });

describe("the `workers` setting of `train`", () => {
  it("takes `auto` or a count into the plan", () => {
    for (const [written, expected] of [["auto", "auto"], ["3", 3]] as const) {
      const { experiments, reported } = checkExperimentsIn(trainWith(written));
      expect(reported).toEqual([]);
      expect(experiments.plans[0]!.train.workers).toBe(expected);
    }
  });

  it("rejects anything else on the value: DLM301 for another type, DLM302 below 1", () => {
    for (const [written, code, message] of [
      ["fast", "DLM301", "`workers` of train expects `auto` or a whole number ≥ 1, found the name `fast`"],
      ['"2"', "DLM301", 'found the string "2"'],
      ["0", "DLM302", "`workers` of train must be ≥ 1, found 0"],
      ["1.5", "DLM301", "expects an integer, found 1.5"],
    ] as const) {
      const { reported } = checkExperimentsIn(trainWith(written));
      expect(reported).toEqual([expect.objectContaining({ code, marked: written })]);
      expect(reported[0]!.message).toContain(message);
    }
  });
});

describe("--workers N", () => {
  it("overrides every stage's workers and must be a positive integer", () => {
    const { experiments } = checkExperimentsIn(trainWith("auto"));
    const plan = experiments.plans[0]!;
    const overridden = applyOverrides(plan as never, parseRunOverrides(["--workers", "2"]));
    expect(overridden.train.workers).toBe(2);
    expect(() => parseRunOverrides(["--workers", "0"])).toThrow("--workers expects a positive integer");
  });
});

describe("auto", () => {
  beforeAll(useCpuBackend);

  const cnn = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    });
  const iris = () =>
    tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8 }), tf.layers.dense({ units: 3 })] });

  it("counts a convolution's weights once per output pixel", () => {
    const model = cnn();
    // conv: 320 weights × 26·26 pixels; dense: 21,632·10 + 10.
    expect(forwardMultiplyAdds(model)).toBe(320 * 26 * 26 + (26 * 26 * 32 * 10 + 10));
    model.dispose();
  });

  it("counts a pretrained base resized to the data at its new size (its layers have a node per size)", () => {
    const convolutions = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3 }),
      ],
    });
    const base = withInputShape(convolutions, [12, 12, 1]);
    // 320 weights × 10·10 pixels, then 2,312 × 8·8 (at 28×28 it would be 26·26 and 24·24).
    expect(forwardMultiplyAdds(base)).toBe(320 * 10 * 10 + 2312 * 8 * 8);
    expect(chooseWorkerCount("auto", base, 64, "wasm").workers).toBeGreaterThanOrEqual(1);
  });

  it("keeps one worker for a step too small to share, on tfjs-node, and takes the cores otherwise", () => {
    const [small, large] = [iris(), cnn()];
    expect(chooseWorkerCount("auto", small, 32, "wasm").workers).toBe(1);
    expect(chooseWorkerCount(undefined, small, 32, "wasm").reason).toMatch(/too little work/);
    expect(chooseWorkerCount("auto", large, 64, "node").workers).toBe(1);
    expect(chooseWorkerCount(3, large, 2, "cpu").workers).toBe(2);
    expect(chooseWorkerCount("auto", large, 64, "wasm").workers).toBe(Math.min(os.availableParallelism(), 4));
    small.dispose();
    large.dispose();
  });
});
