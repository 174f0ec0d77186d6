/**
 * Finite or fail. `sgd(learning_rate: 1e30)` with cross-entropy used to train on with a
 * clipped, finite loss while the weights became NaN, then checkpoint them as "best", export
 * them and exit 0, and `dlm predict` served `setosa NaN%`. Now the epoch's weights, losses
 * and outputs are checked: the run stops with one message and exit 1, nothing of it is
 * checkpointed or exported, and `dlm predict` refuses a bundle holding a NaN weight (or one
 * whose manifest points outside it).
 */
import { existsSync, promises as fs, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { modelCheckpoint } from "../../runtime/callbacks/model-checkpoint.js";
import { exportBundle } from "../../runtime/export.js";
import { NonFiniteError } from "../../runtime/finite-weights.js";
import { train } from "../../runtime/train.js";
import type { DataInfo, Preprocessing } from "../../runtime/prepared-data.js";
import { makeScratch, runDlm, STACK_TRACE } from "./runs/scratch.js";
import { denseClassifier, disposeData, tinyClassification } from "../runtime/train/fixtures.js";

/** samples/iris.dlm with `sgd(learning_rate: 1e30)`, a best-only checkpoint and an export. */
function divergingIris(callbacks: string): string {
  return `
model IrisMlp {
  dense(16, activation: relu)
  dense(16, activation: relu)
  dense(3, activation: softmax)
}

experiment iris {
  seed: 42
  data {
    source: builtin("iris")
    split { train: 0.7, validation: 0.15, test: 0.15, stratify: true }
    normalize: standardize
  }
  model: IrisMlp
  train {
    optimizer: sgd(learning_rate: 1e30)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: 3
    batch_size: 16
    callbacks {
      model_checkpoint(path: "best", monitor: val_loss)
      ${callbacks}
    }
  }
  evaluate { on: test, metrics: [accuracy] }
  export: "exports/iris"
}
`;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  tf.enableProdMode();
});

