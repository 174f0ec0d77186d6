/**
 * Ctrl-C during `dlm run`: the program stops after the current batch, saves the run
 * checkpoint, says how to continue and exits with 130; `--resume` then trains exactly the
 * epochs that are left, with the optimizer state restored, and finishes the run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratch, runDlm, startDlm, STACK_TRACE } from "./scratch.js";

const EPOCHS = 20;

/** Iris in batches of 8: 15 steps an epoch, fast, and long enough in total to be interrupted. */
const LONG_IRIS = `
model IrisMlp {
  dense(16, activation: relu)
  dense(3, activation: softmax)
}

experiment long_iris {
  seed: 5
  data {
    source: builtin("iris")
    split { train: 0.8, validation: 0.1, test: 0.1 }
    normalize: standardize
  }
  model: IrisMlp
  train {
    optimizer: adam(learning_rate: 0.01)
    loss: sparse_categorical_crossentropy
    metrics: [accuracy]
    epochs: ${EPOCHS}
    batch_size: 8
  }
}
`;

interface SavedState {
  epoch: number;
  optimizerSaved: boolean;
  optimizer: { className: string };
  history: { epochs: number[] };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

describe("SIGINT, then --resume", () => {
  const scratch = makeScratch("interrupt");
  writeFileSync(join(scratch, "long.dlm"), LONG_IRIS);
  const args = ["run", "long.dlm", "--backend", "wasm", "--out", "runs"];
  const runDir = join(scratch, "runs", "long_iris");

  it("Ctrl-C (the whole process group) stops with 130 and a checkpoint; --resume finishes every epoch once", async () => {
    const running = startDlm(scratch, args, { ownProcessGroup: true });
    await running.waitForLine(/^Epoch 2\//);
    // A terminal's Ctrl-C signals `dlm` and the program alike; `dlm` forwards it as well.
    process.kill(-running.child.pid!, "SIGINT");
    const interrupted = await running.finished;

    expect(interrupted.status, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).not.toMatch(STACK_TRACE);
    expect(interrupted.stderr).not.toMatch(/again: exiting/);
    expect(interrupted.stderr).toMatch(/--resume/);
    expect(interrupted.stderr).toContain(join("runs", "long_iris", "checkpoint"));
    const saved = readJson<SavedState>(join(runDir, "checkpoint", "checkpoint.json"));
    expect(saved.epoch).toBeGreaterThanOrEqual(2);
    expect(saved.epoch).toBeLessThan(EPOCHS);
    expect(saved.optimizer.className).toBe("Adam");
    expect(saved.optimizerSaved).toBe(true);
    // Only finished epochs are in the checkpoint's history.
    expect(saved.history.epochs).toEqual(Array.from({ length: saved.epoch }, (_, epoch) => epoch));
    expect(interrupted.stderr).toContain(`${saved.epoch} of ${EPOCHS} epochs done`);

    const resumed = runDlm(scratch, [...args, "--resume"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`dlm: resuming train at epoch ${saved.epoch + 1} from`);
    expect(resumed.stdout).not.toMatch(/optimizer state was not saved/);
    // The epochs trained after resuming are exactly the ones left.
    const trained = [...resumed.stdout.matchAll(/^Epoch (\d+)\//gm)].map((match) => Number(match[1]));
    expect(trained).toEqual(Array.from({ length: EPOCHS - saved.epoch }, (_, index) => saved.epoch + 1 + index));
    const metrics = readJson<{ epochsRun: number; evaluation?: { metrics: Record<string, number> } }>(join(runDir, "metrics.json"));
    expect(metrics.epochsRun).toBe(EPOCHS);
    expect(metrics.evaluation?.metrics["accuracy"]).toBeGreaterThan(0.5);
    const historyRows = readFileSync(join(runDir, "history.csv"), "utf8").trim().split("\n").slice(1);
    expect(historyRows.map((row) => Number(row.split(",")[0]))).toEqual(Array.from({ length: EPOCHS }, (_, index) => index + 1));
  });

  it("SIGINT sent to `dlm` alone reaches the program too: same 130, same checkpoint", async () => {
    const running = startDlm(scratch, [...args, "--force"]);
    await running.waitForLine(/^Epoch 1\//);
    running.child.kill("SIGINT");
    const interrupted = await running.finished;
    expect(interrupted.status, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toMatch(/SIGINT received/);
    expect(interrupted.stderr).toMatch(/continue with the same command and --resume/);
    expect(readJson<SavedState>(join(runDir, "checkpoint", "checkpoint.json")).epoch).toBeGreaterThanOrEqual(1);
  });
});
