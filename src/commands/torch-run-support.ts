/**
 * The TypeScript half of a torch-engine run: prepare the data once with DLM's pipeline and
 * write it for the Python program, then finish the run folder from what the program wrote —
 * history, metrics over its predictions with DLM's metrics code, the report, and the bundle.
 * The torch engine and the TF.js engine fill the same files the same way.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { ExperimentPlan } from "../../compiler/experiments/experiment-plan.js";
import { initBackend } from "../../runtime/backend.js";
import { checkExperimentOutputs } from "../../runtime/check-outputs.js";
import { disposePreparedData, prepareData } from "../../runtime/data/prepare.js";
import { inTargetUnits } from "../../runtime/data/normalize.js";
import { writePreparedData } from "../../runtime/data/write-prepared.js";
import { positiveClassId, type SplitEvaluation } from "../../runtime/evaluate.js";
import type { ExperimentDefinition } from "../../runtime/experiment.js";
import { exportBundle } from "../../runtime/export.js";
import { classWeightVector } from "../../runtime/losses.js";
import { evaluatePredictions, type Evaluation } from "../../runtime/metrics/index.js";
import { decodeNpy } from "../../runtime/data/npy.js";
import { averagedMetricLabel } from "../../runtime/report/tables.js";
import { chooseRunDirectory, describeSource, findLatestRunDirectory, TORCH_RUN_FOLDERS, writeRunFiles } from "../../runtime/run-directory.js";
import { runCheckpointDir, type StageOutcome } from "../../runtime/run-stages.js";
import { CHECKPOINT_JSON, CheckpointError, readCheckpointState, TORCH_CHECKPOINT_STATE } from "../../runtime/callbacks/model-checkpoint.js";
import { existingDirectory } from "../../runtime/model-io.js";
import type { PreparedData } from "../../runtime/prepared-data.js";

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
    ...(plan.fineTune === undefined ? {} : { fineTune: plan.fineTune }),
    evaluate: plan.evaluate,
    ...(plan.export === undefined ? {} : { export: plan.export }),
  };
}

/** Starts TF.js's cpu backend: DLM's side of a torch run (data, metrics, the bundle) needs no other. */
export async function initTorchRunBackend(): Promise<void> {
  await initBackend("cpu");
}

/** Chooses the run folder (or takes the one being resumed), prepares the data and writes it (`prepared/`) for the program. */
export async function prepareTorchRun(
  plan: ExperimentPlan,
  options: { readonly out: string; readonly force: boolean; readonly limit?: number; readonly runDir?: string },
): Promise<PreparedTorchRun> {
  await initBackend("cpu");
  const definition = definitionOf(plan, () => Promise.reject(new Error("the torch engine builds its model in Python")));
  await checkExperimentOutputs(definition);
  // a resumed run goes on in the run folder of its checkpoint
  const runDir = options.runDir ?? (await chooseRunDirectory(options.out, plan.name, options.force));
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
  const dataDir = path.join(runDir, TORCH_RUN_FOLDERS.prepared);
  await writePreparedData(dataDir, data, weights);
  const dataLine =
    `dlm: data ${describeSource(plan.data.source)}: ${data.train.size} train` +
    (data.validation ? `, ${data.validation.size} validation` : "") +
    (data.test ? `, ${data.test.size} test` : "") +
    `, features [${data.info.featureShape.join(", ")}]` +
    (data.info.classes ? `, ${data.info.classes.length} classes` : "");
  return { runDir, dataDir, data, definition, dataLine, dispose: () => disposePreparedData(data) };
}

/** DLM's metrics over outputs and labels (regression in the target's own units). */
function scoreOutputs(
  plan: ExperimentPlan,
  data: PreparedData,
  labels: Float32Array | Int32Array,
  outputs: Float32Array,
  metrics: readonly string[],
): Evaluation {
  const target = data.preprocessing.target;
  const positive = positiveClassId(plan.evaluate.positive, data.info.classes);
  return evaluatePredictions(inTargetUnits(labels, target), inTargetUnits(outputs, target), {
    task: data.info.task,
    ...(data.info.classes === undefined ? {} : { classes: data.info.classes }),
    ...(data.info.targets === undefined ? {} : { targets: data.info.targets }),
    metrics,
    ...(plan.evaluate.average === undefined ? {} : { average: plan.evaluate.average }),
    ...(positive === undefined ? {} : { positive }),
  });
}

/** The evaluation of the program's predictions on `evaluate.on`, by DLM's metrics code. */
function evaluateTorchPredictions(plan: ExperimentPlan, data: PreparedData, predictions: Float32Array | undefined): SplitEvaluation | undefined {
  const split = plan.evaluate.on === "test" ? data.test : data.validation;
  if (split === undefined || split.size === 0 || predictions === undefined) return undefined;
  const evaluation = scoreOutputs(plan, data, split.y.dataSync() as Float32Array | Int32Array, predictions, plan.evaluate.metrics);
  return { ...evaluation, split: plan.evaluate.on };
}

