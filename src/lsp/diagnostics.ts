/**
 * Compiler diagnostics as protocol diagnostics: the same codes and ranges as `dlm check`,
 * notes and help appended to the message the way the CLI prints them, and related
 * locations (e.g. the line inside a block that failed) as related information.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import type { Diagnostic, Severity } from "../../diagnostics/diagnostic.js";
import { MESSAGES } from "../../diagnostics/catalog/index.js";
import type { CheckedDocument } from "./document-store.js";
import { toLocation, toLspRange } from "./source-ranges.js";

const SEVERITIES: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** Where the diagnostics come from, as editors show it. */
export const DIAGNOSTIC_SOURCE = "dlm";

/** The diagnostics of the checked document itself (imported files report theirs when opened). */
export function documentDiagnostics(checked: CheckedDocument): LspDiagnostic[] {
  return checked.result.diagnostics
    .filter((diagnostic) => diagnostic.file === checked.path)
    .map((diagnostic) => toLspDiagnostic(checked, diagnostic));
}

/** One compiler diagnostic in the protocol's terms. */
export function toLspDiagnostic(checked: CheckedDocument, diagnostic: Diagnostic): LspDiagnostic {
  const related = (diagnostic.related ?? []).flatMap((location): DiagnosticRelatedInformation[] => {
    const where = toLocation(checked, location.file, location.range);
    return where ? [{ location: where, message: location.message }] : [];
  });
  return {
    range: toLspRange(checked.document, diagnostic.range),
    severity: SEVERITIES[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: messageWithNotes(diagnostic),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...codeDescriptionOf(diagnostic.code),
  };
}

/**
 * Where each code is explained: `docs/diagnostics.md` as a `file:` URI with the code's
 * section as fragment. The file is looked for beside the server (the VS Code extension
 * ships it in `dist/`) and in the `docs/` folder of the DLM package it runs from; the
 * client's `initializationOptions.diagnosticsDocs` names another (e.g. a web copy).
 */
let docsBase: string | undefined | null = null;

/** Uses `base` (a URI of docs/diagnostics.md) for every code description from now on. */
export function setDiagnosticsDocs(base: string): void {
  docsBase = base;
}

function diagnosticsDocs(): string | undefined {
  if (docsBase !== null) return docsBase;
  docsBase = undefined;
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    for (const candidate of [path.join(folder, "diagnostics.md"), path.join(folder, "docs", "diagnostics.md")]) {
      if (existsSync(candidate)) return (docsBase = pathToFileURL(candidate).href);
    }
    folder = path.dirname(folder);
  }
  return docsBase;
}

/** The section anchor of a code, as Markdown renderers make it from `### DLM404: kernel larger than input`. */
export function diagnosticsAnchor(code: string): string {
  const title = MESSAGES.get(code)?.title;
  const heading = title === undefined ? code : `${code}: ${title}`;
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

function codeDescriptionOf(code: string): { codeDescription?: { href: string } } {
  const base = diagnosticsDocs();
  return base === undefined ? {} : { codeDescription: { href: `${base}#${diagnosticsAnchor(code)}` } };
}

/** The message, then `note:` and `help:` lines (what the CLI prints as `= note:` / `= help:`). */
function messageWithNotes(diagnostic: Diagnostic): string {
  const lines = [diagnostic.message, ...(diagnostic.notes ?? []).map((note) => `note: ${note}`)];
  if (diagnostic.help) lines.push(`help: ${diagnostic.help}`);
  return lines.join("\n");
}
