/**
 * `evaluate { }` → `EvaluateSpec`, with its defaults: on the test split when there is one
 * (else validation), the metrics of `train`, the runtime's averaging, positive class and report path.
 */
import type { SourceRange } from "../../grammar/ast.js";
import type { EvaluateSpec } from "../../runtime/experiment.js";
import type { Average } from "../../runtime/metrics/index.js";
import { METRICS } from "../registry/training.js";
import type { ExperimentContext } from "./experiment-context.js";
import type { SectionReading } from "./read-sections.js";
import { readNameList, readScalarSetting, settingValue, type WrittenName } from "./read-values.js";
import type { DataFacts } from "./static-data.js";

/** `evaluate { }` as written: the parts the checks point at. */
export interface EvaluateReading {
  /** The `evaluate` section's name; undefined when the section is absent. */
  readonly section?: SourceRange;
  /** `on:` as written, or undefined for the default. */
  readonly on?: { readonly split: "test" | "validation"; readonly range: SourceRange };
  /** Metrics as written; undefined means the metrics of `train`. */
  readonly metrics?: readonly WrittenName[];
  readonly average?: Average;
  /** `positive:` as written: the label and where it stands. */
  readonly positive?: { readonly label: string; readonly range: SourceRange };
  readonly report?: string;
  /** False when a written setting was wrong (reported). */
  readonly complete: boolean;
}

/** Reads `evaluate { }` (absent: every default). */
export function readEvaluate(section: SectionReading | undefined, context: ExperimentContext): EvaluateReading {
  if (section === undefined) return { complete: true };
  let complete = true;
  const scalar = (name: string): string | undefined => {
    const setting = section.settings.get(name);
    const spec = section.spec.settings.find((candidate) => candidate.name === name);
    if (setting === undefined || spec === undefined) return undefined;
    const value = readScalarSetting(setting, spec, "evaluate", context);
    if (typeof value !== "string") complete = false;
    return typeof value === "string" ? value : undefined;
  };
  const on = scalar("on");
  const average = scalar("average");
  const positive = scalar("positive");
  const positiveRange = section.settings.get("positive")?.value.range;
  const report = scalar("report");
  const metricsSetting = section.settings.get("metrics");
  const metrics = metricsSetting ? readNameList(settingValue(metricsSetting, context), METRICS, "metrics", context) : undefined;
  if (metricsSetting !== undefined && metrics === undefined) complete = false;
  const onRange = section.settings.get("on")?.value.range;
  return {
    section: section.name.range,
    ...(on !== undefined && onRange !== undefined ? { on: { split: on as "test" | "validation", range: onRange } } : {}),
    ...(metrics !== undefined ? { metrics } : {}),
    ...(average !== undefined ? { average: average as Average } : {}),
    ...(positive !== undefined && positiveRange !== undefined ? { positive: { label: positive, range: positiveRange } } : {}),
    ...(report !== undefined ? { report } : {}),
    complete,
  };
}

/** The split evaluated: as written, else test when the data has one, else validation; undefined when neither exists. */
export function evaluatedSplit(reading: EvaluateReading, data: DataFacts): "test" | "validation" | undefined {
  if (reading.on !== undefined) return reading.on.split;
  if (data.hasTest) return "test";
  return data.hasValidation ? "validation" : undefined;
}

/** The spec with defaults filled in; `trainMetrics` are the default metrics. */
export function evaluateSpec(reading: EvaluateReading, on: "test" | "validation", trainMetrics: readonly string[]): EvaluateSpec {
  return {
    on,
    metrics: reading.metrics?.map((metric) => metric.name) ?? [...trainMetrics],
    ...(reading.average !== undefined ? { average: reading.average } : {}),
    ...(reading.positive !== undefined ? { positive: reading.positive.label } : {}),
    ...(reading.report !== undefined ? { report: reading.report } : {}),
  };
}