/** Writes history.csv, metrics.json and the report; returns the lines to print and the files written. */
export async function finishTorchRun(
  plan: ExperimentPlan,
  prepared: PreparedTorchRun,
  model: tf.LayersModel,
  records: readonly Record<string, number>[],
  outputDir: string,
): Promise<{ lines: string[]; files: string[]; metrics: Record<string, number>; history: StageOutcome["history"] }> {
  const read = (name: string): Float32Array | Int32Array | undefined => {
    const file = path.join(outputDir, `predictions-${name}.npy`);
    return existsSync(file) ? decodeNpy(readFileSync(file)).data : undefined;
  };
  const logs: Record<string, number[]> = {};
  const column = (name: string, values: (number | undefined)[]) => {
    if (values.every((value) => typeof value === "number")) logs[name] = values as number[];
  };
  column("loss", records.map((record) => record["loss"]));
  // per-epoch metrics over whole splits, by DLM's metrics code, from the outputs the program saved
  // epochs as the program numbered them: fine_tune's follow train's declared epochs, after an early stop too
  const epochs = records.map((record, index) => (typeof record["epoch"] === "number" ? record["epoch"] - 1 : index));
  const perEpoch = (split: "train" | "validation", epoch: number): Record<string, number> | undefined => {
    const outputs = read(`epoch${epoch + 1}-${split}`);
    const labels = split === "train" ? read(`epoch${epoch + 1}-train-labels`) : prepared.data.validation?.y.dataSync();
    if (outputs === undefined || labels === undefined) return undefined;
    return scoreOutputs(plan, prepared.data, labels as Float32Array | Int32Array, outputs as Float32Array, plan.train.metrics).metrics;
  };
  const trainScores = epochs.map((epoch) => perEpoch("train", epoch));
  const validationScores = epochs.map((epoch) => perEpoch("validation", epoch));
  for (const name of plan.train.metrics) column(name, trainScores.map((scores) => scores?.[name]));
  column("val_loss", records.map((record) => record["val_loss"]));
  for (const name of plan.train.metrics) column(`val_${name}`, validationScores.map((scores) => scores?.[name]));
  column("lr", records.map((record) => record["lr"]));
  const predictions = read(plan.evaluate.on) as Float32Array | undefined;
  const samples = records.reduce((sum, record) => sum + (record["samples"] ?? 0), 0);
  const seconds = records.reduce((sum, record) => sum + (record["seconds"] ?? 0), 0);
  const outcome: StageOutcome = {
    model,
    history: { epochs, logs },
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
  return { lines, files, metrics: evaluation?.metrics ?? {}, history: outcome.history };
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

/** The run checkpoint a torch run writes after every epoch: the TF.js engine's place, and its `checkpoint.json`. */
export { runCheckpointDir } from "../../runtime/run-stages.js";
export { CheckpointError } from "../../runtime/callbacks/model-checkpoint.js";
export { TORCH_RUN_FOLDERS } from "../../runtime/run-directory.js";

/**
 * The run folder of `plan`'s latest checkpoint under `out`, for `--resume`, and the epoch it
 * saved; undefined when no run has one. A checkpoint of the TF.js engine, a damaged
 * `checkpoint.json` or one saved from another model is a `CheckpointError` naming the file.
 */
export async function findTorchResumePoint(
  out: string,
  plan: ExperimentPlan,
  architecture: string,
): Promise<{ runDir: string; epoch: number } | undefined> {
  const runDir = await findLatestRunDirectory(out, plan.name);
  if (runDir === undefined) return undefined;
  const dir = await existingDirectory(runCheckpointDir(runDir));
  const state = await readCheckpointState(dir);
  const file = path.join(dir, CHECKPOINT_JSON);
  if (state === undefined) throw new CheckpointError(file, "missing");
  if (!existsSync(path.join(dir, TORCH_CHECKPOINT_STATE))) {
    throw new CheckpointError(
      file,
      `this checkpoint was written by the TF.js engine (it has no ${TORCH_CHECKPOINT_STATE})`,
      "resume it without `--engine torch`, or start a new torch run without `--resume`",
    );
  }
  if (state.architecture !== undefined && state.architecture !== architecture) {
    throw new CheckpointError(
      file,
      `cannot resume: the model of experiment \`${plan.name}\` changed since this checkpoint was saved`,
      "undo the change to resume, or start again without `--resume` (a new run directory) or with `--force` (replaces this one)",
    );
  }
  return { runDir, epoch: state.epoch };
}

/** The epoch the run checkpoint of `runDir` saved, or undefined when there is none. */
export async function savedTorchEpoch(runDir: string): Promise<number | undefined> {
  try {
    return (await readCheckpointState(runCheckpointDir(runDir)))?.epoch;
  } catch {
    return undefined;
  }
}
