/**
 * A run checkpoint belongs to the engine that wrote it: the TF.js engine's holds model.json,
 * the torch engine's torch-state.pt. `--resume` with the other engine is refused with a
 * message that names the engine to resume with, not a missing-file error.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRunCheckpoint } from "../../runtime/run-stages.js";
import { CheckpointError } from "../../runtime/callbacks/checkpoint-state.js";
import { findTorchResumePoint } from "../../src/commands/torch-run-support.js";
import type { ExperimentPlan } from "../../compiler/experiments/experiment-plan.js";

const STATE = {
  epoch: 2,
  history: { epochs: [0, 1], logs: { loss: [0.5, 0.4] } },
  optimizer: { className: "Adam", config: { learningRate: 0.01 } },
  optimizerSaved: true,
  monitor: "loss",
  best: null,
  architecture: "sha256:00",
};

let out: string;
beforeEach(() => {
  out = mkdtempSync(path.join(os.tmpdir(), "dlm-engines-"));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** A run folder `out/iris` whose checkpoint holds `checkpoint.json` and the given files. */
function runWithCheckpoint(files: readonly string[]): string {
  const checkpoint = path.join(out, "iris", "checkpoint");
  mkdirSync(checkpoint, { recursive: true });
  writeFileSync(path.join(checkpoint, "checkpoint.json"), JSON.stringify(STATE));
  writeFileSync(path.join(checkpoint, "stage.json"), JSON.stringify({ stage: "train" }));
  for (const file of files) writeFileSync(path.join(checkpoint, file), "not read");
  return checkpoint;
}

describe("resuming with the other engine", () => {
  it("the TF.js engine refuses a torch checkpoint, naming --engine torch", async () => {
    const checkpoint = runWithCheckpoint(["torch-state.pt"]);
    const loading = loadRunCheckpoint(checkpoint);
    await expect(loading).rejects.toThrow(CheckpointError);
    await expect(loadRunCheckpoint(checkpoint)).rejects.toThrow(
      /written by the torch engine \(it has torch-state\.pt, no model\.json\)\. Resume it with `--engine torch --resume`/,
    );
  });

  it("the TF.js engine still reads its own: a checkpoint without model.json fails on the model, not the engine", async () => {
    const checkpoint = runWithCheckpoint([]);
    await expect(loadRunCheckpoint(checkpoint)).rejects.not.toThrow(/torch engine/);
  });

  it("the torch engine refuses a TF.js checkpoint, naming the TF.js engine", async () => {
    runWithCheckpoint(["model.json", "weights.bin"]);
    const plan = { name: "iris" } as ExperimentPlan;
    await expect(findTorchResumePoint(out, plan, "sha256:00")).rejects.toThrow(
      /written by the TF\.js engine \(it has no torch-state\.pt\)\. Resume it without `--engine torch`/,
    );
  });

  it("the torch engine finds its own checkpoint and the epoch it saved", async () => {
    runWithCheckpoint(["torch-state.pt"]);
    const plan = { name: "iris" } as ExperimentPlan;
    await expect(findTorchResumePoint(out, plan, "sha256:00")).resolves.toEqual({ runDir: path.join(out, "iris"), epoch: 2 });
  });
});
