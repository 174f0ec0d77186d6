/**
 * Compiler diagnostics as protocol diagnostics: the same codes and ranges as `dlm check`,
 * notes and help appended to the message the way the CLI prints them, and related
 * locations (e.g. the line inside a block that failed) as related information.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from "vscode-languageserver";
import type { Diagnostic, Severity } from "../../compiler/diagnostics.js";
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
  };
}

/** The message, then `note:` and `help:` lines (what the CLI prints as `= note:` / `= help:`). */
function messageWithNotes(diagnostic: Diagnostic): string {
  const lines = [diagnostic.message, ...(diagnostic.notes ?? []).map((note) => `note: ${note}`)];
  if (diagnostic.help) lines.push(`help: ${diagnostic.help}`);
  return lines.join("\n");
}
