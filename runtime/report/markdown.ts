/**
 * The Markdown report: the same tables as the HTML page, with the charts as SVG files
 * beside the `.md` file, linked by relative path.
 */
import type { Chart } from "./charts.js";
import { escapeHtml } from "./html.js";
import type { ReportOutline } from "./outline.js";
import { formatNumber, type Table } from "./tables.js";

/**
 * Text made inert in Markdown: HTML-escaped (renderers pass raw HTML through), Markdown
 * punctuation backslash-escaped, line breaks flattened so a table row stays one line.
 */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_[\]|#~]/g, (character) => `\\${character}`)
    .replace(/\r?\n/g, " ");
}

/** A GitHub-flavoured Markdown table; the highlighted row is bold. */
function renderTable(table: Table): string {
  const header = `| ${table.columns.map((column) => escapeMarkdown(column.label)).join(" | ")} |`;
  const rule = `| ${table.columns.map((column) => (column.numeric ? "---:" : "---")).join(" | ")} |`;
  const rows = table.rows.map((row, r) => {
    const cells = row.map((cell) => (cell === "" ? "" : escapeMarkdown(cell)));
    return `| ${(r === table.highlightedRow ? cells.map((cell) => (cell === "" ? "" : `**${cell}**`)) : cells).join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** Renders the report; `chartFiles` maps each chart id to its SVG's relative file name. */
export function renderMarkdown(outline: ReportOutline, chartFiles: ReadonlyMap<Chart["id"], string>): string {
  const image = (chart: Chart | undefined): string[] => {
    const file = chart === undefined ? undefined : chartFiles.get(chart.id);
    return chart === undefined || file === undefined
      ? []
      : [`![${escapeMarkdown(chart.title)}](${encodeURIComponent(file)})`, ""];
  };
  const facts = outline.facts
    .map(([label, value]) => `${escapeMarkdown(label)}: **${escapeMarkdown(value)}**`)
    .join(" · ");
  const lines: string[] = [`# ${escapeMarkdown(outline.title)}`, "", `DLM run report · ${facts}`, ""];

  if (outline.headlineMetrics.length > 0) {
    lines.push(
      outline.headlineMetrics.map(([name, value]) => `**${escapeMarkdown(name)}** ${formatNumber(value)}`).join(" · "),
      "",
    );
  }
  const { learningCurves, confusionMatrix, roc } = outline.charts;
  const { finalEpoch, overall, perClass, tuning, configuration } = outline.tables;
  if (learningCurves !== undefined || finalEpoch !== undefined) {
    lines.push("## Training", "", ...image(learningCurves));
    if (finalEpoch !== undefined) lines.push("Last epoch:", "", renderTable(finalEpoch), "");
  }
  lines.push(`## ${escapeMarkdown(outline.evaluationHeading)}`, "", renderTable(overall), "");
  lines.push(...image(confusionMatrix), ...image(roc));
  if (perClass !== undefined) lines.push("### Per class", "", renderTable(perClass), "");
  if (tuning !== undefined) {
    lines.push("## Hyperparameter search", "", escapeMarkdown(outline.tuningNote), "", renderTable(tuning), "");
  }
  lines.push("## Configuration", "", renderTable(configuration), "");
  return lines.join("\n");
}
