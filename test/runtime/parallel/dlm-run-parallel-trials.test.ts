/**
 * `tune { parallel: 2 }` through the built CLI: the generated program finds the compiled
 * trial worker in dist/, and samples/tune_iris.dlm's search prints the table that trials one
 * at a time print.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDlm } from "../../robustness/runs/scratch.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const FOLDER = mkdtempSync(join(tmpdir(), "dlm-run-parallel-trials-"));
afterAll(() => rmSync(FOLDER, { recursive: true, force: true }));

/** samples/tune_iris.dlm with `parallel: N` written in its `tune { }`, as FILE in the scratch folder. */
function sampleWith(parallel: number, file: string): string {
  const source = readFileSync(join(ROOT, "samples", "tune_iris.dlm"), "utf8");
  const tuned = source.replace(/tune \{ ([^}]*) \}/, `tune { $1, parallel: ${parallel} }`);
  if (tuned === source) throw new Error("samples/tune_iris.dlm has no one-line `tune { }` any more");
  writeFileSync(join(FOLDER, file), tuned);
  return file;
}

/** The trial table a run printed: the lines after `search done`, up to the first that is not a row. */
function tableOf(stdout: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith("dlm: search done"));
  const rows = lines.slice(start + 1);
  return rows.slice(
    0,
    rows.findIndex((line) => !line.startsWith("  ")),
  );
}

describe("dlm run with tune { parallel: 2 }", () => {
  it("prints the trial table of trials one at a time", () => {
    const common = ["--trials", "4", "--epochs", "6", "--backend", "cpu"];
    const one = runDlm(FOLDER, ["run", sampleWith(1, "one.dlm"), ...common, "--out", "one"], 180_000);
    const two = runDlm(FOLDER, ["run", sampleWith(2, "two.dlm"), ...common, "--out", "two"], 180_000);
    expect([one.status, two.status], one.stderr + two.stderr).toEqual([0, 0]);
    expect(two.stdout).toContain("dlm: 2 trials at a time (as asked)");
    expect(tableOf(one.stdout)).toHaveLength(5);
    expect(tableOf(two.stdout)).toEqual(tableOf(one.stdout));
  });
});
