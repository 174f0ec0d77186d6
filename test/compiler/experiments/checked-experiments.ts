/** What the experiment checker tests assert on: a source checked through its experiments, in memory. */
import { checkExperiments, type ExperimentCheck, type ExperimentCheckOptions } from "../../../compiler/experiments/check-experiments.js";
import type { Diagnostic } from "../../../diagnostics/diagnostic.js";
import { inMemoryCompilerHost } from "../../../compiler/host.js";
import { checkModels } from "../../../compiler/program.js";
import type { ModelCheckResult } from "../../../compiler/models.js";

/** A diagnostic reduced to what a test compares. */
export interface Reported {
  readonly code: string;
  readonly severity: string;
  /** The source text its range marks. */
  readonly marked: string;
  readonly message: string;
  readonly help?: string;
}

/** A source checked through its experiments. */
export interface CheckedExperiments {
  readonly result: ModelCheckResult;
  readonly experiments: ExperimentCheck;
  /** Program and experiment diagnostics together, reduced. */
  readonly reported: readonly Reported[];
}

/** Checks `text` as `input.dlm` next to `files` (other .dlm, CSV or model.json files). */
export function checkExperimentsIn(
  text: string,
  files: Readonly<Record<string, string>> = {},
  options: ExperimentCheckOptions = {},
): CheckedExperiments {
  const host = inMemoryCompilerHost({ ...files, "input.dlm": text });
  const result = checkModels(["input.dlm"], host);
  const experiments = checkExperiments(result, host, options);
  const reduce = (diagnostic: Diagnostic): Reported => ({
    code: diagnostic.code,
    severity: diagnostic.severity,
    marked: (result.files.get(diagnostic.file)?.text ?? "").slice(diagnostic.range.start, diagnostic.range.end),
    message: diagnostic.message,
    ...(diagnostic.help ? { help: diagnostic.help } : {}),
  });
  return { result, experiments, reported: [...result.diagnostics, ...experiments.diagnostics].map(reduce) };
}

/** The codes reported for `text`, in order (program first, then experiments). */
export function codesOf(text: string, files: Readonly<Record<string, string>> = {}): string[] {
  return checkExperimentsIn(text, files).reported.map((reported) => reported.code);
}

/** An iris experiment: `data`, `train` and extra members replaceable, the model `Mlp` (4 → 3, softmax). */
export function irisExperiment(parts: { data?: string; train?: string; extra?: string; model?: string } = {}): string {
  const model = parts.model ?? "model Mlp {\n  dense(8, activation: relu)\n  dense(3, activation: softmax)\n}\n";
  const data = parts.data ?? 'source: builtin("iris")\n    split { validation: 0.2, test: 0.2 }';
  const train = parts.train ?? "loss: sparse_categorical_crossentropy\n    metrics: [accuracy]\n    epochs: 5";
  return `${model}experiment iris {\n  data {\n    ${data}\n  }\n  model: Mlp\n  train {\n    ${train}\n  }\n${parts.extra ?? ""}}\n`;
}
