/**
 * `dlm fmt`: runs the command in-process on temporary files and checks what it prints,
 * what it returns and what it leaves on disk.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CliError } from "../../src/cli-contract.js";
import { runFormatCommand } from "../../src/commands/fmt.js";

const MESSY = "model M{dense(10,activation:relu);\ndropout(0.5)}\n";
const CANONICAL = "model M {\n  dense(10, activation: relu)\n  dropout(0.5)\n}\n";
const BROKEN = "model M {\n  dense(10\n}\n";

let directory: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "dlm-fmt-"));
  stdout = "";
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(directory, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe("dlm fmt", () => {
  it("rewrites a file that is not canonical and says so", () => {
    const path = file("messy.dlm", MESSY);
    expect(runFormatCommand([path], { check: false })).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(CANONICAL);
    expect(stdout).toBe(`formatted ${path}\n`);
    // Only the file itself is left: the temporary file was renamed over it.
    expect(readdirSync(directory)).toEqual(["messy.dlm"]);
  });

  it("leaves a canonical file alone and prints nothing", () => {
    const path = file("clean.dlm", CANONICAL);
    expect(runFormatCommand([path], { check: false })).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(CANONICAL);
    expect(stdout).toBe("");
  });

  it("with --check lists the files that would change, writes nothing and returns 1", () => {
    const messy = file("messy.dlm", MESSY);
    const clean = file("clean.dlm", CANONICAL);
    expect(runFormatCommand([messy, clean], { check: true })).toBe(1);
    expect(stdout).toBe(`would reformat ${messy}\n`);
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  });

  it("with --check returns 0 when every file is canonical", () => {
    expect(runFormatCommand([file("clean.dlm", CANONICAL)], { check: true })).toBe(0);
    expect(stdout).toBe("");
  });

  it("prints syntax errors rustc-style, leaves that file alone, formats the others and returns 1", () => {
    const broken = file("broken.dlm", BROKEN);
    const messy = file("messy.dlm", MESSY);
    expect(runFormatCommand([broken, messy], { check: false })).toBe(1);
    expect(readFileSync(broken, "utf8")).toBe(BROKEN);
    expect(readFileSync(messy, "utf8")).toBe(CANONICAL);
    expect(stderr).toMatch(/^error\[DLM1\d\d\]: /m);
    expect(stderr).toContain(`--> ${broken}:`);
    expect(stdout).toBe(`formatted ${messy}\n`);
  });

  it("reports a missing file as a usage error before writing anything", () => {
    const messy = file("messy.dlm", MESSY);
    expect(() => runFormatCommand([messy, join(directory, "missing.dlm")], { check: false })).toThrow(CliError);
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  });
});
