/**
 * What the report says, independent of its format: the title, the facts line, the
 * headline numbers, the charts and the tables. HTML and Markdown both render this.
 */
import { isHigherBetter } from "../metrics/index.js";
import { confusionMatrixChart, learningCurvesChart, rocChart, type Chart } from "./charts.js";
import {
  configurationTable,
  finalEpochTable,
  metricLabel,
  overallMetricsTable,
  perClassTable,
  tuningTable,
  type Table,
} from "./tables.js";
import type { RunReport } from "./report-data.js";

/** The report's content, ready to render. */
export interface ReportOutline {
  readonly title: string;
  /** Label/value pairs shown under the title. */
  readonly facts: readonly (readonly [string, string])[];
  /** Evaluation numbers shown large at the top, labelled with their averaging. */
  readonly headlineMetrics: readonly (readonly [string, number])[];
  readonly evaluationHeading: string;
  /** One sentence on the search: trial count, objective and its direction. */
  readonly tuningNote: string;
  readonly charts: {
    readonly learningCurves?: Chart;
    readonly confusionMatrix?: Chart;
    readonly roc?: Chart;
  };
  readonly tables: {
    readonly overall: Table;
    readonly perClass?: Table;
    readonly finalEpoch?: Table;
    readonly tuning?: Table;
    readonly configuration: Table;
  };
}

/** `2025-06-01T14:03:07.123Z` → `2025-06-01 14:03 UTC`; anything unparsable is shown as given. */
function formatCreatedAt(createdAt: string): string {
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime())) return createdAt;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Lays out a run report: pure, no rendering and no files. */
export function outlineReport(report: RunReport): ReportOutline {
  const { evaluation, history, tuning } = report;
  const classNames = report.classes ?? evaluation.perClass?.map((row) => row.class) ?? [];
  const facts: [string, string][] = [
    ["evaluated on", `${evaluation.split} split`],
    ["backend", report.backend],
    ["epochs", String(history.epochs.length)],
  ];
  if (report.classes !== undefined) facts.push(["classes", String(report.classes.length)]);
  if (tuning !== undefined) facts.push(["tuning trials", String(tuning.trials.length)]);
  facts.push(["created", formatCreatedAt(report.createdAt)]);

  const learningCurves = learningCurvesChart(history);
  const confusionMatrix =
    evaluation.confusionMatrix === undefined ? undefined : confusionMatrixChart(evaluation.confusionMatrix, classNames);
  const roc = evaluation.roc === undefined ? undefined : rocChart(evaluation.roc);
  const perClass = perClassTable(report);
  const finalEpoch = finalEpochTable(report);
  const tuningRows = tuningTable(report);

  return {
    title: report.experiment,
    facts,
    headlineMetrics: Object.entries(evaluation.metrics).map(([name, value]) => [metricLabel(report, name), value]),
    evaluationHeading: `Evaluation on the ${evaluation.split} split`,
    tuningNote:
      tuning === undefined
        ? ""
        : `${tuning.trials.length} trials, objective ${tuning.objectiveName} (${
            isHigherBetter(tuning.objectiveName) ? "higher" : "lower"
          } is better); the best trial is highlighted.`,
    charts: {
      ...(learningCurves && { learningCurves }),
      ...(confusionMatrix && { confusionMatrix }),
      ...(roc && { roc }),
    },
    tables: {
      overall: overallMetricsTable(report),
      ...(perClass && { perClass }),
      ...(finalEpoch && { finalEpoch }),
      ...(tuningRows && { tuning: tuningRows }),
      configuration: configurationTable(report),
    },
  };
}

/** The outline's charts in page order. */
export function outlineCharts(outline: ReportOutline): Chart[] {
  const { learningCurves, confusionMatrix, roc } = outline.charts;
  return [learningCurves, confusionMatrix, roc].filter((chart): chart is Chart => chart !== undefined);
}
