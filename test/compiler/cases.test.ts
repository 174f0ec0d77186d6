/**
 * Whole-file baselines: each `test/cases/*.dlm` is checked and compared with its
 * `*.errors.txt` — every diagnostic as `dlm check` prints it, the source with `~~~` under
 * each error (TypeScript's baseline style), and the summary of every model.
 * Run with UPDATE_BASELINES=1 to rewrite the baselines after an intended change.
 */
import { nodeCompilerHost } from "../../compiler/host.js";
import { checkProgram } from "../../compiler/program.js";
import { renderDiagnostic } from "../../diagnostics/render.js";
import { formatSummaryTable } from "../../compiler/summary.js";
import { annotatedFileSection, describeBaselineCases } from "./baseline-cases.js";

function baseline(path: string): string {
  const result = checkProgram([path], nodeCompilerHost());
  const readSource = (file: string): string | undefined => result.files.get(file)?.text;
  const sections: string[] = [];
  for (const diagnostic of result.diagnostics) sections.push(renderDiagnostic(diagnostic, readSource(diagnostic.file) ?? "", { readSource }));
  sections.push(annotatedFileSection(path, readSource(path) ?? "", result.diagnostics));
  for (const model of result.models.filter((m) => m.file === path)) sections.push(formatSummaryTable(model));
  return `${sections.join("\n\n")}\n`;
}

describeBaselineCases("whole-file cases", "test/cases", baseline);
