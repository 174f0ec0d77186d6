/**
 * The run directory `<out>/<experiment>/`: `metrics.json`, `history.csv`, `report.html`,
 * the run checkpoint and, after tuning, `hyperparameters.json`. A second run never
 * overwrites the first silently: it gets `<experiment>-<timestamp>/` unless `--force` is given.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ExperimentDefinition, Hyperparameters } from "./experiment.js";
import type { PreparedData } from "./prepared-data.js";
import type { DataSource } from "./data/spec.js";
import type { StageOutcome } from "./run-stages.js";
import type { SplitEvaluation } from "./evaluate.js";
import type { History } from "./callbacks/callback.js";
import { writeFileDurably } from "./model-io.js";
import { OUTPUT_LEDGER, OutputOwnershipError } from "./output-ownership.js";
import type { TuningResult } from "./tune.js";

/** A data source as the `.dlm` file wrote it, e.g. `builtin("mnist")`. */
export function describeSource(source: DataSource): string {
  switch (source.kind) {
    case "builtin":
      return `builtin(${JSON.stringify(source.name)})`;
    case "csv":
      return `csv(${JSON.stringify(source.path)}, label: ${source.label})`;
    case "images":
      return `images(${JSON.stringify(source.dir)}, size: [${source.size.join(", ")}])`;
  }
}

/** `metrics.json` of a run. */
export interface RunMetrics {
  readonly experiment: string;
  readonly backend: string;
  readonly epochsRun: number;
  readonly trainSamplesPerSecond: number;
  readonly evaluation?: {
    readonly split: string;
    readonly metrics: Readonly<Record<string, number>>;
    /** Classification: class names in class-id order (the rows and columns of the confusion matrix). */
    readonly classes?: readonly string[];
    /** Classification: how precision / recall / F1 were averaged; `binary` = the `positive` class's scores. */
    readonly average?: string;
    /** With `average: "binary"`: the class whose scores are reported. */
    readonly positive?: string;
    /** Classification: precision, recall, F1 and support of every class. */
    readonly perClass?: readonly { class: string; precision: number; recall: number; f1: number; support: number }[];
    readonly confusionMatrix?: readonly (readonly number[])[];
  };
  /** Why the run failed, when it did. */
  readonly failure?: string;
}

/** The torch engine's folders in a run directory: the data DLM prepared for the program, and what the program wrote. */
export const TORCH_RUN_FOLDERS = { prepared: "prepared", outputs: "torch" } as const;

/** Files and folders a run directory holds; `--force` clears only a folder made of these. */
const RUN_ENTRIES: ReadonlySet<string> = new Set([
  TORCH_RUN_FOLDERS.prepared,
  TORCH_RUN_FOLDERS.outputs,
  "metrics.json",
  "history.csv",
  "report.html",
  "hyperparameters.json",
  "checkpoint",
  "checkpoint.previous",
  // the ledger of the report, and the run checkpoint's lock
  OUTPUT_LEDGER,
  "checkpoint.dlm-lock",
]);

/** Whether `entry` is something a run writes into its directory (the run checkpoint's temporaries included). */
function isRunEntry(entry: string): boolean {
  return RUN_ENTRIES.has(entry) || /^checkpoint\.tmp-/.test(entry) || /^\.dlm-outputs\.json\.\d+\.\d+\.tmp$/.test(entry);
}

function timestamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/** Creates `dir` (its parent must exist); false when something is already there. One `mkdir`: no race. */
async function claimDirectory(dir: string): Promise<boolean> {
  try {
    await fs.mkdir(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** With `--force`: removes `<out>/<name>` only when it holds nothing but what a run writes. */
async function clearRunDirectory(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR")
      throw new OutputOwnershipError(`--force: ${dir} is a file, not a run directory; DLM does not delete it`);
    throw error;
  }
  const foreign = entries.filter((entry) => !isRunEntry(entry));
  if (foreign.length > 0) {
    throw new OutputOwnershipError(
      `--force: ${dir} holds files a run does not write (${foreign
        .slice(0, 3)
        .map((entry) => JSON.stringify(entry))
        .join(", ")}); ` + "DLM deletes only run directories it made. Move them away or use another --out",
    );
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Claims a fresh run directory: `<out>/<name>` when it is free (or cleared by `force`), else
 * `<out>/<name>-YYYYMMDD-HHMMSS` (with `-2`, `-3`, … when taken). Each candidate is claimed
 * with one `mkdir`, so concurrent runs of one experiment always get distinct directories.
 */
export async function chooseRunDirectory(out: string, name: string, force: boolean, now = new Date()): Promise<string> {
  const plain = path.join(out, name);
  await fs.mkdir(path.dirname(plain), { recursive: true });
  if (force) await clearRunDirectory(plain);
  if (await claimDirectory(plain)) return plain;
  const stamped = `${plain}-${timestamp(now)}`;
  if (await claimDirectory(stamped)) return stamped;
  for (let counter = 2; ; counter++) {
    const numbered = `${stamped}-${counter}`;
    if (await claimDirectory(numbered)) return numbered;
  }
}

/** `<name>` or `<name>-YYYYMMDD-HHMMSS[-N]`: the directories `chooseRunDirectory` makes for `name`. */
function isRunDirectoryOf(entry: string, name: string): boolean {
  if (entry === name) return true;
  if (!entry.startsWith(`${name}-`)) return false;
  return /^\d{8}-\d{6}(-\d+)?$/.test(entry.slice(name.length + 1));
}

/** When the run checkpoint of `runDir` was last saved, also through the `.previous` an interrupted save left. */
async function checkpointSavedAt(runDir: string): Promise<number | undefined> {
  for (const dir of ["checkpoint", "checkpoint.previous"]) {
    try {
      return (await fs.stat(path.join(runDir, dir, "checkpoint.json"))).mtimeMs;
    } catch {
      // not there: try the next place, then give up
    }
  }
  return undefined;
}

/**
 * The run directory of `name` under `out` whose checkpoint was saved last, for `--resume`;
 * undefined when no run of `name` has a checkpoint.
 */
export async function findLatestRunDirectory(out: string, name: string): Promise<string | undefined> {
  let entries: string[];
  try {
    entries = await fs.readdir(out);
  } catch {
    return undefined;
  }
  let latest: { dir: string; savedAt: number } | undefined;
  for (const entry of entries) {
    if (!isRunDirectoryOf(entry, name)) continue;
    const dir = path.join(out, entry);
    const savedAt = await checkpointSavedAt(dir);
    if (savedAt !== undefined && (latest === undefined || savedAt > latest.savedAt)) latest = { dir, savedAt };
  }
  return latest?.dir;
}

/** Where a tuned run keeps the hyperparameters it trains with, so `--resume` trains with them too. */
const HYPERPARAMETERS_JSON = "hyperparameters.json";

/** Records the best trial's hyperparameters in the run directory. */
export async function writeHyperparameters(runDir: string, values: Hyperparameters): Promise<void> {
  await writeFileDurably(path.join(runDir, HYPERPARAMETERS_JSON), JSON.stringify(values, null, 2) + "\n");
}

/** The hyperparameters a tuned run recorded; undefined for runs without tuning. */
export async function readHyperparameters(runDir: string): Promise<Hyperparameters | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(runDir, HYPERPARAMETERS_JSON), "utf8")) as Hyperparameters;
  } catch {
    return undefined;
  }
}

