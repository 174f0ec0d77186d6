/**
 * The torch engine end to end: `dlm run --engine torch` trains iris with PyTorch, fills the
 * run folder (history.csv, metrics.json from DLM's metrics) and exports a TF.js bundle that
 * reproduces the torch predictions; two gloo processes reach the same weights after 3 steps
 * as one process on the same global batches; a missing torch is one clear message.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { emitTorchProgram } from "../../compiler/torch/emit-torch.js";
import { launchTorchProcesses } from "../../src/commands/launch-torch.js";
import { loadBundle } from "../../runtime/export.js";
import { decodeNpy, encodeNpy } from "../../runtime/data/npy.js";
import { PYTHON, TORCH_MISSING, runCli } from "./torch-python.js";

const ROOT = join(import.meta.dirname, "..", "..");

describe.skipIf(TORCH_MISSING !== undefined)("dlm run --engine torch", () => {
  it("trains iris, writes history and metrics, and exports a bundle that predicts as torch did", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-iris-"));
    copyFileSync(join(ROOT, "samples", "iris.dlm"), join(dir, "iris.dlm"));
    const runs = join(dir, "runs");
    const result = await runCli(["run", join(dir, "iris.dlm"), "--engine", "torch", "--epochs", "40", "--out", runs], { DLM_PYTHON: PYTHON });
    expect(result.stderr).not.toMatch(/Traceback|at .*\.ts:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dlm: epoch 1\/40 {2}loss \d\.\d{4} {2}val_loss \d\.\d{4}/);
    const runDir = join(runs, "iris");
    const metrics = JSON.parse(readFileSync(join(runDir, "metrics.json"), "utf8")) as { backend: string; evaluation: { metrics: Record<string, number> } };
    expect(metrics.backend).toBe("torch");
    expect(metrics.evaluation.metrics["accuracy"]).toBeGreaterThanOrEqual(0.85);
    const history = readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n");
    // per-epoch metrics over whole splits, computed by DLM from the outputs the program saved
    expect(history[0]).toBe("epoch,loss,accuracy,val_loss,val_accuracy,lr");
    expect(history.length).toBeGreaterThan(10);
    const last = history[history.length - 1]!.split(",").map(Number);
    expect(last[2]).toBeGreaterThan(0.8);
    expect(last[4]).toBeGreaterThan(0.8);
    // the exported TF.js bundle reproduces the torch program's predictions
    const bundle = await loadBundle(join(dir, "exports", "iris"));
    const x = decodeNpy(readFileSync(join(runDir, "prepared", "test.x.npy")));
    const expected = decodeNpy(readFileSync(join(runDir, "torch", "predictions-test.npy"))).data;
    const got = (bundle.model.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).dataSync();
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    expect(got.length).toBe(expected.length);
    expect(worst).toBeLessThan(1e-5);
  }, 300_000);

  it("trains the boston sample (regression, reduce_lr_on_plateau) with metrics in the target's units", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-boston-"));
    copyFileSync(join(ROOT, "samples", "boston_housing.dlm"), join(dir, "boston_housing.dlm"));
    const runs = join(dir, "runs");
    const result = await runCli(["run", join(dir, "boston_housing.dlm"), "--engine", "torch", "--epochs", "60", "--out", runs], { DLM_PYTHON: PYTHON });
    expect(result.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(runs, "boston_housing", "metrics.json"), "utf8")) as { evaluation: { metrics: Record<string, number> } };
    expect(metrics.evaluation.metrics["r2"]).toBeGreaterThan(0.6);
    // rmse in thousands of dollars, as the TF.js engine reports it (not in standardized units)
    expect(metrics.evaluation.metrics["rmse"]).toBeGreaterThan(1);
    expect(metrics.evaluation.metrics["rmse"]).toBeLessThan(8);
  }, 300_000);

  it("`engine: torch` in the experiment trains on torch; `--engine tfjs` overrides it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-engine-setting-"));
    const file = join(dir, "iris.dlm");
    writeFileSync(file, readFileSync(join(ROOT, "samples", "iris.dlm"), "utf8").replace("  seed: 42\n", "  seed: 42\n  engine: torch\n"));
    const torch = await runCli(["run", file, "--epochs", "2", "--out", join(dir, "torch")], { DLM_PYTHON: PYTHON });
    expect(torch.code).toBe(0);
    expect(torch.stdout).toContain("dlm: experiment `iris` on torch");
    expect(existsSync(join(dir, "torch", "iris", "torch", "weights.bin"))).toBe(true);
    expect((JSON.parse(readFileSync(join(dir, "torch", "iris", "metrics.json"), "utf8")) as { backend: string }).backend).toBe("torch");
    const tfjs = await runCli(["run", file, "--engine", "tfjs", "--epochs", "2", "--out", join(dir, "tfjs")], { DLM_PYTHON: PYTHON });
    expect(tfjs.code).toBe(0);
    expect(existsSync(join(dir, "tfjs", "iris", "torch"))).toBe(false);
    expect((JSON.parse(readFileSync(join(dir, "tfjs", "iris", "metrics.json"), "utf8")) as { backend: string }).backend).not.toBe("torch");
  }, 300_000);

  for (const [kind, model, shape] of [
    ["dense", "dense(16, activation: relu)\n    dense(3, activation: softmax)", [4]],
    ["conv", "conv2d(4, 3, stride: 2, padding: same, activation: relu)\n    max_pool2d(2)\n    flatten\n    dense(10, activation: softmax)", [28, 28, 1]],
  ] as const) {
    it(`${kind} model: --nproc 2 (gloo) gives one process's weights after 3 steps`, async () => {
      const source = `experiment e {
  seed: 5
  data { source: builtin("${kind === "dense" ? "iris" : "mnist"}") }
  model {
    ${model}
  }
  train { optimizer: adam(learning_rate: 0.01), loss: sparse_categorical_crossentropy, metrics: [accuracy], epochs: 1, batch_size: 16 }
}`;
      const checked = checkSource(source);
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), `dlm-torch-ddp-${kind}-`));
      const program = join(dir, "e.py");
      writeFileSync(program, emitTorchProgram(checked.plans[0]!, { outDir: dir, sourceText: () => source }).text);
      // 64 synthetic examples: 4 global batches of 16, the same on 1 and 2 processes
      const data = join(dir, "data");
      mkdirSync(data);
      const n = 64;
      const size = shape.reduce((a: number, b: number) => a * b, 1);
      const features = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 12.9898) * 0.5);
      const labels = Int32Array.from({ length: n }, (_, i) => i % (kind === "dense" ? 3 : 10));
      writeFileSync(join(data, "train.x.npy"), encodeNpy({ data: features, shape: [n, ...shape] }));
      writeFileSync(join(data, "train.y.npy"), encodeNpy({ data: labels, shape: [n] }));
      writeFileSync(join(data, "manifest.json"), JSON.stringify({ splits: { train: { x: "train.x.npy", y: "train.y.npy", size: n } }, classWeights: null }));
      const weights: Float32Array[] = [];
      for (const nproc of [1, 2]) {
        const out = join(dir, `out${nproc}`);
        const result = await launchTorchProcesses(PYTHON, program, ["--data", data, "--out", out, "--max-steps", "3"], nproc, { onProgress: () => undefined });
        expect(result).toEqual({ code: 0 });
        const bytes = readFileSync(join(out, "weights.bin"));
        weights.push(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
      }
      const [one, two] = weights as [Float32Array, Float32Array];
      expect(two.length).toBe(one.length);
      let worst = 0;
      let largest = 0;
      for (let i = 0; i < one.length; i++) {
        worst = Math.max(worst, Math.abs(one[i]! - two[i]!));
        largest = Math.max(largest, Math.abs(one[i]!));
      }
      expect(worst / largest).toBeLessThan(1e-5);
      // both saw the same 48 training examples (3 global batches), gathered from every rank for DLM's metrics
      for (const nproc of [1, 2]) {
        const labels = decodeNpy(readFileSync(join(dir, `out${nproc}`, "predictions-epoch1-train-labels.npy")));
        expect(labels.shape).toEqual([48]);
      }
      expect(existsSync(join(dir, "out1", "history.json"))).toBe(true);
    }, 300_000);
  }
});

describe.skipIf(TORCH_MISSING !== undefined)("the local launcher", () => {
  it("sets the env:// variables, and when one rank fails stops the others and names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-launch-"));
    const script = join(dir, "fails.py");
    writeFileSync(
      script,
      [
        "import json, os, sys, time",
        "rank = int(os.environ['RANK'])",
        "print('dlm-progress ' + json.dumps({k: os.environ[k] for k in ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')}), flush=True)",
        "if rank == 1:",
        "    sys.exit(3)",
        "time.sleep(120)  # as a rank waiting for the failed one in a collective",
      ].join("\n"),
    );
    const records: Record<string, unknown>[] = [];
    const started = Date.now();
    const result = await launchTorchProcesses(PYTHON, script, [], 2, { onProgress: (record) => records.push(record) });
    expect(result).toEqual({ code: 3, failedRank: 1 });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ RANK: "0", LOCAL_RANK: "0", WORLD_SIZE: "2", MASTER_ADDR: "127.0.0.1" });
    expect(Number(records[0]!["MASTER_PORT"])).toBeGreaterThan(0);
  }, 120_000);
});

describe.skipIf(TORCH_MISSING !== undefined)("the local launcher after rank 0 finished", () => {
  it("stops a rank that does not exit after rank 0 succeeded, and the run succeeds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-straggler-"));
    const script = join(dir, "straggles.py");
    writeFileSync(script, ["import os, time", "if os.environ['RANK'] == '1':", "    time.sleep(600)  # as a rank stuck leaving the process group"].join("\n"));
    const started = Date.now();
    const result = await launchTorchProcesses(PYTHON, script, [], 2, { onProgress: () => undefined, finishGraceMs: 2_000 });
    expect(result).toEqual({ code: 0 });
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});

describe("dlm run --engine torch without torch", () => {
  it("says in one line what to install", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-missing-"));
    copyFileSync(join(ROOT, "samples", "iris.dlm"), join(dir, "iris.dlm"));
    const result = await runCli(["run", join(dir, "iris.dlm"), "--engine", "torch", "--out", join(dir, "runs")], {
      DLM_PYTHON: join(dir, "no-such-python"),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: the torch engine needs Python with PyTorch, and `.*no-such-python` cannot be started; set DLM_PYTHON/);
  });
});
