/**
 * The program: the only place that knows the order of the phases.
 *
 *   models (`models.ts`: load → bind → check → expand → infer shapes)
 *   → experiments (`experiments/`: read, check against the data, plan, lower)
 *   → engine settings.
 *
 * Every error within a phase is collected; a file with syntax errors skips the phases
 * after parsing (its declarations are still bound, so files importing it see them).
 */
import { readZoo } from "./zoo/index.js";
import { sortDiagnostics, withoutDuplicateDiagnostics } from "../diagnostics/diagnostic.js";
import { inMemoryCompilerHost, type CompilerHost } from "./host.js";
import type { InferredLayer } from "./infer-shapes.js";
import { checkModelDeclarations, findLayerAt, type ModelCheckResult } from "./models.js";
import { checkExperiments, type ExperimentCheckOptions } from "./experiments/check-experiments.js";
import { checkEngineSettings } from "./torch/check-torch.js";
import type { ExperimentPlan } from "./experiments/experiment-plan.js";

/** Checks the models and blocks of a program, every root file and what it imports, with the zoo's architectures at hand. */
export function checkModels(rootFiles: readonly string[], host: CompilerHost): ModelCheckResult {
  return checkModelDeclarations(rootFiles, host, readZoo);
}

/**
 * Checks a program through its experiments: models and blocks, then every experiment
 * against its data, lowered to plans the emitter prints. Never throws on user input.
 */
export function checkProgram(
  rootFiles: readonly string[],
  host: CompilerHost,
  options: ExperimentCheckOptions = {},
): CheckResult {
  const models = checkModels(rootFiles, host);
  const experiments = checkExperiments(models, host, options);
  const known = new Set(models.layers.map(layerKey));
  const experimentLayers = experiments.plans.flatMap((plan) => plan.model.layers).filter((layer) => !known.has(layerKey(layer)));
  const layers = [...models.layers, ...experimentLayers];
  return {
    ...models,
    diagnostics: sortDiagnostics(
      withoutDuplicateDiagnostics([...models.diagnostics, ...experiments.diagnostics, ...checkEngineSettings(experiments.plans, options.engine)]),
    ),
    plans: experiments.plans,
    layers,
    layerAt: (file, offset) => findLayerAt(layers, file, offset),
  };
}

/** Everything the checker learned about a program: for the CLI, the emitter and the language server. */
export interface CheckResult extends ModelCheckResult {
  /** Experiments that checked clean, lowered for the emitter, in program order. */
  readonly plans: readonly ExperimentPlan[];
}

function layerKey(layer: InferredLayer): string {
  return `${layer.file}\u0000${layer.range.start}\u0000${layer.name}`;
}

/** Checks one in-memory source (tests, the language server); `otherFiles` can be imported from it. */
export function checkSource(
  text: string,
  file = "input.dlm",
  otherFiles: Readonly<Record<string, string>> = {},
): CheckResult {
  return checkProgram([file], inMemoryCompilerHost({ ...otherFiles, [file]: text }));
}
