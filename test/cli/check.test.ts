/**
 * The `dlm` command as users run it: a real process through bin/dlm.js (built by
 * `npm test`'s pretest step), asserting exit codes, stdout and stderr.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

function dlm(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "dlm.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dlm-cli-"));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("dlm check", () => {
  it("exits 0 on a clean sample and says so", () => {
    const result = dlm(["check", "samples/mnist.dlm"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("no errors");
  });

  it("exits 1 with rustc-style diagnostics on errors", () => {
    const file = tempFile("bad.dlm", "model M(input: [28, 28, 1]) {\n  conv2d(32, 3\n  flatten\n}\n");
    const result = dlm(["check", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error\[DLM1\d\d\]: /m);
    expect(result.stderr).toMatch(/--> .*bad\.dlm:\d+:\d+/);
    expect(result.stderr).toMatch(/\^+/);
    expect(result.stderr).not.toContain("Expecting");
  });

  it("prints JSON diagnostics with 1-based positions", () => {
    const file = tempFile("units.dlm", "model M(input: [4]) {\n  dense(-3)\n}\n");
    const result = dlm(["check", file, "--format", "json"]);
    expect(result.status).toBe(1);
    const diagnostics = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(diagnostics.length).toBeGreaterThan(0);
    const first = diagnostics[0]!;
    expect(Object.keys(first).sort()).toEqual(
      ["code", "column", "endColumn", "endLine", "file", "line", "message", "severity"].sort(),
    );
    expect(first["file"]).toBe(file);
    expect(first["line"]).toBe(2);
    expect(first["severity"]).toBe("error");
  });

  it("exits 2 with a clear message for a missing file, without a stack trace", () => {
    const result = dlm(["check", "no/such/file.dlm"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("no/such/file.dlm");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unknown flag and 0 on --help", () => {
    expect(dlm(["check", "--frobnicate", "samples/iris.dlm"]).status).toBe(2);
    const help = dlm(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("check");
    expect(help.stdout).toContain("run");
  });

  it("reports every syntax error of a file in one run", () => {
    const file = tempFile("two.dlm", 'model A(input: [4]) {\n  dense(3,, 4)\n}\nmodel B(input: [4]) {\n  dense(3 activation: relu)\n}\n');
    const result = dlm(["check", file, "--format", "json"]);
    const lines = (JSON.parse(result.stdout) as { line: number }[]).map((d) => d.line);
    expect(lines).toContain(2);
    expect(lines).toContain(5);
  });
});

describe("dlm summary, explain, datasets", () => {
  it("summary --json gives shapes and parameter counts", () => {
    const result = dlm(["summary", "samples/mnist.dlm", "--json"]);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      models: { name: string; input: number[]; output: number[]; params: number; layers: { output: number[] }[] }[];
    };
    const cnn = summary.models.find((model) => model.name === "SmallCnn")!;
    expect(cnn.input).toEqual([28, 28, 1]);
    expect(cnn.output).toEqual([10]);
    expect(cnn.params).toBe(225_034);
    expect(cnn.layers[0]!.output).toEqual([26, 26, 32]);
  });

  it("explain prints the long form of a code and rejects unknown codes", () => {
    const result = dlm(["explain", "DLM404"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("DLM404");
    expect(result.stdout).toContain("residual");
    expect(dlm(["explain", "DLM999"]).status).toBe(2);
  });

  it("datasets lists the built-in data sets", () => {
    const result = dlm(["datasets"]);
    expect(result.status).toBe(0);
    for (const name of ["mnist", "fashion_mnist", "iris", "boston_housing", "penguins", "seattle_weather", "spam"]) {
      expect(result.stdout).toContain(name);
    }
  });
});
