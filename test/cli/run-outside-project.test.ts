/**
 * `dlm run` on a `.dlm` outside any project that installs dlm (a global install, or this
 * checkout's CLI used on a file elsewhere): the compiled program still finds `dlm/runtime`
 * and TensorFlow.js, through the CLI's own install, in CommonJS and ESM folders alike.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dlmPackageRoot, programNodeOptions, resolvesFrom } from "../../src/commands/program-environment.js";
import { runDlm } from "../robustness/runs/scratch.js";

const ROOT = join(import.meta.dirname, "..", "..");
const OUTSIDE = mkdtempSync(join(tmpdir(), "dlm-outside-"));
afterAll(() => rmSync(OUTSIDE, { recursive: true, force: true }));

/** A fresh folder under OUTSIDE holding samples/iris.dlm and, if given, a package.json. */
function folderWithIris(name: string, packageJson?: object): string {
  const folder = join(OUTSIDE, name);
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(ROOT, "samples", "iris.dlm"), join(folder, "iris.dlm"));
  if (packageJson !== undefined) writeFileSync(join(folder, "package.json"), JSON.stringify(packageJson));
  return folder;
}

function runIris(folder: string): { status: number | null; stderr: string; experiment?: string } {
  const result = runDlm(folder, ["run", "iris.dlm", "--epochs", "1", "--limit", "30", "--out", "runs"]);
  if (result.status !== 0) return { status: result.status, stderr: result.stderr };
  const metrics = JSON.parse(readFileSync(join(folder, "runs", "iris", "metrics.json"), "utf8")) as {
    experiment: string;
  };
  return { status: result.status, stderr: result.stderr, experiment: metrics.experiment };
}

describe("dlm run outside a project that installs dlm", () => {
  it("trains in a folder without package.json (CommonJS)", () => {
    const run = runIris(folderWithIris("plain"));
    expect(run.stderr).not.toContain("Cannot find");
    expect([run.status, run.experiment]).toEqual([0, "iris"]);
  });

  it('trains in a "type": "module" project (ESM ignores NODE_PATH)', () => {
    const run = runIris(folderWithIris("esm", { name: "mine", type: "module" }));
    expect(run.stderr).not.toContain("Cannot find");
    expect([run.status, run.experiment]).toEqual([0, "iris"]);
  });
});

describe("programNodeOptions", () => {
  it("adds nothing where the program resolves its imports itself", () => {
    const inside = join(ROOT, "out", "program.ts");
    expect(resolvesFrom(inside)).toBe(true);
    expect(programNodeOptions(inside)).toEqual([]);
  });

  it("preloads the resolver shipped in bin/ elsewhere", () => {
    const outside = join(OUTSIDE, "out", "program.ts");
    expect(resolvesFrom(outside)).toBe(false);
    const options = programNodeOptions(outside);
    expect(options[0]).toBe("--import");
    expect(options[1]).toMatch(/^file:.*\/bin\/resolve-from-dlm\.mjs$/);
  });

  it("finds the package root from a file inside it", () => {
    expect(dlmPackageRoot(join(ROOT, "src", "commands", "run.ts"))).toBe(ROOT);
  });
});
