/**
 * Diagnostics are plain data: a stable code from the catalog (`messages/`), a severity,
 * a message naming the actual and expected values, and a range of character offsets.
 * Lines and columns are computed only when printing (`render-diagnostics.ts`).
 */
import type { SourceRange } from "../grammar/ast.js";

export type Severity = "error" | "warning" | "info";

/** A second place that explains a diagnostic, e.g. the line inside a block that failed. */
export interface RelatedLocation {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
}

export interface Diagnostic {
  /** Stable code such as `DLM404`; see `messages/` and `dlm explain`. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** The file the range points into (as given to the compiler). */
  readonly file: string;
  readonly range: SourceRange;
  /** `= note:` lines. */
  readonly notes?: readonly string[];
  /** `= help:` line, e.g. "did you mean `conv2d`?". */
  readonly help?: string;
  readonly related?: readonly RelatedLocation[];
}

/** Everything a diagnostic needs besides code, file and range. */
export interface DiagnosticDetails {
  readonly message: string;
  readonly severity?: Severity;
  readonly notes?: readonly string[];
  readonly help?: string;
  readonly related?: readonly RelatedLocation[];
}

/** Builds a diagnostic; the severity defaults to the catalog's default for the code family. */
export function makeDiagnostic(
  code: string,
  file: string,
  range: SourceRange,
  details: DiagnosticDetails,
): Diagnostic {
  return {
    code,
    severity: details.severity ?? "error",
    message: details.message,
    file,
    range,
    ...(details.notes && details.notes.length > 0 ? { notes: details.notes } : {}),
    ...(details.help ? { help: details.help } : {}),
    ...(details.related && details.related.length > 0 ? { related: details.related } : {}),
  };
}

/** True when any diagnostic is an error (warnings do not fail a check). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorts by file, then start offset, then code: the order users read them in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.range.start - b.range.start || a.code.localeCompare(b.code),
  );
}

/** Drops exact repeats: one problem met twice (expansions of one block, a model checked for two experiments). */
export function withoutDuplicateDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const { file, code, range, message } = diagnostic;
    const key = `${file}\u0000${code}\u0000${range.start}\u0000${range.end}\u0000${message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
