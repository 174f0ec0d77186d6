/**
 * A saved TF.js model as the backbone of a torch run (`pretrained("base/model.json", until)`):
 * its layers map from their Keras classes (a merge included), DLM hands the program its
 * weights, and the run leaves a frozen backbone exactly as saved while the head trains; a
 * `fine_tune` stage with `unfreeze: last(4)` changes exactly the unfrozen layers (batch norm
 * in inference mode: its scale and offset train, its moving statistics stay); the export
 * predicts under `dlm predict` what the torch program predicted; and a layer the torch engine
 * cannot build is DLM550 on the `pretrained` call, naming the layer and its class.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { decodeNpy } from "../../runtime/data/npy.js";
import { loadBundle } from "../../runtime/export.js";
import { loadModel, saveModel } from "../../runtime/model-io.js";
import { layerWeights, type LayerWeight } from "../../src/commands/build-tfjs-model.js";
import { PYTHON, TORCH_MISSING, randomValues, runCli, runPython } from "./torch-python.js";

const TORCH = { DLM_PYTHON: PYTHON };
const ROOT = join(import.meta.dirname, "..", "..");

/** 90 rows of four features and a class (a, b or c) that a linear rule of them decides. */
function csvRows(): string {
  const features = randomValues(90 * 4, 17, -2, 2);
  const rows = ["f1,f2,f3,f4,label"];
  for (let index = 0; index < 90; index++) {
    const values = Array.from(features.slice(index * 4, index * 4 + 4), (value) => Number(value.toFixed(3)));
    const scores = [values[0]! + values[1]!, values[2]! - values[0]!, values[3]! - values[1]!];
    rows.push(`${values.join(",")},${"abc"[scores.indexOf(Math.max(...scores))]}`);
  }
  return `${rows.join("\n")}\n`;
}

/** A functional TF.js model: a residual add over a batch-normalised branch, then the layers a run cuts off. */
function savedModel(extra?: (x: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 8, activation: "relu", name: "feat_a" }).apply(input) as tf.SymbolicTensor;
  const normalised = tf.layers.batchNormalization({ name: "feat_bn" }).apply(a) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 8, name: "feat_b" }).apply(normalised) as tf.SymbolicTensor;
  const added = tf.layers.add({ name: "feat_add" }).apply([a, b]) as tf.SymbolicTensor;
  const c = tf.layers.dense({ units: 6, activation: "tanh", name: "feat_c" }).apply(extra ? extra(added) : added) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, activation: "softmax", name: "old_head" }).apply(c) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  // moving statistics away from 0 and 1, so batch normalisation in inference mode shows
  const bn = model.getLayer("feat_bn");
  bn.setWeights(bn.getWeights().map((weight, index) => tf.fill(weight.shape, [1.3, 0.2, 0.1, 0.7][index]!)));
  return model;
}

const experiment = (name: string, stages: string, trainCallbacks = "") => `experiment ${name} {
  seed: 5
  data {
    source: csv("data.csv", label: label)
    split { train: 0.6, validation: 0.2, test: 0.2 }
  }
  model {
    base = pretrained("base/model.json", until: feat_c)
    dense(3, activation: softmax)
  }
  train { optimizer: adam(learning_rate: 0.01), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 2, batch_size: 8${trainCallbacks} }
  ${stages}
  export: "exports/${name}"
}
`;

/** Each layer's weights, in its own order. */
const byLayer = (weights: readonly LayerWeight[]) => {
  const layers = new Map<string, number[][]>();
  for (const weight of weights) layers.set(weight.layer, [...(layers.get(weight.layer) ?? []), Array.from(weight.data)]);
  return layers;
};

