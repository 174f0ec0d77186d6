/**
 * What the whole-file baseline tests share: the source annotated TypeScript-style and the
 * loop that compares each `*.dlm` case with its `*.errors.txt`.
 * Run with UPDATE_BASELINES=1 to rewrite the baselines after an intended change.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { lineColumn } from "../../diagnostics/render.js";

/** The source with `~~~` under each diagnostic's first line and `!!!` lines naming it. */
export function annotatedSource(text: string, file: string, diagnostics: readonly Diagnostic[]): string {
  const lines = text.split("\n");
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const output: string[] = [];
  lines.forEach((line, index) => {
    output.push(`    ${line}`);
    for (const diagnostic of diagnostics) {
      if (diagnostic.file !== file || lineColumn(text, diagnostic.range.start).line !== index + 1) continue;
      const column = diagnostic.range.start - (starts[index] ?? 0);
      const width = Math.max(1, Math.min(diagnostic.range.end, (starts[index] ?? 0) + line.length) - diagnostic.range.start);
      output.push(`    ${" ".repeat(column)}${"~".repeat(width)}`);
      output.push(`!!! ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`);
    }
  });
  return output.join("\n");
}

/** The `==== path (N diagnostics) ====` header followed by the annotated source. */
export function annotatedFileSection(path: string, text: string, diagnostics: readonly Diagnostic[]): string {
  const count = diagnostics.length;
  return `==== ${path} (${count} diagnostic${count === 1 ? "" : "s"}) ====\n${annotatedSource(text, path, diagnostics)}`;
}

/** One test per `*.dlm` in `directory`, comparing `baseline(path)` with the `.errors.txt` beside it. */
export function describeBaselineCases(title: string, directory: string, baseline: (path: string) => string): void {
  describe(title, () => {
    const cases = readdirSync(directory).filter((name) => name.endsWith(".dlm")).sort();
    it("has cases", () => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const name of cases) {
      it(name, () => {
        const path = `${directory}/${name}`;
        const actual = baseline(path);
        const baselinePath = path.replace(/\.dlm$/, ".errors.txt");
        if (process.env["UPDATE_BASELINES"] === "1") {
          writeFileSync(baselinePath, actual);
          return;
        }
        if (!existsSync(baselinePath)) throw new Error(`no baseline ${baselinePath}: run with UPDATE_BASELINES=1 and review it`);
        expect(actual).toBe(readFileSync(baselinePath, "utf8"));
      });
    }
  });
}
