/**
 * Ctrl-C in the middle of an epoch: the run stops at the next batch boundary (within a
 * second), saves the checkpoint and exits 130; the epoch cut short appears in no log and
 * is not counted; `--resume` trains it again and the logs hold every epoch once, numbered
 * from 1.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratch, runDlm, startDlm, STACK_TRACE } from "./runs/scratch.js";
import { blobsCsv, blobsExperiment, EPOCHS } from "./signals-fixtures.js";

/** The epoch column of a CSV log. */
function loggedEpochs(file: string): number[] {
  const rows = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return rows.map((row) => Number(row.split(",")[0]));
}

const oneTo = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

describe("Ctrl-C in the middle of an epoch", () => {
  const scratch = makeScratch("signals-interrupt");
  writeFileSync(join(scratch, "blobs.csv"), blobsCsv());
  writeFileSync(join(scratch, "blobs.dlm"), blobsExperiment());
  const args = ["run", "blobs.dlm", "--backend", "wasm", "--out", "runs"];
  const runDir = join(scratch, "runs", "blobs");
  const csvLog = join(scratch, "logs", "train.csv");

  it("stops within a second with 130; no log has the partial epoch; --resume trains it again, every epoch logged once from 1", async () => {
    const running = startDlm(scratch, args, { ownProcessGroup: true });
    await running.waitForLine(/^Epoch 1\//);
    // Well into epoch 2 (hundreds of batches long), as a terminal's Ctrl-C reaches the whole group.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = performance.now();
    process.kill(-running.child.pid!, "SIGINT");
    const interrupted = await running.finished;
    const stoppedAfterMs = performance.now() - sentAt;

    expect(interrupted.status, interrupted.stderr).toBe(130);
    expect(stoppedAfterMs).toBeLessThan(1000);
    expect(interrupted.stderr).not.toMatch(STACK_TRACE);
    expect(interrupted.stderr).toMatch(/SIGINT received: stopping after this batch/);
    expect(interrupted.stderr).toContain(`1 of ${EPOCHS} epochs done`);
    const saved = JSON.parse(readFileSync(join(runDir, "checkpoint", "checkpoint.json"), "utf8")) as {
      epoch: number;
      history: { epochs: number[] };
      architecture: string;
    };
    // Epoch 2 was cut short: the checkpoint resumes at it and its history has epoch 1 only.
    expect(saved.epoch).toBe(1);
    expect(saved.history.epochs).toEqual([0]);
    expect(saved.architecture).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The terminal showed epoch 1 only; the csv log has it once, numbered 1.
    expect(interrupted.stdout.match(/^Epoch \d+\//gm)).toEqual(["Epoch 1/"]);
    expect(loggedEpochs(csvLog)).toEqual([1]);

    const resumed = runDlm(scratch, [...args, "--resume"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("dlm: resuming train at epoch 2 from");
    const trained = [...resumed.stdout.matchAll(/^Epoch (\d+)\//gm)].map((match) => Number(match[1]));
    expect(trained).toEqual([2, 3]);
    expect(loggedEpochs(csvLog)).toEqual(oneTo(EPOCHS));
    expect(loggedEpochs(join(runDir, "history.csv"))).toEqual(oneTo(EPOCHS));
    const metrics = JSON.parse(readFileSync(join(runDir, "metrics.json"), "utf8")) as { epochsRun: number };
    expect(metrics.epochsRun).toBe(EPOCHS);
  });
});
