/**
 * Whole-file baselines: each `test/cases/*.dlm` is checked and compared with its
 * `*.errors.txt` — every diagnostic as `dlm check` prints it, the source with `~~~` under
 * each error (TypeScript's baseline style), and the summary of every model.
 * Run with UPDATE_BASELINES=1 to rewrite the baselines after an intended change.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram, type CheckResult } from "../../compiler/program.js";
import { lineColumn, renderDiagnostic } from "../../compiler/render-diagnostics.js";
import { formatSummaryTable } from "../../compiler/summary.js";

const CASES = "test/cases";

/** The source with `~~~` under each diagnostic's first line and `!!!` lines naming it. */
function annotatedSource(text: string, file: string, diagnostics: readonly Diagnostic[]): string {
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

function baseline(path: string, result: CheckResult): string {
  const readSource = (file: string): string | undefined => result.files.get(file)?.text;
  const sections: string[] = [];
  for (const diagnostic of result.diagnostics) sections.push(renderDiagnostic(diagnostic, readSource(diagnostic.file) ?? "", { readSource }));
  const errorCount = result.diagnostics.length;
  sections.push(`==== ${path} (${errorCount} diagnostic${errorCount === 1 ? "" : "s"}) ====\n${annotatedSource(readSource(path) ?? "", path, result.diagnostics)}`);
  for (const model of result.models.filter((m) => m.file === path)) sections.push(formatSummaryTable(model));
  return `${sections.join("\n\n")}\n`;
}

describe("whole-file cases", () => {
  const cases = readdirSync(CASES).filter((name) => name.endsWith(".dlm")).sort();
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const name of cases) {
    it(name, () => {
      const path = `${CASES}/${name}`;
      const actual = baseline(path, checkProgram([path], nodeCompilerHost()));
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
