/**
 * The orthogonal initializer of recurrent layers: the matrix TF.js's own `Orthogonal` gives
 * for the same seed, orthonormal, fast, silent (no "Slowness may result" warning), and saved
 * and loaded under TF.js's class name.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  HouseholderOrthogonal,
  orthonormalFactor,
  registerOrthogonalInitializer,
} from "../../runtime/orthogonal-initializer.js";
import { makeScratch, runDlm, STACK_TRACE } from "../robustness/runs/scratch.js";

/** The largest |AᵀA − gain² I| of a row-major `rows × cols` matrix with rows ≥ cols. */
function orthonormalityError(a: ArrayLike<number>, rows: number, cols: number, gain = 1): number {
  let worst = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += a[r * cols + i]! * a[r * cols + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
});

afterEach(() => vi.restoreAllMocks());

describe("orthonormalFactor", () => {
  it("gives orthonormal columns whose R has a positive diagonal (QᵀA is upper triangular with positive diagonal)", () => {
    const rows = 7;
    const cols = 4;
    const a = Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
    const q = orthonormalFactor(a, rows, cols);
    expect(orthonormalityError(q, rows, cols)).toBeLessThan(1e-12);
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) {
        let r = 0;
        for (let k = 0; k < rows; k++) r += q[k * cols + i]! * a[k * cols + j]!;
        if (i > j) expect(Math.abs(r)).toBeLessThan(1e-12);
        if (i === j) expect(r).toBeGreaterThan(0);
      }
    }
  });
});

describe("the registered orthogonal initializer", () => {
  it("returns TF.js's own matrix for the same seed, tall and wide, with gain", () => {
    for (const [shape, gain] of [
      [[12, 5], 1],
      [[5, 12], 2],
      [[3, 2, 4], 0.5],
    ] as [number[], number][]) {
      // tf.initializers.orthogonal constructs TF.js's class directly, whatever the registry holds.
      const expected = tf.initializers.orthogonal({ seed: 42, gain }).apply(shape, "float32");
      const actual = new HouseholderOrthogonal({ seed: 42, gain }).apply(shape, "float32");
      expect(actual.shape).toEqual(shape);
      const difference = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]!;
      expect(difference).toBeLessThan(1e-5);
      tf.dispose([actual, expected]);
    }
  });

  it("is what the class name `Orthogonal` means once registered", () => {
    registerOrthogonalInitializer();
    expect(tf.serialization.SerializationMap.getMap().classNameMap["Orthogonal"]?.[0]).toBe(HouseholderOrthogonal);
  });

  it("builds a 128-unit LSTM without a warning, in seconds (not minutes), its recurrent kernel orthonormal", () => {
    registerOrthogonalInitializer();
    const warn = vi.spyOn(console, "warn");
    const started = performance.now();
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 128, inputShape: [5, 3] })] });
    const elapsed = performance.now() - started;
    expect(warn).not.toHaveBeenCalled();
    expect(elapsed).toBeLessThan(5000); // TF.js's own took minutes on cpu at this size
    const recurrent = model.layers[0]!.getWeights()[1]!; // [units, 4 × units]
    expect(recurrent.shape).toEqual([128, 512]);
    const transposed = tf.transpose(recurrent).dataSync(); // [512, 128]: orthonormal columns
    expect(orthonormalityError(transposed, 512, 128)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("saves as TF.js's Orthogonal and loads back through it", async () => {
    registerOrthogonalInitializer();
    const model = tf.sequential({ layers: [tf.layers.gru({ units: 48, inputShape: [4, 2] })] });
    const json = model.toJSON(undefined, false) as unknown as {
      config: { layers: { config: Record<string, unknown> }[] };
    };
    expect(json.config.layers[0]!.config["recurrent_initializer"]).toEqual({
      class_name: "Orthogonal",
      config: { gain: 1, seed: null },
    });
    const warn = vi.spyOn(console, "warn");
    const copy = await tf.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON);
    expect(warn).not.toHaveBeenCalled();
    expect(copy.layers[0]!.getWeights()[1]!.shape).toEqual([48, 144]);
    model.dispose();
    copy.dispose();
  });
});

describe("dlm run with a recurrent layer", () => {
  const dir = makeScratch("orthogonal");

  it("prints no TF.js initializer warning", () => {
    const rows = Array.from(
      { length: 120 },
      (_, t) => `${(15 + 8 * Math.sin(t / 6)).toFixed(3)},${(1000 + 40 * Math.sin(t / 6 + 0.5)).toFixed(3)}`,
    );
    writeFileSync(join(dir, "load.csv"), ["temp,load", ...rows].join("\n") + "\n");
    // lstm(32): a [32, 128] recurrent kernel, over TF.js's 2,000-value warning threshold.
    writeFileSync(
      join(dir, "load.dlm"),
      'experiment load {\n  data {\n    source: csv("load.csv", label: load)\n    window(8, target: load)\n  }\n' +
        "  model {\n    lstm(32)\n    dense(1)\n  }\n  train { loss: mse, epochs: 1 }\n}\n",
    );
    const run = runDlm(dir, ["run", "load.dlm", "--out", "runs"], 300_000);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/Orthogonal|Slowness/);
  }, 300_000);
});
