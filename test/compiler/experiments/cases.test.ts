/**
 * Whole-file baselines for experiments: each `test/cases/experiments/*.dlm` is checked
 * through `checkExperiments` and compared with its `*.errors.txt` — every diagnostic as
 * `dlm check` prints it, the source with `~~~` under each one, and a line per plan.
 * Run with UPDATE_BASELINES=1 to rewrite the baselines after an intended change.
 */
import { checkExperiments } from "../../../compiler/experiments/check-experiments.js";
import { sortDiagnostics } from "../../../diagnostics/diagnostic.js";
import type { ExperimentPlan } from "../../../compiler/experiments/experiment-plan.js";
import { nodeCompilerHost } from "../../../compiler/host.js";
import { checkModels } from "../../../compiler/program.js";
import { renderDiagnostic } from "../../../diagnostics/render.js";
import { annotatedFileSection, describeBaselineCases } from "../baseline-cases.js";

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
  sections.push(annotatedFileSection(path, readSource(path) ?? "", diagnostics));
  if (experiments.plans.length > 0) sections.push(experiments.plans.map(describePlan).join("\n"));
  return `${sections.join("\n\n")}\n`;
}

describeBaselineCases("whole-file experiment cases", "test/cases/experiments", baseline);
