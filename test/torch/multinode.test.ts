/**
 * Runs across machines: `dlm run --engine torch --nnodes N --node-rank R --rdzv HOST:PORT`
 * prepares the data and prints each machine's torchrun command with torch's own flag
 * spellings; `--launcher torchrun` runs this machine's command and reports a torchrun that
 * fails (Debian's torch 1.13 on Python 3.11) in words; bad node flags are usage errors.
 */
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PYTHON, TORCH_MISSING, runCli } from "./torch-python.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TORCH = { DLM_PYTHON: PYTHON };

function irisCopy(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "dlm-torch-nodes-"));
  const file = join(dir, "iris.dlm");
  copyFileSync(join(ROOT, "samples", "iris.dlm"), file);
  return { dir, file };
}

describe("dlm run --engine torch across machines: bad node flags", () => {
  for (const [flags, message] of [
    [["--nnodes", "2", "--node-rank", "2", "--rdzv", "host0:29400"], "--node-rank 2 is not below --nnodes 2: the machines of this run have ranks 0 to 1"],
    [["--nnodes", "2", "--node-rank", "-1", "--rdzv", "host0:29400"], "--node-rank expects a whole number from 0 to 1, found `-1`"],
    [["--nnodes", "2", "--node-rank", "0", "--rdzv", "host0"], "--rdzv expects HOST:PORT with a port from 1 to 65535 (e.g. host0:29400), found `host0`"],
    [["--nnodes", "2", "--node-rank", "0", "--rdzv", "host0:70000"], "--rdzv expects HOST:PORT with a port from 1 to 65535 (e.g. host0:29400), found `host0:70000`"],
    [["--nnodes", "2", "--node-rank", "0", "--rdzv", "host 0:29400"], "--rdzv expects HOST:PORT with a port from 1 to 65535 (e.g. host0:29400), found `host 0:29400`"],
    [["--nnodes", "2", "--node-rank", "1"], "--nnodes above 1 needs --rdzv HOST:PORT"],
    [["--node-rank", "1"], "--node-rank needs --nnodes"],
  ] as const) {
    it(`${flags.join(" ")}: a usage error`, async () => {
      const { dir, file } = irisCopy();
      const result = await runCli(["run", file, "--engine", "torch", ...flags, "--out", join(dir, "runs")], TORCH);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: ${message}`);
      expect(existsSync(join(dir, "runs"))).toBe(false);
    });
  }
});

describe.skipIf(TORCH_MISSING !== undefined)("dlm run --engine torch across machines", () => {
  it("prints every machine's torchrun command with torch's flags, after preparing the data, and starts nothing", async () => {
    const { dir, file } = irisCopy();
    const runs = join(dir, "runs");
    const result = await runCli(["run", file, "--engine", "torch", "--nproc", "2", "--nnodes", "2", "--node-rank", "0", "--rdzv", "10.0.0.5:29400", "--epochs", "3", "--out", runs], TORCH);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    for (const node of [0, 1]) {
      const line = lines.find((text) => text.startsWith(`dlm:   machine ${node}: torchrun `));
      expect(line).toBeDefined();
      expect(line).toContain(
        `torchrun --nnodes 2 --node_rank ${node} --rdzv_backend c10d --rdzv_endpoint 10.0.0.5:29400 --rdzv_id iris --nproc_per_node 2 out/iris-`,
      );
      expect(line).toContain(` --data ${join(runs, "iris", "prepared")} --out ${join(runs, "iris", "torch")} --epochs 3 --checkpoint ${join(runs, "iris", "checkpoint")}`);
    }
    expect(existsSync(join(runs, "iris", "prepared", "manifest.json"))).toBe(true);
    expect(existsSync(join(runs, "iris", "metrics.json"))).toBe(false);
  }, 120_000);

  it("--launcher torchrun runs this machine's command; a torchrun that fails is reported in words", async () => {
    const { dir, file } = irisCopy();
    const runs = join(dir, "runs");
    const result = await runCli(["run", file, "--engine", "torch", "--launcher", "torchrun", "--epochs", "3", "--out", runs], TORCH);
    expect(result.stdout).toContain("dlm: machine 0: torchrun --standalone --nproc_per_node 1 out/iris-");
    if (result.code === 0) {
      // a Python whose torchrun works trains and finishes the run folder as the local launcher does
      expect(existsSync(join(runs, "iris", "metrics.json"))).toBe(true);
    } else {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: torchrun \(`.*-m torch\.distributed\.run`\) failed on this machine: it exited with code \d+; its last line: /);
      if (result.stderr.includes("'NoneType' object has no attribute 'get'")) {
        expect(result.stderr).toContain("dlm: this is torch 1.13's torchrun on Python 3.11");
      }
      expect(existsSync(join(runs, "iris", "metrics.json"))).toBe(false);
    }
  }, 120_000);
});