/** `history.csv`: one row per epoch, one column per log name. */
export function historyCsv(history: History): string {
  const names = Object.keys(history.logs);
  const rows = history.epochs.map((epoch, row) =>
    [String(epoch + 1), ...names.map((name) => String(history.logs[name]?.[row] ?? ""))].join(","),
  );
  return [["epoch", ...names].join(","), ...rows].join("\n") + "\n";
}

/** The settings shown in the report: the definition without functions. */
export function describeConfig(definition: ExperimentDefinition): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      seed: definition.seed,
      backend: definition.backend,
      data: definition.data,
      train: definition.train,
      ...(definition.fineTune ? { fine_tune: definition.fineTune } : {}),
      ...(definition.tune ? { tune: definition.tune } : {}),
      evaluate: definition.evaluate,
      ...(definition.export ? { export: definition.export } : {}),
      source: definition.sourceFile,
    }),
  ) as Record<string, unknown>;
}

/** What a finished (or failed) run leaves in its directory. */
export interface RunResults {
  readonly backend: string;
  readonly outcome: StageOutcome;
  readonly data: PreparedData;
  readonly evaluation?: SplitEvaluation;
  readonly tuning?: TuningResult;
}

/** Writes metrics.json, history.csv and the report; returns the files written. */
export async function writeRunFiles(
  runDir: string,
  definition: ExperimentDefinition,
  results: RunResults,
): Promise<string[]> {
  await fs.mkdir(runDir, { recursive: true });
  const { outcome, evaluation } = results;
  const metrics: RunMetrics = {
    experiment: definition.name,
    backend: results.backend,
    epochsRun: outcome.epochsRun,
    trainSamplesPerSecond: Math.round(outcome.trainSamplesPerSecond * 10) / 10,
    ...(evaluation === undefined
      ? {}
      : {
          evaluation: {
            split: evaluation.split,
            metrics: evaluation.metrics,
            ...(evaluation.classes === undefined ? {} : { classes: evaluation.classes }),
            ...(evaluation.average === undefined ? {} : { average: evaluation.average }),
            ...(evaluation.positive === undefined ? {} : { positive: evaluation.positive }),
            ...(evaluation.perClass === undefined ? {} : { perClass: evaluation.perClass }),
            ...(evaluation.confusionMatrix === undefined ? {} : { confusionMatrix: evaluation.confusionMatrix }),
          },
        }),
    ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
  };
  const written: string[] = [];
  const metricsFile = path.join(runDir, "metrics.json");
  await writeFileDurably(metricsFile, JSON.stringify(metrics, null, 2) + "\n");
  written.push(metricsFile);
  const historyFile = path.join(runDir, "history.csv");
  await writeFileDurably(historyFile, historyCsv(outcome.history));
  written.push(historyFile);
  if (evaluation !== undefined) {
    const reportFile =
      definition.evaluate.report === undefined
        ? path.join(runDir, "report.html")
        : path.resolve(definition.baseDir, definition.evaluate.report);
    // vega is heavy: loaded only when a report is written
    const { writeReport } = await import("./report/index.js");
    await writeReport(reportFile, {
      experiment: definition.name,
      config: describeConfig(definition),
      backend: results.backend,
      // epochs are numbered from 1 for people, as in the terminal and history.csv
      history: { epochs: outcome.history.epochs.map((epoch) => epoch + 1), logs: outcome.history.logs },
      evaluation,
      ...(results.data.info.classes === undefined ? {} : { classes: results.data.info.classes }),
      ...(results.tuning === undefined
        ? {}
        : {
            tuning: {
              objectiveName: results.tuning.objective,
              trials: results.tuning.trials.map((trial) => ({
                trial: trial.trial,
                values: Object.fromEntries(
                  Object.entries(trial.values).map(([k, v]) => [k, typeof v === "boolean" ? String(v) : v]),
                ),
                objective: trial.objectiveValue,
                epochs: trial.epochs,
              })),
            },
          }),
      createdAt: new Date().toISOString(),
    });
    written.push(reportFile);
  }
  return written;
}
