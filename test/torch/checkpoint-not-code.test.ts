/**
 * A torch checkpoint is data: `--resume` reads `torch-state.pt` with `weights_only`, so a
 * state file that asks to run code (a pickle with a `__reduce__`) is refused with a message,
 * and the code never runs. The run's own checkpoints, floats and numpy random states
 * included, still resume (test/torch/resume.test.ts checks the weights).
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PYTHON, TORCH_MISSING, runCli, runPython } from "./torch-python.js";

const EXPERIMENT = `experiment c {
  seed: 2
  data {
    source: builtin("iris")
    split { train: 0.8, validation: 0.2 }
    normalize: standardize
  }
  model {
    dense(8, activation: relu)
    dense(3, activation: softmax)
  }
  train { optimizer: adam, loss: sparse_categorical_crossentropy, epochs: 2, batch_size: 16 }
}
`;

describe.skipIf(TORCH_MISSING !== undefined)("a torch checkpoint is never run as code", () => {
  it("resumes its own checkpoint and refuses one that would run code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-pickle-"));
    const file = join(dir, "c.dlm");
    writeFileSync(file, EXPERIMENT);
    const env = { DLM_PYTHON: PYTHON };
    const first = await runCli(["run", file, "--engine", "torch", "--out", join(dir, "runs")], env);
    expect(first.code).toBe(0);
    const resumed = await runCli(["run", file, "--engine", "torch", "--epochs", "3", "--out", join(dir, "runs"), "--resume"], env);
    expect(resumed.stderr).not.toMatch(/Traceback/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resuming train at epoch 3");

    const state = join(dir, "runs", "c", "checkpoint", "torch-state.pt");
    const marker = join(dir, "ran");
    runPython([
      "-c",
      [
        "import os, sys, torch",
        "class Payload:",
        "    def __reduce__(self):",
        "        return (os.mknod, (sys.argv[2],))",
        "torch.save({'model': Payload()}, sys.argv[1])",
      ].join("\n"),
      state,
      marker,
    ]);
    const attacked = await runCli(["run", file, "--engine", "torch", "--epochs", "4", "--out", join(dir, "runs"), "--resume"], env);
    expect(attacked.code).not.toBe(0);
    expect(attacked.stderr).toContain("torch-state.pt holds more than tensors and numbers, so it was not read (a checkpoint is never run as code)");
    expect(existsSync(marker)).toBe(false);
  });
});
