/**
 * A learning rate far too high makes the loss infinite or NaN within a few batches: the
 * run stops there with one message that names the epoch and the batch and suggests a
 * lower learning rate, exits 1 without a stack trace, records the failure in
 * metrics.json, and keeps no checkpoint of the ruined weights.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeScratch, runDlm, STACK_TRACE } from "./scratch.js";

/** y = 3·x1 + 2·x2 with features in the thousands, left unnormalised. */
function largeValuesCsv(): string {
  const rows = ["x1,x2,y"];
  for (let index = 0; index < 48; index++) {
    const x1 = 1000 + ((index * 7919) % 9000);
    const x2 = 2000 + ((index * 104729) % 7000);
    rows.push(`${x1},${x2},${3 * x1 + 2 * x2}`);
  }
  return rows.join("\n") + "\n";
}

const EXPLODING = `
model Regressor {
  dense(8, activation: relu)
  dense(1)
}

experiment exploding {
  seed: 1
  data {
    source: csv("large.csv", label: y)
    split { train: 0.75, test: 0.25 }
    normalize: none
  }
  model: Regressor
  train {
    optimizer: sgd(learning_rate: 1e6)
    loss: mse
    epochs: 5
    batch_size: 8
    callbacks { terminate_on_nan() }
  }
}
`;

describe("a NaN or infinite loss", () => {
  const scratch = makeScratch("nan-loss");
  writeFileSync(join(scratch, "large.csv"), largeValuesCsv());
  writeFileSync(join(scratch, "exploding.dlm"), EXPLODING);

  it("stops the run naming epoch and batch, suggests a lower learning rate, exits 1", () => {
    const result = runDlm(scratch, ["run", "exploding.dlm", "--backend", "wasm", "--out", "runs"]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(STACK_TRACE);
    const failure = /^error: .*$/m.exec(result.stderr)?.[0] ?? "";
    expect(failure).toMatch(/the loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+/);
    expect(failure).toMatch(/lower learning rate \(it is 1000000\)/);
    // Said once: `terminate_on_nan()` in the file does not print a second copy.
    expect(result.stderr.match(/the loss became/g)).toHaveLength(1);

    const runDir = join(scratch, "runs", "exploding");
    const metrics = JSON.parse(readFileSync(join(runDir, "metrics.json"), "utf8")) as { failure?: string; evaluation?: unknown };
    expect(metrics.failure).toMatch(/the loss became .* at epoch 1, batch \d+/);
    expect(metrics.evaluation).toBeUndefined();
    // The epoch that blew up is not saved: `--resume` would only resume the ruin.
    expect(existsSync(join(runDir, "checkpoint"))).toBe(false);
  });
});
