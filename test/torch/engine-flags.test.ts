/** Flags of the TF.js engine given to the torch engine are refused, never silently ignored. */
import { describe, expect, it } from "vitest";
import { runCli } from "./torch-python.js";

describe("dlm run --engine torch with a TF.js engine flag", () => {
  it.each([["--workers", "2"], ["--backend", "wasm"], ["--trials", "2"]])("%s %s exits 2 and names the flag", async (flag, value) => {
    const result = await runCli(["run", "samples/iris.dlm", "--engine", "torch", flag, value, "--out", "/tmp/dlm-engine-flags"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(result.stderr).toContain("--nproc");
  });
});
