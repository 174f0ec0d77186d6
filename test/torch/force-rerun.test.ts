/**
 * `--force` replaces a torch run's directory, whose `prepared/` and `torch/` folders DLM made,
 * as it replaces a TF.js run's; a file DLM did not write there still stops it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PYTHON, TORCH_MISSING, runCli } from "./torch-python.js";

const EXPERIMENT = `experiment f {
  data { source: builtin("iris"), split { train: 0.8, validation: 0.2 } }
  model {
    dense(4, activation: relu)
    dense(3, activation: softmax)
  }
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;

describe.skipIf(TORCH_MISSING !== undefined)("--force on a torch run directory", () => {
  it("replaces the run DLM made, and refuses one holding a file of the user's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dlm-torch-force-"));
    const file = join(dir, "f.dlm");
    writeFileSync(file, EXPERIMENT);
    const env = { DLM_PYTHON: PYTHON };
    const args = ["run", file, "--engine", "torch", "--out", join(dir, "runs")];
    expect((await runCli(args, env)).code).toBe(0);
    const runDir = join(dir, "runs", "f");
    expect(existsSync(join(runDir, "prepared"))).toBe(true);
    expect(existsSync(join(runDir, "torch"))).toBe(true);

    const again = await runCli([...args, "--force"], env);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`run directory ${runDir}`);

    writeFileSync(join(runDir, "notes.txt"), "mine");
    const refused = await runCli([...args, "--force"], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('holds files a run does not write ("notes.txt")');
    expect(readFileSync(join(runDir, "notes.txt"), "utf8")).toBe("mine");
  });
});
