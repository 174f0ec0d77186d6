/**
 * The project keeps its own `.dlm` text in `dlm fmt`'s layout: every sample and every
 * ```dlm block of README.md and docs/*.md passes `dlm fmt --check` (the real command,
 * through bin/dlm.js), and formatting the samples twice changes nothing the second time.
 * The folders are read at test time, so samples and examples added later are checked too.
 *
 * Which blocks are checked: only fences tagged `dlm`. Untagged fences hold shell commands,
 * CLI output, or outlines with `...` placeholders (language.md's `experiment NAME { ... }`),
 * and formatting.md's "Before" example is deliberately messy, so those stay untagged. In
 * docs/diagnostics.md the "Triggers it" snippet of a code may be invalid syntax — that is
 * what DLM1xx codes are about — so a snippet there that does not parse is skipped; every
 * other `dlm` block must parse, since a doc example that is not DLM is a bug of its own.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDlm } from "../../compiler/format-dlm.js";

const ROOT = join(import.meta.dirname, "..", "..");

function dlm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "dlm.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One fenced ```dlm block: where it is and what it holds. */
interface Example {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** A "Triggers it" snippet of docs/diagnostics.md: it may be invalid syntax on purpose. */
  readonly mayBeInvalid: boolean;
}

function dlmBlocksOf(file: string): Example[] {
  const markdown = readFileSync(join(ROOT, file), "utf8");
  const examples: Example[] = [];
  for (const match of markdown.matchAll(/^```dlm\n([\s\S]*?)^```$/gm)) {
    const before = markdown.slice(0, match.index);
    examples.push({
      file,
      line: before.split("\n").length + 1,
      text: match[1]!,
      mayBeInvalid: file === "docs/diagnostics.md" && /Triggers it:\s*$/.test(before),
    });
  }
  return examples;
}

const SAMPLES = readdirSync(join(ROOT, "samples"))
  .filter((name) => name.endsWith(".dlm"))
  .sort()
  .map((name) => `samples/${name}`);

const MARKDOWN = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];

const EXAMPLES = MARKDOWN.flatMap(dlmBlocksOf);
const scratch = mkdtempSync(join(tmpdir(), "dlm-fmt-examples-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the project's own .dlm text is formatted", () => {
  it("finds the samples and the README example", () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(7);
    expect(EXAMPLES.some((example) => example.file === "README.md")).toBe(true);
  });

  it("`dlm fmt --check samples/*.dlm` passes", () => {
    const result = dlm(["fmt", "--check", ...SAMPLES]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("formatting a sample twice changes nothing the second time", () => {
    for (const sample of SAMPLES) {
      const once = formatDlm(readFileSync(join(ROOT, sample), "utf8"), sample);
      expect(once.ok, sample).toBe(true);
      if (!once.ok) continue;
      const twice = formatDlm(once.text, sample);
      expect(twice.ok && twice.text, sample).toBe(once.text);
    }
  });

  it("`dlm fmt --check` passes on every ```dlm block of README.md and docs/*.md", () => {
    const checked: string[] = [];
    const names = new Map<string, Example>();
    EXAMPLES.forEach((example, index) => {
      if (example.mayBeInvalid && !formatDlm(example.text, example.file).ok) return;
      const path = join(scratch, `example-${index}.dlm`);
      writeFileSync(path, example.text);
      checked.push(path);
      names.set(path, example);
    });
    expect(checked.length).toBeGreaterThan(50);
    const result = dlm(["fmt", "--check", ...checked]);
    // Name each failing block by its markdown file and line, not by its scratch file.
    const where = (text: string): string =>
      [...names].reduce((out, [path, example]) => out.replaceAll(path, `${example.file}:${example.line}`), text);
    expect(where(result.stdout + result.stderr)).toBe("");
    expect(result.status).toBe(0);
  });
});
