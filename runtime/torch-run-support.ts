/**
 * The TypeScript half of a torch-engine run: prepare the data once with DLM's pipeline and
 * write it for the Python program, then finish the run folder from what the program wrote —
 * history, metrics over its predictions with DLM's metrics code, the report, and the bundle.
 * The torch engine and the TF.js engine fill the same files the same way.
 */
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { ExperimentPlan } from "../compiler/experiment-plan.js";
import { initBackend } from "./backend.js";
import { checkExperimentOutputs } from "./check-outputs.js";
import { disposePreparedData, prepareData } from "./data/prepare.js";
import { inTargetUnits } from "./data/normalize.js";
import { writePreparedData } from "./data/write-prepared.js";
import { positiveClassId, type SplitEvaluation } from "./evaluate.js";
import type { ExperimentDefinition } from "./experiment.js";
import { exportBundle } from "./export.js";
import { classWeightVector } from "./losses.js";
import { evaluatePredictions } from "./metrics/index.js";
import { averagedMetricLabel } from "./report/tables.js";
import { chooseRunDirectory, describeSource, writeRunFiles } from "./run-directory.js";
import type { StageOutcome } from "./run-stages.js";
import type { PreparedData } from "./types.js";

/** A run folder with its data prepared and written for the torch program. */
export interface PreparedTorchRun {
  readonly runDir: string;
  /** Folder of `manifest.json` and the `.npy` splits. */
  readonly dataDir: string;
  readonly data: PreparedData;
  readonly definition: ExperimentDefinition;
  /** `dlm: data …` line, as the TF.js engine prints it. */
  readonly dataLine: string;
  readonly dispose: () => void;
}

/** The plan as the runtime's definition (what the run folder's files and the output checks read). */
function definitionOf(plan: ExperimentPlan, buildModel: ExperimentDefinition["buildModel"]): ExperimentDefinition {
  return {
    name: plan.name,
    sourceFile: plan.file,
    baseDir: path.dirname(path.resolve(plan.file)),
    seed: plan.seed,
    backend: plan.backend,
    data: plan.data,
    buildModel,
    train: plan.train,
    evaluate: plan.evaluate,
    ...(plan.export === undefined ? {} : { export: plan.export }),
  };
}

/** Chooses the run folder, prepares the data and writes it (`prepared/`) for the program. */
export async function prepareTorchRun(
  plan: ExperimentPlan,
  options: { readonly out: string; readonly force: boolean; readonly limit?: number },
): Promise<PreparedTorchRun> {
  await initBackend("cpu");
  const definition = definitionOf(plan, () => Promise.reject(new Error("the torch engine builds its model in Python")));
  await checkExperimentOutputs(definition);
  const runDir = await chooseRunDirectory(options.out, plan.name, options.force);
  const data = await prepareData(plan.data, {
    seed: plan.seed,
    baseDir: definition.baseDir,
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  const classWeight = plan.train.classWeight;
  const weights =
    classWeight === undefined || data.info.classes === undefined
      ? undefined
      : classWeightVector(classWeight, data.train.y.dataSync() as Int32Array, data.info.classes);
  const dataDir = path.join(runDir, "prepared");
  await writePreparedData(dataDir, data, weights);
  const dataLine =
    `dlm: data ${describeSource(plan.data.source)}: ${data.train.size} train` +
    (data.validation ? `, ${data.validation.size} validation` : "") +
    (data.test ? `, ${data.test.size} test` : "") +
    `, features [${data.info.featureShape.join(", ")}]` +
    (data.info.classes ? `, ${data.info.classes.length} classes` : "");
  return { runDir, dataDir, data, definition, dataLine, dispose: () => disposePreparedData(data) };
}

/** The evaluation of the program's predictions on `evaluate.on`, by DLM's metrics code. */
function evaluateTorchPredictions(plan: ExperimentPlan, data: PreparedData, predictions: Float32Array | undefined): SplitEvaluation | undefined {
  const split = plan.evaluate.on === "test" ? data.test : data.validation;
  if (split === undefined || split.size === 0 || predictions === undefined) return undefined;
  const target = data.preprocessing.target;
  const positive = positiveClassId(plan.evaluate.positive, data.info.classes);
  const evaluation = evaluatePredictions(inTargetUnits(split.y.dataSync() as Float32Array | Int32Array, target), inTargetUnits(predictions, target), {
    task: data.info.task,
    ...(data.info.classes === undefined ? {} : { classes: data.info.classes }),
    ...(data.info.targets === undefined ? {} : { targets: data.info.targets }),
    metrics: plan.evaluate.metrics,
    ...(plan.evaluate.average === undefined ? {} : { average: plan.evaluate.average }),
    ...(positive === undefined ? {} : { positive }),
  });
  return { ...evaluation, split: plan.evaluate.on };
}

/** Writes history.csv, metrics.json and the report; returns the lines to print and the files written. */
export async function finishTorchRun(
  plan: ExperimentPlan,
  prepared: PreparedTorchRun,
  model: tf.LayersModel,
  records: readonly Record<string, number>[],
  predictions: Float32Array | undefined,
): Promise<{ lines: string[]; files: string[]; metrics: Record<string, number> }> {
  const logs: Record<string, number[]> = {};
  for (const name of ["loss", "val_loss", "lr"]) {
    if (records.every((record) => typeof record[name] === "number")) logs[name] = records.map((record) => record[name]!);
  }
  const samples = records.reduce((sum, record) => sum + (record["samples"] ?? 0), 0);
  const seconds = records.reduce((sum, record) => sum + (record["seconds"] ?? 0), 0);
  const outcome: StageOutcome = {
    model,
    history: { epochs: records.map((_, index) => index), logs },
    epochsRun: records.length,
    epochsFinished: records.length,
    trainSamplesPerSecond: seconds > 0 ? samples / seconds : 0,
    interrupted: false,
  };
  const evaluation = evaluateTorchPredictions(plan, prepared.data, predictions);
  const files = await writeRunFiles(prepared.runDir, prepared.definition, { backend: "torch", outcome, data: prepared.data, evaluation });
  const lines = Object.entries(evaluation?.metrics ?? {}).map(([name, value]) => {
    const label = averagedMetricLabel(name, evaluation?.average, evaluation?.positive);
    return `dlm: ${evaluation?.split} ${label} = ${Number.isInteger(value) ? value : value.toFixed(4)}`;
  });
  return { lines, files, metrics: evaluation?.metrics ?? {} };
}

/** Writes the bundle of `export:` from the TF.js model holding the torch-trained weights. */
export async function exportTorchModel(
  dir: string,
  plan: ExperimentPlan,
  prepared: PreparedTorchRun,
  model: tf.LayersModel,
  metrics: Readonly<Record<string, number>>,
): Promise<void> {
  await exportBundle(dir, model, prepared.data.preprocessing, prepared.data.info, {
    experiment: plan.name,
    metrics,
    source: describeSource(plan.data.source),
  });
}
