/**
 * The report's tables as plain data (captions, columns, rows of text), so the HTML and
 * the Markdown renderings show exactly the same numbers.
 */
import { findMetric, isHigherBetter } from "../metrics/index.js";
import type { RunReport } from "./report-data.js";

/** A column: its heading and whether it holds numbers (right-aligned). */
export interface Column {
  readonly label: string;
  readonly numeric: boolean;
}

/** A table of already formatted cells. */
export interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  /** Index of a row to emphasise (the best tuning trial). */
  readonly highlightedRow?: number;
}

/**
 * A metric value for reading, `n/a` for NaN: 4 decimals, fewer for large values (a loss
 * of 2,345.6), and the same decimals for integers so a column's values line up.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "n/a";
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(1);
  if (magnitude >= 100) return value.toFixed(2);
  return value.toFixed(4);
}

/** A metric's name with how it was averaged: `f1 (macro)`, `precision (positive class: spam)`. */
export function metricLabel(report: RunReport, metric: string): string {
  return averagedMetricLabel(metric, report.evaluation.average, report.evaluation.positive);
}

/**
 * A metric's name with how it was averaged, as the report and the terminal print it:
 * `f1 (macro)`, `precision (positive class: spam)`; other metrics keep their name.
 */
export function averagedMetricLabel(metric: string, average: string | undefined, positive: string | undefined): string {
  if (average === undefined || !["precision", "recall", "f1", "auc"].includes(metric)) return metric;
  if (average === "binary") return positive === undefined ? `${metric} (positive class)` : `${metric} (positive class: ${positive})`;
  return `${metric} (${average})`;
}

/** One row per evaluated metric: name, value, and what the number means. */
export function overallMetricsTable(report: RunReport): Table {
  return {
    columns: [
      { label: "metric", numeric: false },
      { label: "value", numeric: true },
      { label: "meaning", numeric: false },
    ],
    rows: Object.entries(report.evaluation.metrics).map(([name, value]) => [
      metricLabel(report, name),
      formatNumber(value),
      findMetric(name)?.description ?? "",
    ]),
  };
}

/** Precision, recall, F1 and support per class; undefined when evaluation has none. */
export function perClassTable(report: RunReport): Table | undefined {
  const perClass = report.evaluation.perClass;
  if (perClass === undefined) return undefined;
  return {
    columns: [
      { label: "class", numeric: false },
      { label: "precision", numeric: true },
      { label: "recall", numeric: true },
      { label: "f1", numeric: true },
      { label: "support", numeric: true },
    ],
    rows: perClass.map((row) => [
      row.class,
      formatNumber(row.precision),
      formatNumber(row.recall),
      formatNumber(row.f1),
      String(row.support),
    ]),
  };
}

/** Final-epoch value of each logged quantity: a quick read of where training ended. */
export function finalEpochTable(report: RunReport): Table | undefined {
  const names = Object.keys(report.history.logs).filter((name) => !name.startsWith("val_"));
  if (names.length === 0) return undefined;
  const hasValidation = names.some((name) => report.history.logs[`val_${name}`] !== undefined);
  const last = (name: string): string => {
    const series = report.history.logs[name];
    if (series === undefined || series.length === 0) return "";
    // The learning rate is a setting, not a metric: four decimals would print 1e-5 as 0.0000.
    return name === "lr" ? formatSetting(series[series.length - 1]!) : formatNumber(series[series.length - 1]!);
  };
  return {
    columns: [
      { label: "quantity", numeric: false },
      { label: "train", numeric: true },
      ...(hasValidation ? [{ label: "validation", numeric: true }] : []),
    ],
    rows: names.map((name) => [name, last(name), ...(hasValidation ? [last(`val_${name}`)] : [])]),
  };
}

/** One row per tuning trial with its sampled values; the best trial is highlighted. */
export function tuningTable(report: RunReport): Table | undefined {
  const tuning = report.tuning;
  if (tuning === undefined || tuning.trials.length === 0) return undefined;
  const settingNames = [...new Set(tuning.trials.flatMap((trial) => Object.keys(trial.values)))];
  const higherIsBetter = isHigherBetter(tuning.objectiveName);
  let best = -1;
  tuning.trials.forEach((trial, i) => {
    if (Number.isNaN(trial.objective)) return;
    const bestObjective = best < 0 ? undefined : tuning.trials[best]!.objective;
    if (
      bestObjective === undefined ||
      (higherIsBetter ? trial.objective > bestObjective : trial.objective < bestObjective)
    ) {
      best = i;
    }
  });
  return {
    columns: [
      { label: "trial", numeric: true },
      ...settingNames.map((label) => ({ label, numeric: true })),
      { label: "epochs", numeric: true },
      { label: tuning.objectiveName, numeric: true },
    ],
    rows: tuning.trials.map((trial) => [
      String(trial.trial),
      ...settingNames.map((name) => formatSetting(trial.values[name])),
      String(trial.epochs),
      formatNumber(trial.objective),
    ]),
    ...(best >= 0 && { highlightedRow: best }),
  };
}

/**
 * A setting's number for people: integers whole (`128`, a seed to its last digit), others
 * to 4 significant digits (`0.001235`), in exponent notation below 0.001 or from 1e6 on
 * (`8.765e-5`, `1e-4`).
 */
function formatSettingNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const rounded = Number(value.toPrecision(4));
  const magnitude = Math.abs(rounded);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e6)) return String(rounded);
  // toExponential() writes the shortest digits of the rounded value: 1e-4, not 1.000e-4.
  return rounded.toExponential().replace("e+", "e");
}

/**
 * A setting's value as written in a `.dlm` file, numbers shortened for reading: the one
 * format for hyperparameter values in the report's tables and the terminal's trial table.
 */
export function formatSetting(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "null";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatSettingNumber(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== "object")) {
    return `[${value.map(formatSetting).join(", ")}]`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** Path of every leaf of the run's configuration (`train.optimizer.learning_rate`) with its value. */
export function configurationTable(report: RunReport): Table {
  const rows: string[][] = [];
  const visit = (value: unknown, path: string): void => {
    const isLeafArray = Array.isArray(value) && value.every((item) => item === null || typeof item !== "object");
    if (Array.isArray(value) && !isLeafArray && value.length > 0) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [key, item] of Object.entries(value)) visit(item, path === "" ? key : `${path}.${key}`);
    } else if (value !== undefined) {
      rows.push([path, formatSetting(value)]);
    }
  };
  visit(report.config, "");
  return {
    columns: [
      { label: "setting", numeric: false },
      { label: "value", numeric: false },
    ],
    rows,
  };
}
