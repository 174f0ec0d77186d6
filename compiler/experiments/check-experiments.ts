/**
 * The experiment checker: every `experiment { }` of a checked program, read against the
 * schema, its data inspected without loading it, its model fitted to the data, its stages
 * lowered, and the whole checked for consistency — then lowered to an `ExperimentPlan`
 * in the runtime's own types, which the emitter only prints.
 *
 *   read sections → lower data → inspect data → plan model → lower train / fine_tune,
 *   tune, evaluate → consistency checks → plan
 *
 * Experiments are checked in program order, so a `pretrained` path that an earlier
 * experiment exports resolves to that experiment's planned model before it exists on disk.
 * A plan is made only for an experiment without errors.
 */
import { isArchitectureName, zooRequestOf } from "../layers/pretrained.js";
import { totalmem } from "node:os";
import type { ExperimentDecl } from "../../grammar/ast.js";
import { checkOutputPaths } from "./check-output-paths.js";
import { checkOutputNames } from "./check-output-names.js";
import { checkResources } from "./check-resources.js";
import { checkPipeline, keptLayerNames, type PretrainedUse } from "./check-pipeline.js";
import { checkClassCount, checkCropFits } from "./check-outcomes.js";
import { checkTargetNormalization } from "./check-target-normalization.js";
import { sortDiagnostics, withoutDuplicateDiagnostics, type Diagnostic } from "../../diagnostics/diagnostic.js";
import type { ExperimentPlan, PlannedModel } from "./experiment-plan.js";
import { makeExperimentContext, type ExperimentContext } from "./experiment-context.js";
import { makeExportedModels, withExportedModels, type ExportedModels } from "./exported-models.js";
import { evaluatedSplit, evaluateSpec, readEvaluate } from "./lower-evaluate.js";
import { lowerData } from "./lower-data.js";
import { fineTuneSpec, lowerStage } from "./lower-stage.js";
import { readTune } from "./lower-tune.js";
import { planModel } from "./plan-model.js";
import { readSections, type SectionReading } from "./read-sections.js";
import { readScalarSetting } from "./read-values.js";
import { inspectData, type ImageFolderReader } from "./static-data.js";
import type { CompilerHost } from "../host.js";
import type { ShapeContextFor } from "../infer-shapes.js";
import type { BackendName } from "../../runtime/backend.js";
import type { ModelCheckResult } from "../models.js";

/** Plans of the experiments that checked cleanly, and every diagnostic about experiments. */
export interface ExperimentCheck {
  readonly plans: ExperimentPlan[];
  readonly diagnostics: Diagnostic[];
}

/** Options for tests and tools: how image folders are listed (default: the real file system). */
export interface ExperimentCheckOptions {
  readonly readImageFolder?: ImageFolderReader;
  /**
   * The engine every experiment is checked for (`--target`, `--engine`), over what each says
   * in `engine:`. Default: each experiment's own (`engine: torch` adds the torch engine's checks).
   */
  readonly engine?: "tfjs" | "torch";
}

/** Checks every experiment of a checked program (files with syntax errors are skipped) and plans the clean ones. */
export function checkExperiments(result: ModelCheckResult, host: CompilerHost, options: ExperimentCheckOptions = {}): ExperimentCheck {
  const diagnostics: Diagnostic[] = [];
  const plans: ExperimentPlan[] = [];
  // Exported models re-infer at another input size through the same context that finds them.
  const exported = makeExportedModels(host, () => contextFor);
  const contextFor = withExportedModels(result.shapeContextFor, exported);
  for (const file of result.files.values()) {
    if (file.parseDiagnostics.length > 0) continue;
    for (const declaration of file.ast.declarations) {
      if (declaration.kind !== "Experiment" || declaration.missing || declaration.name.missing) continue;
      const checked = checkExperiment(declaration, file.path, { result, host, contextFor, options });
      // Ownership of a path that cannot name a file is moot: DLM527 alone (no "already exists").
      const badNames = checkOutputNames(declaration, file.path);
      diagnostics.push(
        ...checked.diagnostics,
        ...(badNames.length > 0 ? badNames : checkOutputPaths(declaration, file.path, [...result.files.keys()], host)),
      );
      if (checked.plan !== undefined) plans.push(checked.plan);
      recordExport(exported, declaration, file.path, checked.plan, checked.exportDir);
    }
  }
  diagnostics.push(...checkResources({ models: result.models, plans }, { availableMemoryBytes: totalmem() }));
  return { plans, diagnostics: sortDiagnostics(withoutDuplicateDiagnostics(diagnostics)) };
}

/** What checking one experiment needs from the program. */
interface ProgramEnvironment {
  readonly result: ModelCheckResult;
  readonly host: CompilerHost;
  readonly contextFor: ShapeContextFor;
  readonly options: ExperimentCheckOptions;
}

