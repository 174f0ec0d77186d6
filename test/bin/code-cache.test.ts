/**
 * bin/code-cache.js in real processes: a large CommonJS file under node_modules is compiled
 * from its cache on the second run, gives the same results, and is read again from source
 * once it changes. TMPDIR points each test at a fresh cache folder.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const CODE_CACHE = pathToFileURL(join(import.meta.dirname, "..", "..", "bin", "code-cache.js")).href;

/** A CommonJS package of ~200 KB (over the cache's size threshold) whose `answer()` returns `value`. */
function writePackage(root: string, value: number): void {
  const dir = join(root, "node_modules", "big");
  mkdirSync(dir, { recursive: true });
  const filler = Array.from({ length: 4000 }, (_, index) => `function f${index}(x) { return x + ${index}; }`).join("\n");
  writeFileSync(join(dir, "index.js"), `${filler}\nexports.answer = () => f0(${value});\nexports.dirname = __dirname;\n`);
}

/** Runs a process that installs the cache and requires the package; returns what it printed. */
function requireWithCache(root: string, cacheRoot: string): { stdout: string; stderr: string; status: number | null } {
  const script = [
    `const { installCodeCache } = await import(${JSON.stringify(CODE_CACHE)});`,
    "installCodeCache();",
    'const { createRequire } = await import("node:module");',
    `const big = createRequire(${JSON.stringify(join(root, "main.js"))})("big");`,
    "console.log(big.answer(), big.dirname.endsWith('big'));",
  ].join("\n");
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, TMPDIR: cacheRoot, DLM_NO_CODE_CACHE: "" },
  });
  return { stdout: result.stdout.trim(), stderr: result.stderr, status: result.status };
}

function cacheFiles(cacheRoot: string): string[] {
  return readdirSync(cacheRoot)
    .filter((name) => name.startsWith("dlm-code-cache-"))
    .flatMap((folder) => readdirSync(join(cacheRoot, folder)));
}

describe("code cache", () => {
  it("writes the cache on the first run and gives the same result from it", () => {
    const root = mkdtempSync(join(tmpdir(), "dlm-code-cache-test-"));
    const cacheRoot = mkdtempSync(join(tmpdir(), "dlm-code-cache-tmp-"));
    writePackage(root, 41);
    const first = requireWithCache(root, cacheRoot);
    expect(first).toMatchObject({ stdout: "41 true", status: 0 });
    expect(cacheFiles(cacheRoot)).toHaveLength(1);
    const second = requireWithCache(root, cacheRoot);
    expect(second).toMatchObject({ stdout: "41 true", status: 0 });
    expect(cacheFiles(cacheRoot)).toHaveLength(1);
  });

  it("compiles a changed file from its source", () => {
    const root = mkdtempSync(join(tmpdir(), "dlm-code-cache-test-"));
    const cacheRoot = mkdtempSync(join(tmpdir(), "dlm-code-cache-tmp-"));
    writePackage(root, 1);
    expect(requireWithCache(root, cacheRoot).stdout).toBe("1 true");
    writePackage(root, 1234);
    expect(requireWithCache(root, cacheRoot).stdout).toBe("1234 true");
  });
});
