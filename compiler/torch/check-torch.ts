/**
 * The checks of the PyTorch engine (`dlm check --target torch`, `dlm compile --target torch`,
 * `dlm run --engine torch`): every layer must have a faithful torch mapping (DLM550) and every
 * setting of the experiment must be one the torch program runs (DLM551). Pure: plans in,
 * diagnostics out.
 */
import { makeDiagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentPlan } from "../experiments/experiment-plan.js";
import type { StageSpec } from "../../runtime/experiment.js";
import { unmappedTorchLayers } from "./emit-torch-model.js";
import { ENGINES } from "../../diagnostics/catalog/engines.js";

/** Monitors the torch program computes itself: the losses, and accuracy of a classifier that logs it. */
function torchMonitors(plan: ExperimentPlan, stage: StageSpec): Set<string> {
  const accuracy = plan.dataInfo.task === "classification" && stage.metrics.includes("accuracy");
  return new Set(["loss", "val_loss", ...(accuracy ? ["accuracy", "val_accuracy"] : [])]);
}

/** Callbacks without a monitor the torch engine runs (`csv_logger`: DLM writes it from the run's history). */
const RUN_BY_TORCH: ReadonlySet<string> = new Set(["progress", "terminate_on_nan", "csv_logger"]);

/** The settings of an experiment the torch engine does not run, each as a short phrase. */
function unsupportedSettings(plan: ExperimentPlan): string[] {
  const found: string[] = [];
  if (plan.tune !== undefined) found.push("a `tune` search");
  const stages = [plan.train, ...(plan.fineTune === undefined ? [] : [plan.fineTune])];
  for (const { callback, monitors } of stages.flatMap((stage) => stage.callbacks.map((callback) => ({ callback, monitors: torchMonitors(plan, stage) })))) {
    if ("monitor" in callback) {
      if (!monitors.has(callback.monitor)) {
        found.push(`\`${callback.kind}\` on \`${callback.monitor}\` (only ${[...monitors].map((name) => `\`${name}\``).join(", ")})`);
      }
      continue;
    }
    if (!RUN_BY_TORCH.has(callback.kind)) found.push(`the \`${callback.kind}\` callback`);
  }
  return found;
}

/**
 * The torch engine's checks of every experiment that trains on it: those that say
 * `engine: torch`, or all of them when `engine` (a `--target` or `--engine` flag) says torch;
 * none when it says tfjs. Part of every check, so the editor shows them too.
 */
export function checkEngineSettings(plans: readonly ExperimentPlan[], engine?: "tfjs" | "torch"): Diagnostic[] {
  return plans.filter((plan) => (engine ?? plan.engine) === "torch").flatMap(checkTorchTarget);
}

/** Diagnostics for everything in a checked experiment that the torch engine cannot run as TF.js would. */
export function checkTorchTarget(plan: ExperimentPlan): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { layer, reason } of unmappedTorchLayers(plan.model)) {
    diagnostics.push(
      makeDiagnostic(ENGINES.layerWithoutTorchMapping, layer.file, layer.range, {
        message: `\`${layer.layer}\` has no PyTorch mapping: ${reason}`,
        help: "train this experiment with the TF.js engine (the default), or write the model without this layer",
      }),
    );
  }
  for (const setting of unsupportedSettings(plan)) {
    diagnostics.push(
      makeDiagnostic(ENGINES.settingNotRunByTorch, plan.file, plan.nameRange, {
        message: `experiment \`${plan.name}\` has ${setting}, which the PyTorch engine does not run yet`,
        help: "run it with the TF.js engine (the default), or remove the setting",
      }),
    );
  }
  return diagnostics;
}