/** Checks one experiment; its plan when it has no errors. */
function checkExperiment(
  declaration: ExperimentDecl,
  file: string,
  environment: ProgramEnvironment,
): { plan: ExperimentPlan | undefined; diagnostics: readonly Diagnostic[]; exportDir: string | undefined } {
  const reading = readSections(declaration, file);
  const experiment = reading.experiment;
  const tuneSection = experiment.sections.get("tune");
  const context = makeExperimentContext(file, declaration.name.name, tuneSection !== undefined);
  for (const diagnostic of reading.diagnostics) context.report(diagnostic);

  const seed = readTopSetting(experiment, "seed", context);
  const backend = readTopSetting(experiment, "backend", context);
  const engine = readTopSetting(experiment, "engine", context);
  const exportDir = readTopSetting(experiment, "export", context);

  const dataSection = experiment.sections.get("data");
  const data = dataSection ? lowerData(dataSection, context) : undefined;
  const dataFacts = data ? inspectData(data, context, environment.host, environment.options.readImageFolder) : undefined;
  const classesFit = data && dataFacts ? checkClassCount(dataFacts, data.sites, context) : true;
  if (dataSection && data?.spec && dataFacts) checkCropFits(data.spec, dataFacts, dataSection, context);
  if (data) checkTargetNormalization(data, dataFacts, context);
  const model = planModel(experiment, dataFacts, environment.result, environment.contextFor, context);

  const trainSection = experiment.sections.get("train");
  const train = trainSection ? lowerStage(trainSection, context) : undefined;
  const fineTuneSection = experiment.sections.get("fine_tune");
  const fineTune = fineTuneSection ? lowerStage(fineTuneSection, context, train) : undefined;
  const tune = tuneSection ? readTune(tuneSection, context) : undefined;
  const evaluate = readEvaluate(experiment.sections.get("evaluate"), context);

  checkPipeline({
    context,
    experimentName: declaration.name.range,
    // One class: DLM530 said so; an output layer of one unit must not be suggested.
    data: classesFit ? dataFacts : undefined,
    model,
    train,
    fineTune,
    tune,
    evaluate,
    pretrained: model ? pretrainedUses(model.model, environment.contextFor) : [],
  });

  const exportText = typeof exportDir === "string" ? exportDir : undefined;
  const on = dataFacts ? evaluatedSplit(evaluate, dataFacts) : undefined;
  const fineTuneStage = fineTune ? fineTuneSpec(fineTune) : undefined;
  if (
    context.hasErrors() ||
    data?.spec === undefined ||
    dataFacts === undefined ||
    model === undefined ||
    train?.spec === undefined ||
    (fineTune !== undefined && fineTuneStage === undefined) ||
    (tuneSection !== undefined && tune === undefined) ||
    !evaluate.complete ||
    on === undefined
  ) {
    return { plan: undefined, diagnostics: context.diagnostics, exportDir: exportText };
  }
  const plan: ExperimentPlan = {
    name: declaration.name.name,
    file,
    nameRange: declaration.name.range,
    seed: typeof seed === "number" ? seed : 0,
    backend: typeof backend === "string" ? (backend as BackendName) : "auto",
    ...(engine === "torch" || engine === "tfjs" ? { engine } : {}),
    data: data.spec,
    dataInfo: dataFacts.info,
    model: model.model,
    train: train.spec,
    ...(fineTuneStage ? { fineTune: fineTuneStage } : {}),
    ...(tune
      ? {
          tune: {
            trials: tune.trials,
            objective: tune.objective,
            strategy: tune.strategy,
            ...(tune.maxEpochs !== undefined ? { maxEpochs: tune.maxEpochs } : {}),
            parallel: tune.parallel,
            spaces: [...context.searchSpaces],
          },
        }
      : {}),
    evaluate: evaluateSpec(evaluate, on, train.spec.metrics),
    ...(exportText !== undefined ? { export: exportText } : {}),
  };
  return { plan, diagnostics: context.diagnostics, exportDir: exportText };
}

/** `seed`, `backend`, `engine` or `export` of the experiment, checked against its spec. */
function readTopSetting(experiment: SectionReading, name: string, context: ExperimentContext) {
  const setting = experiment.settings.get(name);
  const spec = experiment.spec.settings.find((candidate) => candidate.name === name);
  if (setting === undefined || spec === undefined) return undefined;
  return readScalarSetting(setting, spec, `experiment \`${experiment.name.name}\``, context);
}

/** The model's `pretrained` layers with the layer names of what each loads. */
function pretrainedUses(model: PlannedModel, contextFor: ShapeContextFor): PretrainedUse[] {
  return model.layers
    .filter((layer) => layer.kind === "pretrained" && layer.args !== undefined)
    .map((layer) => {
      const path = String(layer.args!["path"]);
      const until = String(layer.args!["until"] ?? "");
      const context = contextFor(layer.file);
      // A named architecture's layers come from the zoo (`pretrained(resnet50)`), a saved model's from its model.json.
      const zoo = isArchitectureName(path) ? context.readZoo?.(zooRequestOf(layer.args!, layer.inputShape)) : undefined;
      const info = zoo === undefined ? context.readPretrained(path) : "code" in zoo ? zoo.message : zoo;
      return { layer, layerNames: keptLayerNames(info, until) };
    });
}

/** Remembers what an experiment exports, so later `pretrained` paths can find it. */
function recordExport(exported: ExportedModels, declaration: ExperimentDecl, file: string, plan: ExperimentPlan | undefined, exportDir: string | undefined): void {
  if (exportDir === undefined) return;
  exported.add(
    file,
    exportDir,
    plan?.model ?? `experiment \`${declaration.name.name}\`, which exports it, has errors (fix them first)`,
  );
}
