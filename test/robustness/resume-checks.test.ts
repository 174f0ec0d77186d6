/**
 * `--resume` continues a run only from a checkpoint it can trust: one saved for the model
 * the `.dlm` describes now (an edited model is refused, saying what changed and what to
 * do) and whose `checkpoint.json` and `stage.json` are whole (a damaged one is named, with
 * the field at fault, never a bare JSON error or a stack trace).
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeScratch, runDlm, STACK_TRACE } from "./runs/scratch.js";
import { blobsCsv, blobsExperiment } from "./signals-fixtures.js";

describe("--resume checks the checkpoint first", () => {
  const scratch = makeScratch("resume-checks");
  const args = ["run", "blobs.dlm", "--backend", "wasm", "--out", "runs", "--limit", "90"];
  const checkpoint = join(scratch, "runs", "blobs", "checkpoint");
  const pristine = join(scratch, "pristine-checkpoint");

  beforeAll(() => {
    writeFileSync(join(scratch, "blobs.csv"), blobsCsv(120));
    writeFileSync(join(scratch, "blobs.dlm"), blobsExperiment());
    // One epoch of the five: a checkpoint that --resume would continue.
    const first = runDlm(scratch, [...args, "--epochs", "1"]);
    expect(first.status, first.stderr).toBe(0);
    cpSync(checkpoint, pristine, { recursive: true });
  });

  function restoreCheckpoint(): void {
    rmSync(checkpoint, { recursive: true, force: true });
    cpSync(pristine, checkpoint, { recursive: true });
  }

  it("refuses a model edited since the checkpoint, naming the change and the way out", () => {
    restoreCheckpoint();
    writeFileSync(join(scratch, "blobs.dlm"), blobsExperiment({ units: 32 }));
    const result = runDlm(scratch, [...args, "--resume"]);
    writeFileSync(join(scratch, "blobs.dlm"), blobsExperiment());

    expect(result.status, result.stdout).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const error = /^error: .*$/m.exec(result.stderr)?.[0] ?? "";
    expect(error).toContain(join("runs", "blobs", "checkpoint", "checkpoint.json"));
    expect(error).toContain("the model of experiment `blobs` changed since this checkpoint was saved");
    expect(error).toContain("layer 1 (dense): units was 16, now 32");
    expect(error).toMatch(/without `--resume`.*`--force`/);
    expect(result.stdout).not.toMatch(/^Epoch /m);
    // Nothing was trained over the checkpoint.
    expect(readFileSync(join(checkpoint, "checkpoint.json"), "utf8")).toBe(readFileSync(join(pristine, "checkpoint.json"), "utf8"));
  });

  it("resumes the unedited model from the same checkpoint", () => {
    restoreCheckpoint();
    const result = runDlm(scratch, [...args, "--resume"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("dlm: resuming train at epoch 2 from");
  });

  const damaged: [string, string, string, RegExp][] = [
    ["checkpoint.json", "truncated", '{"epoch": 1, "hist', /checkpoint\.json: not valid JSON \(/],
    [
      "checkpoint.json",
      "a history row too short",
      JSON.stringify({ epoch: 1, history: { epochs: [0], logs: { loss: [] } } }),
      /checkpoint\.json: `history\.logs\.loss` should be a list of 1 numbers \(one per epoch\), found \[\]/,
    ],
    ["stage.json", "an unknown stage", '{"stage": "warmup"}', /stage\.json: `stage` should be "train" or "fine_tune", found "warmup"/],
  ];
  it.each(damaged)("names the file and the fault of a damaged %s (%s)", (file, _what, text, expected) => {
    restoreCheckpoint();
    writeFileSync(join(checkpoint, file), text);
    const result = runDlm(scratch, [...args, "--resume"]);
    expect(result.status, result.stdout).toBe(1);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toMatch(/SyntaxError|TypeError/);
    const error = /^error: .*$/m.exec(result.stderr)?.[0] ?? "";
    expect(error).toMatch(expected);
    expect(error).toContain(join("runs", "blobs", "checkpoint", file));
    expect(error).toContain("The checkpoint is damaged: start the run again without `--resume`");
  });
});
