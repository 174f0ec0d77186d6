/**
 * The run directory `<out>/<experiment>/`: `metrics.json`, `history.csv`, `report.html`
 * and the run checkpoint. A second run never overwrites the first silently: it gets
 * `<experiment>-<timestamp>/` unless `--force` is given.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ExperimentDefinition } from "./experiment.js";
import type { PreparedData } from "./types.js";
import type { DataSource } from "./data/spec.js";
import type { StageOutcome } from "./run-stages.js";
import type { SplitEvaluation } from "./evaluate.js";
import type { History } from "./train.js";
import { writeFileDurably } from "./model-io.js";
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
    readonly confusionMatrix?: readonly (readonly number[])[];
  };
  /** Why the run failed, when it did. */
  readonly failure?: string;
}

async function isNonEmptyDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

function timestamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/**
 * `<out>/<name>` when it is free (or `force`), else `<out>/<name>-YYYYMMDD-HHMMSS`
 * (with a counter if that exists too). The directory is created.
 */
export async function chooseRunDirectory(out: string, name: string, force: boolean, now = new Date()): Promise<string> {
  const plain = path.join(out, name);
  let chosen = plain;
  if (force) {
    await fs.rm(plain, { recursive: true, force: true });
  } else if (await isNonEmptyDirectory(plain)) {
    const stamped = `${plain}-${timestamp(now)}`;
    chosen = stamped;
    for (let counter = 2; await isNonEmptyDirectory(chosen); counter++) chosen = `${stamped}-${counter}`;
  }
  await fs.mkdir(chosen, { recursive: true });
  return chosen;
}

/** The newest run directory of an experiment that has a checkpoint, for `--resume`. */
export async function findLatestRunDirectory(out: string, name: string): Promise<string> {
  let entries: string[];
  try {
    entries = await fs.readdir(out);
  } catch {
    throw new Error(`nothing to resume: ${out}/ does not exist (run without --resume first)`);
  }
  const candidates: { dir: string; modified: number }[] = [];
  for (const entry of entries) {
    if (entry !== name && !entry.startsWith(`${name}-`)) continue;
    const dir = path.join(out, entry);
    try {
      const stat = await fs.stat(path.join(dir, "checkpoint", "checkpoint.json"));
      candidates.push({ dir, modified: stat.mtimeMs });
    } catch {
      // a run directory without a checkpoint cannot be resumed
    }
  }
  candidates.sort((a, b) => b.modified - a.modified);
  const latest = candidates[0];
  if (latest === undefined) throw new Error(`nothing to resume: no run of \`${name}\` in ${out}/ has a checkpoint`);
  return latest.dir;
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
export async function writeRunFiles(runDir: string, definition: ExperimentDefinition, results: RunResults): Promise<string[]> {
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
      history: outcome.history,
      evaluation,
      ...(results.data.info.classes === undefined ? {} : { classes: results.data.info.classes }),
      ...(results.tuning === undefined
        ? {}
        : {
            tuning: {
              objectiveName: results.tuning.objective,
              trials: results.tuning.trials.map((trial) => ({
                trial: trial.trial,
                values: Object.fromEntries(Object.entries(trial.values).map(([k, v]) => [k, typeof v === "boolean" ? String(v) : v])),
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
