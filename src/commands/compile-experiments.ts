/**
 * The shared front half of `dlm compile` and `dlm run`: check a file and its experiments,
 * print diagnostics, and emit one formatted program per experiment of the file.
 */
import { checkProgram } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import type { ExperimentPlan } from "../../compiler/experiments/experiment-plan.js";
import { printDiagnostics } from "./check.js";
import { readUserFile } from "./shared-io.js";
import { CliError } from "../cli-contract.js";

/** A file checked through its experiments. */
export interface CheckedExperiments {
  readonly ok: boolean;
  /** Experiments declared in the file itself (not its imports), in order. */
  readonly plans: readonly ExperimentPlan[];
  readonly sourceText: (file: string) => string | undefined;
}

/**
 * Checks `file` (models and experiments, and the torch engine's limits for the experiments
 * it trains: `target`, else each experiment's `engine:`) and prints every diagnostic to stderr.
 */
export function checkFileExperiments(file: string, color: boolean, target?: "tfjs" | "torch"): CheckedExperiments {
  readUserFile(file);
  const host = nodeCompilerHost();
  // the torch engine's checks run on the experiments it trains (checkEngineSettings)
  const result = checkProgram([file], host, target === undefined ? {} : { engine: target });
  const diagnostics = result.diagnostics;
  const sourceText = (path: string) => result.files.get(path)?.text;
  printDiagnostics(diagnostics, sourceText, color);
  return {
    ok: !hasErrors(diagnostics),
    plans: result.plans.filter((plan) => plan.file === file),
    sourceText,
  };
}

/** Emits and formats the programs of the given plans: path → text (nothing is written). */
export async function emitPrograms(
  plans: readonly ExperimentPlan[],
  outDir: string,
  sourceText: (file: string) => string | undefined,
): Promise<Map<string, string>> {
  const { emitExperiment } = await import("../../compiler/emitter.js");
  const { formatTypeScript } = await import("../../compiler/format-generated.js");
  const programs = new Map<string, string>();
  const experimentOf = new Map<string, string>();
  for (const plan of plans) {
    const emitted = emitExperiment(plan, { outDir, sourceText });
    const earlier = experimentOf.get(emitted.path);
    if (earlier !== undefined) {
      throw new CliError(
        `experiments \`${earlier}\` and \`${plan.name}\` would both be written to \`${emitted.path}\`: rename one`,
      );
    }
    experimentOf.set(emitted.path, plan.name);
    programs.set(emitted.path, await formatTypeScript(emitted.text));
  }
  return programs;
}
