/**
 * Checkpoints of the torch engine: a run stopped after k epochs and resumed to N ends with
 * the weights of a run of N epochs (dropout, Adam and reduce_lr_on_plateau included, so the
 * random, optimizer and callback states must all come back); a rank killed in the middle of
 * a two-process run fails the run with its rank and signal, leaves the last checkpoint as it
 * was, and `--resume` finishes the run from it; a changed model is refused.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCheckpointState } from "../../runtime/callbacks/checkpoint-state.js";
import { PYTHON, TORCH_MISSING, runCli } from "./torch-python.js";

/** An experiment with dropout, Adam and a plateau callback: resuming must restore every state they keep. */
function experiment(units: number, batchSize: number, epochs: number): string {
  return `experiment r {
  seed: 3
  data {
    source: builtin("iris")
    split { train: 0.8, validation: 0.2, stratify: true }
    normalize: standardize
  }
  model {
    dense(${units}, activation: relu)
    dropout(0.3)
    dense(3, activation: softmax)
  }
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: ${epochs}
    batch_size: ${batchSize}
    callbacks {
      reduce_lr_on_plateau(monitor: val_loss, patience: 1, factor: 0.5)
    }
  }
}
`;
}

const TORCH = { DLM_PYTHON: PYTHON };

function weightsOf(runDir: string): Float32Array {
  const bytes = readFileSync(join(runDir, "torch", "weights.bin"));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** SHA-256 over every file of a folder, names included. */
function folderHash(dir: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(join(dir, name)));
  return hash.digest("hex");
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(TORCH_MISSING !== undefined)("torch checkpoints and --resume", () => {
  it("a run stopped after 3 epochs and resumed to 6 ends with the weights of a 6-epoch run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-resume-"));
    const file = join(dir, "r.dlm");
    writeFileSync(file, experiment(16, 16, 6));
    const whole = await runCli(["run", file, "--engine", "torch", "--out", join(dir, "whole")], TORCH);
    expect(whole.stderr).not.toMatch(/Traceback/);
    expect(whole.code).toBe(0);
    const first = await runCli(["run", file, "--engine", "torch", "--epochs", "3", "--out", join(dir, "parts")], TORCH);
    expect(first.code).toBe(0);
    const checkpoint = join(dir, "parts", "r", "checkpoint", "checkpoint.json");
    // DLM's checkpoint.json, as the TF.js engine writes it and reads it back
    const saved = parseCheckpointState(readFileSync(checkpoint, "utf8"), checkpoint);
    expect(saved.epoch).toBe(3);
    expect(saved.history.epochs).toEqual([0, 1, 2]);
    expect(saved.optimizer.className).toBe("Adam");
    const resumed = await runCli(["run", file, "--engine", "torch", "--resume", "--out", join(dir, "parts")], TORCH);
    expect(resumed.stderr).not.toMatch(/Traceback/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("dlm: resuming train at epoch 4");
    expect(resumed.stdout).not.toMatch(/epoch [123]\/6/);
    const a = weightsOf(join(dir, "whole", "r"));
    const b = weightsOf(join(dir, "parts", "r"));
    expect(b.length).toBe(a.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
    // the resumed run's history holds all six epochs, with the metrics of the first three too
    const history = readFileSync(join(dir, "parts", "r", "history.csv"), "utf8").trim().split("\n");
    expect(history).toEqual(readFileSync(join(dir, "whole", "r", "history.csv"), "utf8").trim().split("\n"));
    expect(history).toHaveLength(7);
    expect(parseCheckpointState(readFileSync(checkpoint, "utf8"), checkpoint).epoch).toBe(6);
  }, 300_000);

  it("model_checkpoint saves the epoch of the best val_accuracy, beside the .dlm file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-model-checkpoint-"));
    const file = join(dir, "r.dlm");
    writeFileSync(file, experiment(16, 16, 6).replace("    callbacks {\n", '    callbacks {\n      model_checkpoint("best", monitor: val_accuracy)\n'));
    const result = await runCli(["run", file, "--engine", "torch", "--out", join(dir, "runs")], TORCH);
    expect(result.code).toBe(0);
    const saved = parseCheckpointState(readFileSync(join(dir, "best", "checkpoint.json"), "utf8"), "checkpoint.json");
    const rows = readFileSync(join(dir, "runs", "r", "history.csv"), "utf8").trim().split("\n");
    const column = rows[0]!.split(",").indexOf("val_accuracy");
    const accuracies = rows.slice(1).map((row) => Number(row.split(",")[column]));
    const best = Math.max(...accuracies);
    expect(saved.monitor).toBe("val_accuracy");
    // DLM's val_accuracy in history.csv and the program's monitored value agree
    expect(saved.best).toBeCloseTo(best, 6);
    expect(saved.epoch).toBe(accuracies.indexOf(best) + 1);
  }, 300_000);

  it("refuses to resume a checkpoint of another model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-resume-changed-"));
    const file = join(dir, "r.dlm");
    writeFileSync(file, experiment(16, 16, 2));
    expect((await runCli(["run", file, "--engine", "torch", "--out", join(dir, "runs")], TORCH)).code).toBe(0);
    writeFileSync(file, experiment(8, 16, 2));
    const result = await runCli(["run", file, "--engine", "torch", "--resume", "--out", join(dir, "runs")], TORCH);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checkpoint\.json: cannot resume: the model of experiment `r` changed since this checkpoint was saved/);
  }, 300_000);

  it("a rank killed mid-run fails the run with its rank and signal, keeps the last checkpoint, and --resume finishes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-kill-"));
    const file = join(dir, "r.dlm");
    // a global batch of 2: 120 steps an epoch, each a collective that needs both ranks
    writeFileSync(file, experiment(16, 2, 5));
    const runs = join(dir, "runs");
    const runDir = join(runs, "r");
    const checkpointDir = join(runDir, "checkpoint");
    const run = runCli(["run", file, "--engine", "torch", "--nproc", "2", "--out", runs], TORCH);
    let killed: { pid: number; hash: string; epoch: number } | undefined;
    const watch = waitFor(() => {
      if (!existsSync(join(checkpointDir, "checkpoint.json")) || !existsSync(join(runDir, "torch", "ranks.json"))) return undefined;
      const text = readFileSync(join(runDir, "torch", "ranks.json"), "utf8");
      if (!text.endsWith("\n")) return undefined; // still being written
      const pid = (JSON.parse(text) as { ranks: { rank: number; pid: number }[] }).ranks.find((entry) => entry.rank === 1)!.pid;
      process.kill(pid, "SIGKILL");
      // rank 0 cannot finish another epoch without rank 1: this is the last checkpoint
      const saved = readFileSync(join(checkpointDir, "checkpoint.json"), "utf8");
      killed = { pid, hash: folderHash(checkpointDir), epoch: parseCheckpointState(saved, "checkpoint.json").epoch };
      return killed;
    }, 240_000);
    const [result] = await Promise.all([run, watch]);
    expect(killed).toBeDefined();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: the torch program failed: rank 1 was killed by SIGKILL");
    expect(result.stderr).toContain(`dlm: the checkpoint of epoch ${killed!.epoch} is in ${checkpointDir}: continue with the same command and --resume`);
    expect(folderHash(checkpointDir)).toBe(killed!.hash);
    expect(readdirSync(runDir).filter((name) => name.startsWith("checkpoint."))).toEqual([]);
    expect(existsSync(join(runDir, "metrics.json"))).toBe(false);

    // a save cut short by a kill of rank 0 leaves a signed temporary folder: the next run clears it
    const abandoned = join(runDir, "checkpoint.tmp-1-abc123");
    mkdirSync(abandoned);
    writeFileSync(join(abandoned, ".dlm-bundle.json"), JSON.stringify({ writtenBy: "dlm", folder: "checkpoint" }));
    const resumed = await runCli(["run", file, "--engine", "torch", "--nproc", "2", "--resume", "--out", runs], TORCH);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`dlm: resuming train at epoch ${killed!.epoch + 1} from ${checkpointDir}`);
    expect(resumed.stdout).toContain("dlm: epoch 5/5");
    const history = readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n");
    expect(history).toHaveLength(6);
    expect(existsSync(join(runDir, "metrics.json"))).toBe(true);
    expect(existsSync(abandoned)).toBe(false);
  }, 400_000);
});
