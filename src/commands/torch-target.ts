/**
 * The PyTorch target of `dlm compile` and `dlm run`: the generated Python programs (path → text).
 */
import { emitTorchProgram } from "../../compiler/torch/emit-torch.js";
import type { ExperimentPlan } from "../../compiler/experiments/experiment-plan.js";
import { CliError } from "../cli-contract.js";

/** The engines `--target` and `--engine` accept. */
export const TARGETS = ["tfjs", "torch"] as const;
export type Target = (typeof TARGETS)[number];

/** Emits the torch program of each plan: path → text (nothing is written). */
export function emitTorchPrograms(
  plans: readonly ExperimentPlan[],
  outDir: string,
  sourceText: (file: string) => string | undefined,
): Map<string, string> {
  const programs = new Map<string, string>();
  const experimentOf = new Map<string, string>();
  for (const plan of plans) {
    const emitted = emitTorchProgram(plan, { outDir, sourceText });
    const earlier = experimentOf.get(emitted.path);
    if (earlier !== undefined) {
      throw new CliError(`experiments \`${earlier}\` and \`${plan.name}\` would both be written to \`${emitted.path}\`: rename one`);
    }
    experimentOf.set(emitted.path, plan.name);
    programs.set(emitted.path, emitted.text);
  }
  return programs;
}