describe.skipIf(TORCH_MISSING !== undefined)("a saved model as a torch backbone", () => {
  const dir = mkdtempSync(join(tmpdir(), "dlm-torch-saved-"));
  const file = join(dir, "transfer.dlm");
  let saved: Map<string, number[][]>;

  beforeAll(async () => {
    writeFileSync(join(dir, "data.csv"), csvRows());
    await saveModel(join(dir, "base"), savedModel());
    saved = byLayer(layerWeights((await loadModel(join(dir, "base"))).model));
    writeFileSync(
      file,
      experiment("frozen", "") +
        experiment(
          "tuned",
          'fine_tune { optimizer: adam(learning_rate: 0.01), loss: sparse_categorical_crossentropy, epochs: 2, batch_size: 8, unfreeze: last(4), callbacks { csv_logger("logs/fine_tune.csv") } }',
          ', callbacks { csv_logger("logs/train.csv") }',
        ),
    );
  });

  it("trains the head only, then fine-tunes exactly the unfrozen layers; the export predicts as torch did", async () => {
    const first = await runCli(["run", file, "--engine", "torch", "--experiment", "frozen", "--epochs", "1", "--out", join(dir, "one")], TORCH);
    expect(first.stderr).not.toMatch(/Traceback/);
    expect(first.code).toBe(0);
    const oneEpoch = byLayer(layerWeights((await loadBundle(join(dir, "exports", "frozen"))).model));
    const result = await runCli(["run", file, "--engine", "torch", "--out", join(dir, "runs")], TORCH);
    expect(result.stderr).not.toMatch(/Traceback/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dlm: training: 2 trainable weight tensors, 21 of ");
    expect(result.stdout).toMatch(/dlm: fine-tuning: 8 trainable weight tensors/);
    expect(result.stdout).toContain("dlm: epoch 4/4");
    const frozen = byLayer(layerWeights((await loadBundle(join(dir, "exports", "frozen"))).model));
    const tuned = byLayer(layerWeights((await loadBundle(join(dir, "exports", "tuned"))).model));

    const layers = ["base/feat_a", "base/feat_bn", "base/feat_b", "base/feat_c", "dense"];
    for (const weights of [oneEpoch, frozen, tuned]) expect([...weights.keys()]).toEqual(layers);
    expect([...saved.keys()]).toEqual(["feat_a", "feat_bn", "feat_b", "feat_c", "old_head"]);
    // the frozen backbone is the saved model's, bit for bit, batch-norm statistics included; the head trained
    for (const layer of ["feat_a", "feat_bn", "feat_b", "feat_c"]) {
      expect(frozen.get(`base/${layer}`)).toEqual(saved.get(layer));
      expect(oneEpoch.get(`base/${layer}`)).toEqual(saved.get(layer));
    }
    expect(frozen.get("dense")).not.toEqual(oneEpoch.get("dense"));
    // fine_tune's last(4) in TF.js's order is feat_bn, feat_b, feat_add (no weights), feat_c: those change, feat_a stays;
    // feat_bn's scale and offset train, its moving statistics stay (inference mode)
    expect(tuned.get("base/feat_a")).toEqual(saved.get("feat_a"));
    expect(tuned.get("base/feat_bn")!.slice(0, 2)).not.toEqual(saved.get("feat_bn")!.slice(0, 2));
    expect(tuned.get("base/feat_bn")!.slice(2)).toEqual(saved.get("feat_bn")!.slice(2));
    expect(tuned.get("base/feat_b")).not.toEqual(saved.get("feat_b"));
    expect(tuned.get("base/feat_c")).not.toEqual(saved.get("feat_c"));
    expect(tuned.get("dense")).not.toEqual(frozen.get("dense"));

    // history continues across the stages, and the checkpoint says which stage it belongs to
    const history = readFileSync(join(dir, "runs", "tuned", "history.csv"), "utf8").trim().split("\n");
    expect(history.map((row) => row.split(",")[0])).toEqual(["epoch", "1", "2", "3", "4"]);
    expect(JSON.parse(readFileSync(join(dir, "runs", "tuned", "checkpoint", "stage.json"), "utf8"))).toEqual({ stage: "fine_tune" });

    // csv_logger: each stage's rows of the history, in the layout of the TF.js engine's callback (checked below)
    const logged = (stage: string) => readFileSync(join(dir, "logs", `${stage}.csv`), "utf8").trim().split("\n");
    const columns = history[0]!.split(",");
    for (const [stage, epochs] of [["train", [1, 2]], ["fine_tune", [3, 4]]] as const) {
      const [header, ...rows] = logged(stage);
      expect(header).toBe("epoch,accuracy,loss,lr,val_accuracy,val_loss");
      expect(rows.map((row) => Number(row.split(",")[0]))).toEqual(epochs);
      for (const [row, line] of rows.entries()) {
        const values = Object.fromEntries(line.split(",").map((value, column) => [header!.split(",")[column]!, Number(value)]));
        const expected = history[epochs[row]!]!.split(",").map(Number);
        for (const [column, name] of columns.entries()) expect(values[name]).toBeCloseTo(expected[column]!, 12);
      }
    }
    const torchLogs = [logged("train"), logged("fine_tune")];

    // dlm predict on the raw test rows gives the torch program's own test predictions
    const runDir = join(dir, "runs", "tuned");
    const x = decodeNpy(readFileSync(join(runDir, "prepared", "test.x.npy")));
    const rows = Array.from({ length: x.shape[0]! }, (_, row) => Array.from(x.data.slice(row * 4, row * 4 + 4)).join(","));
    writeFileSync(join(dir, "test.csv"), `f1,f2,f3,f4\n${rows.join("\n")}\n`);
    const predicted = await runCli(["predict", join(dir, "exports", "tuned"), join(dir, "test.csv"), "--json"]);
    expect(predicted.code).toBe(0);
    const labels = JSON.parse(readFileSync(join(runDir, "prepared", "manifest.json"), "utf8")).info.classes as string[];
    const probabilities = (JSON.parse(predicted.stdout) as { probabilities: Record<string, number> }[]).flatMap((entry) => labels.map((label) => entry.probabilities[label]!));
    const expected = decodeNpy(readFileSync(join(runDir, "torch", "predictions-test.npy"))).data;
    expect(probabilities.length).toBe(expected.length);
    const worst = Math.max(...probabilities.map((value, index) => Math.abs(value - expected[index]!)));
    process.stdout.write(`saved backbone: dlm predict vs torch, max difference ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThan(1e-5);

    // the TF.js engine's csv_logger writes the same columns and epochs (and may replace the torch run's file: DLM wrote it)
    const tfjs = await runCli(["run", file, "--experiment", "tuned", "--out", join(dir, "tfjs")]);
    expect(tfjs.code).toBe(0);
    const firstColumn = (lines: readonly string[]) => lines.map((line) => line.split(",")[0]);
    for (const [index, stage] of ["train", "fine_tune"].entries()) {
      expect(logged(stage)[0]).toBe(torchLogs[index]![0]);
      expect(firstColumn(logged(stage))).toEqual(firstColumn(torchLogs[index]!));
    }
  }, 300_000);

  it("a run cut inside fine_tune, or at the stage boundary, resumes to the weights of the whole run (needs the run above)", () => {
    const runDir = join(dir, "runs", "tuned");
    const program = join(ROOT, "out", `tuned-${createHash("sha256").update(file).digest("hex").slice(0, 8)}.py`);
    const whole = readFileSync(join(runDir, "torch", "weights.bin"));
    // 54 training examples in batches of 8: 7 steps an epoch; train is epochs 1-2, fine_tune 3-4
    for (const [steps, stage] of [[24, "fine_tune"], [16, "train"]] as const) {
      const out = join(dir, `cut-${steps}`);
      const args = [program, "--data", join(runDir, "prepared"), "--out", join(out, "torch"), "--checkpoint", join(out, "checkpoint")];
      runPython([...args, "--max-steps", String(steps)]);
      expect(JSON.parse(readFileSync(join(out, "checkpoint", "stage.json"), "utf8"))).toEqual({ stage });
      runPython([...args, "--resume"]);
      expect(readFileSync(join(out, "torch", "weights.bin")).equals(whole)).toBe(true);
    }
  }, 120_000);

  it("a saved layer the torch engine cannot build is DLM550 on the pretrained call, naming the layer and its class", async () => {
    await saveModel(join(dir, "odd"), savedModel((x) => tf.layers.prelu({ name: "odd_prelu" }).apply(x) as tf.SymbolicTensor));
    const source = experiment("odd", "").replace("base/model.json", "odd/model.json");
    const oddFile = join(dir, "odd.dlm");
    writeFileSync(oddFile, source);
    const result = checkProgram([oddFile], nodeCompilerHost(), { engine: "torch" });
    const diagnostic = result.diagnostics.find((candidate) => candidate.code === "DLM550");
    expect(diagnostic).toBeDefined();
    expect(source.slice(diagnostic!.range.start, diagnostic!.range.end)).toBe('pretrained("odd/model.json", until: feat_c)');
    expect(diagnostic!.message).toContain("`odd_prelu` (PReLU)");
    expect(checkProgram([file], nodeCompilerHost(), { engine: "torch" }).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});
