/**
 * The diagnostic catalog: every family merged into one map by code, and the long-form
 * text `dlm explain CODE` prints.
 */
import { NAME_MESSAGES } from "./names.js";
import { SHAPE_MESSAGES } from "./shapes.js";
import { SYNTAX_MESSAGES } from "./syntax.js";
import type { MessageEntry } from "./catalog-entry.js";
import { VALUE_MESSAGES } from "./values.js";
import { PIPELINE_MESSAGES } from "./pipeline.js";
import { RESOURCE_MESSAGES } from "./resources.js";
import { DATA_FILE_MESSAGES } from "./data-files.js";
import { OUTCOME_MESSAGES } from "./outcomes.js";
import { METRIC_MESSAGES } from "./metrics.js";
import { OUTPUT_MESSAGES } from "./outputs.js";
import { INPUT_MESSAGES } from "./inputs.js";
import { FINE_TUNE_MESSAGES } from "./fine-tune.js";
import { ZOO_MESSAGES } from "./zoo.js";
import { ENGINE_MESSAGES } from "./engines.js";

const ALL_MESSAGES: readonly MessageEntry[] = [
  ...SYNTAX_MESSAGES,
  ...NAME_MESSAGES,
  ...VALUE_MESSAGES,
  ...SHAPE_MESSAGES,
  ...PIPELINE_MESSAGES,
  ...RESOURCE_MESSAGES,
  ...DATA_FILE_MESSAGES,
  ...OUTCOME_MESSAGES,
  ...METRIC_MESSAGES,
  ...OUTPUT_MESSAGES,
  ...INPUT_MESSAGES,
  ...FINE_TUNE_MESSAGES,
  ...ZOO_MESSAGES,
  ...ENGINE_MESSAGES,
];

/** Every catalog entry by code, in code order. */
export const MESSAGES: ReadonlyMap<string, MessageEntry> = new Map(
  [...ALL_MESSAGES].sort((a, b) => a.code.localeCompare(b.code)).map((entry) => [entry.code, entry]),
);

if (MESSAGES.size !== ALL_MESSAGES.length) throw new Error("two catalog entries share a code");

/** A block of codes kept for one concern: a new check of that concern takes the next free code in it. */
export interface ReservedRange {
  readonly from: number;
  readonly to: number;
  readonly concern: string;
}

/** The reserved blocks (docs/diagnostics.md lists them); every code from 410 on lies in one. */
export const RESERVED_RANGES: readonly ReservedRange[] = [
  { from: 410, to: 419, concern: "shapes that train but cannot learn (a softmax over one unit, a crop larger than the image)" },
  { from: 420, to: 429, concern: "architecture options: residual shortcuts and the model zoo" },
  { from: 500, to: 511, concern: "consistency of the pipeline: loss, monitors, settings, tasks, memory" },
  { from: 512, to: 519, concern: "values in data files (not a number, outside float32)" },
  { from: 520, to: 529, concern: "safety: outputs DLM did not write, inputs that are not plain files" },
  { from: 530, to: 539, concern: "outcomes: data and fine-tuning setups that train but cannot learn" },
  { from: 540, to: 549, concern: "metrics: the positive class and averages" },
  { from: 550, to: 559, concern: "engines: what the PyTorch engine does not run" },
];

function indent(snippet: string): string {
  return snippet
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

/**
 * The long-form explanation of a code (accepts `DLM404`, `dlm404` or `404`): title,
 * explanation, a snippet that triggers it and the same snippet fixed. For an unknown code,
 * one line saying so.
 */
export function explainCode(code: string): string {
  const normalized = code.trim().toUpperCase();
  const key = /^\d+$/.test(normalized) ? `DLM${normalized}` : normalized;
  const entry = MESSAGES.get(key);
  if (entry === undefined) return `${code}: no such diagnostic code (codes look like DLM101 … DLM599)`;
  return [
    `${entry.code}: ${entry.title} (${entry.severity})`,
    "",
    entry.explanation,
    "",
    "Example that triggers it:",
    "",
    indent(entry.wrong),
    "",
    "Fixed:",
    "",
    indent(entry.fixed),
  ].join("\n");
}

/** `docs/diagnostics.md`: one section per code, generated from the catalog (`npm run docs:diagnostics`). */
export function diagnosticsMarkdown(): string {
  const families: Record<string, string> = {
    DLM1: "Syntax (DLM1xx)",
    DLM2: "Names (DLM2xx)",
    DLM3: "Values (DLM3xx)",
    DLM4: "Shapes (DLM4xx)",
    DLM5: "Consistency across the pipeline (DLM5xx)",
  };
  const lines = [
    "# Diagnostics",
    "",
    "Every diagnostic `dlm check` reports, generated from the compiler's catalog",
    "(`diagnostics/catalog/`). `dlm explain CODE` prints the same text in a terminal.",
    "",
  ];
  lines.push("Codes from 410 on are reserved in blocks, one per concern; a new check takes the next free code of its block:", "");
  for (const range of RESERVED_RANGES) lines.push(`- DLM${range.from}–DLM${range.to}: ${range.concern}`);
  lines.push("");
  let family = "";
  for (const entry of MESSAGES.values()) {
    const prefix = entry.code.slice(0, 4);
    if (prefix !== family) {
      family = prefix;
      lines.push(`## ${families[prefix] ?? prefix}`, "");
    }
    lines.push(
      `### ${entry.code}: ${entry.title}`,
      "",
      `Severity: ${entry.severity}.`,
      "",
      entry.explanation,
      "",
      "Triggers it:",
      "",
      "```dlm",
      entry.wrong,
      "```",
      "",
      "Fixed:",
      "",
      "```dlm",
      entry.fixed,
      "```",
      "",
    );
  }
  return lines.join("\n");
}
