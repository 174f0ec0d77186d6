/**
 * Renders a run report to its files and writes them atomically. `renderReport` is pure
 * (report in, file texts out); `writeReport` is the only part that touches the disk.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { assertOwnedOutput, recordWrittenFile } from "../output-ownership.js";
import { renderChartSvg, type Chart } from "./charts.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { outlineCharts, outlineReport } from "./outline.js";
import type { RunReport } from "./report-data.js";

/** Report formats, chosen by the path's extension. */
export type ReportFormat = "html" | "md";

/** The format for a report path, or undefined for an extension other than `.html` / `.md`. */
export function reportFormat(path: string): ReportFormat | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === ".html" || extension === ".htm") return "html";
  if (extension === ".md" || extension === ".markdown") return "md";
  return undefined;
}

/**
 * The report's files by name, relative to the report's folder: for HTML the page alone
 * (charts inline); for Markdown the page plus `<name>-<chart>.svg` for each chart.
 */
export async function renderReport(report: RunReport, fileName: string): Promise<Map<string, string>> {
  const format = reportFormat(fileName);
  if (format === undefined) throw new Error(`report path "${fileName}" must end in .html or .md`);
  const outline = outlineReport(report);
  const charts = outlineCharts(outline);
  const svgs = await Promise.all(charts.map(renderChartSvg));
  const files = new Map<string, string>();

  if (format === "html") {
    files.set(fileName, renderHtml(outline, new Map(charts.map((chart, i) => [chart.id, svgs[i]!]))));
    return files;
  }
  const stem = basename(fileName, extname(fileName));
  const chartFiles = new Map<Chart["id"], string>();
  charts.forEach((chart, i) => {
    const svgName = `${stem}-${chart.id}.svg`;
    chartFiles.set(chart.id, svgName);
    files.set(svgName, svgs[i]!);
  });
  files.set(fileName, renderMarkdown(outline, chartFiles));
  return files;
}

/** Writes `text` to `path` through a temporary file and a rename, so readers never see half a file. */
async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes the report to `path` (`.html`: one self-contained page; `.md`: Markdown with SVG
 * files beside it), creating the folder. The page is written last, after its images. Each
 * file is recorded in the folder's ledger of files DLM wrote, so the next run may replace it.
 */
export async function writeReport(path: string, report: RunReport): Promise<void> {
  assertOwnedOutput(resolve(path), "report");
  const files = await renderReport(report, basename(path));
  const folder = dirname(path);
  const pageName = basename(path);
  // Never over a file DLM did not write (the .dlm, a data file, a chart of your own): checked for every file before any is written.
  for (const name of files.keys()) assertOwnedOutput(resolve(folder, name), "report");
  await mkdir(folder, { recursive: true });
  for (const [name, text] of files) {
    if (name === pageName) continue;
    await writeFileAtomically(join(folder, name), text);
    await recordWrittenFile(join(folder, name));
  }
  await writeFileAtomically(path, files.get(pageName)!);
  await recordWrittenFile(path);
}
