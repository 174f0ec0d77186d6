/**
 * `dlm run --workers 2` through the built CLI: the generated program finds the compiled
 * gradient worker in dist/, and two workers train iris to the same epoch losses as one.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDlm } from "../../robustness/runs/scratch.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const FOLDER = mkdtempSync(join(tmpdir(), "dlm-run-workers-"));
copyFileSync(join(ROOT, "samples", "iris.dlm"), join(FOLDER, "iris.dlm"));
afterAll(() => rmSync(FOLDER, { recursive: true, force: true }));

/** The `loss` column of a run's history.csv. */
function lossesOf(out: string): number[] {
  const [header, ...rows] = readFileSync(join(FOLDER, out, "iris", "history.csv"), "utf8").trim().split("\n");
  const column = header!.split(",").indexOf("loss");
  return rows.map((row) => Number(row.split(",")[column]));
}

describe("dlm run --workers", () => {
  it("trains with two workers to the losses one worker reaches", () => {
    const common = ["run", "iris.dlm", "--epochs", "3", "--backend", "cpu"];
    const one = runDlm(FOLDER, [...common, "--workers", "1", "--out", "one"], 180_000);
    const two = runDlm(FOLDER, [...common, "--workers", "2", "--out", "two"], 180_000);
    expect([one.status, two.status], one.stderr + two.stderr).toEqual([0, 0]);
    expect(two.stdout).toContain("dlm: 2 data-parallel workers (as asked)");
    const [lossesOne, lossesTwo] = [lossesOf("one"), lossesOf("two")];
    expect(lossesOne).toHaveLength(3);
    lossesTwo.forEach((loss, epoch) => expect(Math.abs(loss - lossesOne[epoch]!)).toBeLessThan(1e-4));
  });

  it("rejects a count that is no positive integer", () => {
    const run = runDlm(FOLDER, ["run", "iris.dlm", "--workers", "0"]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("--workers");
  });
});
