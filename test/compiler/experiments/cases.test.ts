/**
 * Whole-file baselines for experiments: each `test/cases/experiments/*.dlm` is checked
 * through `checkExperiments` and compared with its `*.errors.txt` — every diagnostic as
 * `dlm check` prints it, the source with `~~~` under each one, and a line per plan.
 * Run with UPDATE_BASELINES=1 to rewrite the baselines after an intended change.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkExperiments } from "../../../compiler/check-experiments.js";
import { sortDiagnostics, type Diagnostic } from "../../../compiler/diagnostics.js";
import type { ExperimentPlan } from "../../../compiler/experiment-plan.js";
import { nodeCompilerHost } from "../../../compiler/host.js";
import { checkModels } from "../../../compiler/program.js";
import { lineColumn, renderDiagnostic } from "../../../compiler/render-diagnostics.js";

const CASES = "test/cases/experiments";

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

/** One line per plan: the model's shapes, the loss, the evaluated split and the searched names. */
function describePlan(plan: ExperimentPlan): string {
  const shape = (values: readonly (number | null)[]) => `[${values.map((value) => value ?? "?").join(", ")}]`;
  const searched = plan.tune ? `; searches ${plan.tune.spaces.map((space) => space.name).join(", ")}` : "";
  return `plan ${plan.name}: ${shape(plan.model.input)} → ${shape(plan.model.output)}, loss ${plan.train.loss}, evaluate on ${plan.evaluate.on}${searched}`;
}

function baseline(path: string): string {
  const host = nodeCompilerHost();
  const result = checkModels([path], host);
  const experiments = checkExperiments(result, host);
  const diagnostics = sortDiagnostics([...result.diagnostics, ...experiments.diagnostics]);
  const readSource = (file: string): string | undefined => result.files.get(file)?.text;
  const sections = diagnostics.map((diagnostic) => renderDiagnostic(diagnostic, readSource(diagnostic.file) ?? "", { readSource }));
  const count = diagnostics.length;
  sections.push(`==== ${path} (${count} diagnostic${count === 1 ? "" : "s"}) ====\n${annotatedSource(readSource(path) ?? "", path, diagnostics)}`);
  if (experiments.plans.length > 0) sections.push(experiments.plans.map(describePlan).join("\n"));
  return `${sections.join("\n\n")}\n`;
}

describe("whole-file experiment cases", () => {
  const cases = readdirSync(CASES).filter((name) => name.endsWith(".dlm")).sort();
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const name of cases) {
    it(name, () => {
      const path = `${CASES}/${name}`;
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
