/**
 * `dlm run` on a `.dlm` outside any project that installs dlm (a global install, or this
 * checkout's CLI used on a file elsewhere): the compiled program still finds `dlm/runtime`
 * and TensorFlow.js, through the CLI's own packages.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  dlmModuleFolders,
  dlmPackageRoot,
  programEnvironment,
  resolvesFrom,
} from "../../src/commands/program-environment.js";

const ROOT = join(import.meta.dirname, "..", "..");
const OUTSIDE = mkdtempSync(join(tmpdir(), "dlm-outside-"));
afterAll(() => rmSync(OUTSIDE, { recursive: true, force: true }));

describe("dlm run outside a project that installs dlm", () => {
  it("trains and writes metrics.json from a folder in the temporary directory", () => {
    copyFileSync(join(ROOT, "samples", "iris.dlm"), join(OUTSIDE, "iris.dlm"));
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "dlm.js"), "run", "iris.dlm", "--epochs", "1", "--limit", "30", "--out", "runs"],
      { cwd: OUTSIDE, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 },
    );
    expect(result.stderr).not.toContain("Cannot find");
    expect(result.status).toBe(0);
    const metrics = JSON.parse(readFileSync(join(OUTSIDE, "runs", "iris", "metrics.json"), "utf8")) as {
      experiment: string;
    };
    expect(metrics.experiment).toBe("iris");
  });
});

describe("programEnvironment", () => {
  it("leaves the environment alone where the program resolves its imports itself", () => {
    const inside = join(ROOT, "out", "program.ts");
    expect(resolvesFrom(inside)).toBe(true);
    const env = { PATH: "/bin" };
    expect(programEnvironment(inside, env)).toBe(env);
  });

  it("adds the CLI's packages to NODE_PATH after the user's own folders elsewhere", () => {
    const outside = join(OUTSIDE, "out", "program.ts");
    expect(resolvesFrom(outside)).toBe(false);
    const folders = programEnvironment(outside, { NODE_PATH: "/mine" })["NODE_PATH"]?.split(delimiter) ?? [];
    expect(folders[0]).toBe("/mine");
    expect(folders).toContain(join(ROOT, "node_modules"));
    const linkFolder = folders[folders.length - 1]!;
    expect(existsSync(join(linkFolder, "dlm", "package.json"))).toBe(true);
  });

  it("uses npm's own layout for an installed package: the parent node_modules holds dlm", () => {
    expect(dlmModuleFolders("/usr/lib/node_modules/dlm")).toEqual([
      "/usr/lib/node_modules/dlm/node_modules",
      "/usr/lib/node_modules",
    ]);
  });

  it("finds the package root from a file inside it", () => {
    expect(dlmPackageRoot(join(ROOT, "src", "commands", "run.ts"))).toBe(ROOT);
  });
});