describe("a diverging run (sgd with learning rate 1e30, cross-entropy)", () => {
  const scratch = makeScratch("finite-run");

  it("stops after the epoch whose weights are NaN, exits 1, exports and checkpoints nothing", () => {
    writeFileSync(join(scratch, "diverge.dlm"), divergingIris(""));
    const result = runDlm(scratch, ["run", "diverge.dlm", "--backend", "wasm", "--out", "runs"]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(STACK_TRACE);
    const failure = /^error: .*$/m.exec(result.stderr)?.[0] ?? "";
    expect(failure).toMatch(/^error: training diverged at epoch 1: weight `[\w/]+` holds NaN or infinite values/);
    expect(failure).toMatch(/Try a lower learning rate \(it is 1e\+30\), e\.g\. 1e\+29/);
    expect(result.stdout + result.stderr).not.toMatch(/exported bundle/);
    expect(existsSync(join(scratch, "exports", "iris"))).toBe(false);
    expect(existsSync(join(scratch, "best"))).toBe(false);
    expect(existsSync(join(scratch, "runs", "iris", "checkpoint"))).toBe(false);
  });

  it("with terminate_on_nan(), stops at the first batch whose weights are NaN", () => {
    writeFileSync(join(scratch, "batch.dlm"), divergingIris("terminate_on_nan()"));
    const result = runDlm(scratch, ["run", "batch.dlm", "--backend", "wasm", "--out", "runs-batch"]);
    expect(result.status, result.stderr).toBe(1);
    expect(/^error: .*$/m.exec(result.stderr)?.[0]).toMatch(
      /^error: terminate_on_nan: weight `[\w/]+` became NaN or infinite at epoch 1, batch [1-7];/,
    );
    expect(existsSync(join(scratch, "exports", "iris"))).toBe(false);
    expect(existsSync(join(scratch, "best"))).toBe(false);
  });
});

describe("the training loop and model_checkpoint", () => {
  it("never checkpoint an epoch whose weights are NaN, even when its monitored loss is the lowest", async () => {
    const data = tinyClassification();
    const model = denseClassifier(2, 3);
    const scratch = await fs.mkdtemp(join(tmpdir(), "dlm-finite-loop-"));
    const checkpoint = modelCheckpoint({ path: join(scratch, "best"), monitor: "loss", warn: () => undefined });
    const history = await train(model, data, {
      epochs: 3,
      batchSize: 16,
      optimizer: { name: "sgd", learningRate: 1e30 },
      loss: "sparse_categorical_crossentropy",
      callbacks: [checkpoint],
    });
    expect(history.failure).toMatch(/^training diverged at epoch 1: weight `[\w/]+` holds NaN/);
    expect(history.epochs).toEqual([0]);
    expect(checkpoint.savedEpochs).toEqual([]);
    expect(existsSync(join(scratch, "best"))).toBe(false);
    disposeData(data);
    model.dispose();
    await fs.rm(scratch, { recursive: true, force: true });
  });
});

const INFO: DataInfo = {
  task: "classification",
  featureShape: [2],
  featureNames: ["a", "b"],
  classes: ["no", "yes"],
  modality: "tabular",
};
const PREPROCESSING: Preprocessing = {
  normalize: { kind: "none" },
  columns: [
    { name: "a", kind: "numeric" },
    { name: "b", kind: "numeric" },
  ],
};

describe("exporting and serving", () => {
  const scratch = makeScratch("finite-predict");

  /** A bundle of a finite 2 → 2 classifier, written by exportBundle. */
  async function bundle(name: string): Promise<string> {
    const dir = join(scratch, name);
    const model = denseClassifier(2, 2);
    await exportBundle(dir, model, PREPROCESSING, INFO, { experiment: name });
    model.dispose();
    writeFileSync(join(scratch, "input.json"), JSON.stringify([[1, 2]]));
    return dir;
  }

  it("exportBundle refuses a model with a NaN weight and writes nothing", async () => {
    const model = denseClassifier(2, 2);
    const kernel = model.layers[0]!.getWeights()[0]!;
    model.layers[0]!.setWeights([tf.fill(kernel.shape, Number.NaN), ...model.layers[0]!.getWeights().slice(1)]);
    const dir = join(scratch, "nan-export");
    await expect(exportBundle(dir, model, PREPROCESSING, INFO, { experiment: "x" })).rejects.toThrow(NonFiniteError);
    await expect(exportBundle(dir, model, PREPROCESSING, INFO, { experiment: "x" })).rejects.toThrow(
      /cannot export the model to .*nan-export: weight `[\w/]+` holds NaN or infinite values/,
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("dlm predict serves a finite bundle and refuses one whose weights.bin holds a NaN", async () => {
    const dir = await bundle("nan-weight");
    const good = runDlm(scratch, ["predict", dir, "input.json", "--backend", "cpu"]);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^1: (no|yes) {2}\((no|yes) \d+\.\d%/);

    const weights = await fs.readFile(join(dir, "weights.bin"));
    weights.writeFloatLE(Number.NaN, 4);
    await fs.writeFile(join(dir, "weights.bin"), weights);
    const bad = runDlm(scratch, ["predict", dir, "input.json", "--backend", "cpu"]);
    // Exit 2, as for any bundle that cannot be loaded (docs/cli.md).
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).not.toMatch(STACK_TRACE);
    expect(bad.stderr).toMatch(/weight `[\w/]+` holds NaN or infinite values \(it was saved from a diverged run\)/);
  });

  it("dlm predict refuses a bundle whose manifest reaches ../../secret, naming model.json", async () => {
    const dir = await bundle("climbing");
    // Exactly the size the weights need, so only the path check stands between it and the model.
    writeFileSync(join(scratch, "secret"), Buffer.alloc((await fs.stat(join(dir, "weights.bin"))).size, 1));
    const file = join(dir, "model.json");
    const json = JSON.parse(await fs.readFile(file, "utf8")) as tf.io.ModelJSON;
    json.weightsManifest[0]!.paths = ["../secret"];
    await fs.writeFile(file, JSON.stringify(json));
    const result = runDlm(scratch, ["predict", dir, "input.json", "--backend", "cpu"]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).toMatch(/model\.json: weightsManifest names "\.\.\/secret", outside the model's folder/);
  });
});
