/**
 * `pretrained(ARCH, weights: none)` trains whole, batch normalisation included: its batch
 * norms normalise with batch statistics and update their moving statistics, on both engines
 * (they had stayed in inference mode, at their initial 0 and 1, so a network from scratch
 * trained without normalisation). A pretrained backbone's stay in inference mode: tested by
 * test/torch/saved-backbone.test.ts and test/runtime/fine-tune-unfreeze.test.ts.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../runtime/model-io.js";
import { PYTHON, TORCH_MISSING, runCli } from "../torch/torch-python.js";

const EXPERIMENT = `experiment scratch {
  seed: 4
  data {
    source: builtin("mnist")
    split { train: 0.001, validation: 0.0005, test: 0.0005 }
    resize: [32, 32]
    channels: 3
    normalize: scale(1 / 255)
  }
  model {
    pretrained(mobilenet_v2, weights: none, include_top: false, pooling: avg)
    dense(10, activation: softmax)
  }
  train { loss: sparse_categorical_crossentropy, epochs: 1, batch_size: 32 }
  export: "exported"
}
`;

/** The largest |moving mean| over the backbone's batch normalisations of the exported bundle. */
async function largestMovingMean(bundle: string): Promise<{ count: number; largest: number }> {
  const { model } = await loadModel(bundle);
  try {
    const means = model.weights.filter((weight) => weight.name.includes("moving_mean"));
    const largest = Math.max(...means.map((weight) => Math.max(...Array.from(weight.read().dataSync(), Math.abs))));
    return { count: means.length, largest };
  } finally {
    model.dispose();
  }
}

async function trainOn(engine: "tfjs" | "torch"): Promise<{ count: number; largest: number }> {
  const dir = mkdtempSync(join(tmpdir(), `dlm-scratch-bn-${engine}-`));
  const file = join(dir, "scratch.dlm");
  writeFileSync(file, EXPERIMENT);
  const run = await runCli(["run", file, "--engine", engine, "--out", join(dir, "runs")], { DLM_PYTHON: PYTHON });
  expect(run.stderr).not.toMatch(/Traceback|error/);
  expect(run.code).toBe(0);
  return largestMovingMean(join(dir, "exported"));
}

describe("a weights: none backbone's batch normalisation trains", () => {
  it("on the TF.js engine: its 52 batch norms' moving means leave 0", { timeout: 240_000 }, async () => {
    const { count, largest } = await trainOn("tfjs");
    expect(count).toBe(52);
    expect(largest).toBeGreaterThan(1e-3);
  });

  it.skipIf(TORCH_MISSING !== undefined)("on the torch engine: the same", { timeout: 240_000 }, async () => {
    const { count, largest } = await trainOn("torch");
    expect(count).toBe(52);
    expect(largest).toBeGreaterThan(1e-3);
  });
});
