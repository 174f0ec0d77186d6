/**
 * Run reports: a self-contained HTML page or Markdown with SVG charts, rendered from
 * plain run data (history, evaluation, tuning, configuration).
 */
export { writeReport, renderReport, reportFormat, type ReportFormat } from "./write-report.js";
export type { RunReport, TrainingHistory, TuningTrial } from "./report-data.js";
export { outlineReport, type ReportOutline } from "./outline.js";
export { confusionMatrixChart, learningCurvesChart, renderChartSvg, rocChart, type Chart } from "./charts.js";
export { escapeHtml } from "./html.js";
export { escapeMarkdown } from "./markdown.js";
