/**
 * Diagnostics are plain data: a stable code from the catalog (`catalog/`), a severity,
 * a message naming the actual and expected values, and a range of character offsets.
 * Lines and columns are computed only when printing (`render.ts`).
 */
import { MESSAGES } from "./catalog/index.js";
import type { SourceRange } from "./source-range.js";

export type Severity = "error" | "warning" | "info";

/** A second place that explains a diagnostic, e.g. the line inside a block that failed. */
export interface RelatedLocation {
  readonly file: string;
  readonly range: SourceRange;
  readonly message: string;
}

/** One text change of a fix: replace `range` of `file` (offsets) with `newText`. */
export interface DiagnosticEdit {
  readonly file: string;
  readonly range: SourceRange;
  readonly newText: string;
}

/** A change that resolves a diagnostic, e.g. "replace `flaten` with `flatten`": the editor's quick fix, `dlm check`'s help line. */
export interface DiagnosticFix {
  /** What the fix does, in the words of a help line. */
  readonly title: string;
  readonly edits: readonly DiagnosticEdit[];
}

export interface Diagnostic {
  /** Stable code such as `DLM404`; see `catalog/` and `dlm explain`. */
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
  /** Changes that resolve it, best first. */
  readonly fixes?: readonly DiagnosticFix[];
}

/** Everything a diagnostic needs besides code, file and range (its severity is the catalog's). */
export interface DiagnosticDetails {
  readonly message: string;
  readonly notes?: readonly string[];
  readonly help?: string;
  readonly related?: readonly RelatedLocation[];
  readonly fixes?: readonly DiagnosticFix[];
}

/** Builds a diagnostic; its severity is the catalog entry's, stated once there. */
export function makeDiagnostic(
  code: string,
  file: string,
  range: SourceRange,
  details: DiagnosticDetails,
): Diagnostic {
  return {
    code,
    severity: severityOf(code),
    message: details.message,
    file,
    range,
    ...(details.notes && details.notes.length > 0 ? { notes: details.notes } : {}),
    ...(details.help ? { help: details.help } : {}),
    ...(details.related && details.related.length > 0 ? { related: details.related } : {}),
    ...(details.fixes && details.fixes.length > 0 ? { fixes: details.fixes } : {}),
  };
}

/** The catalog's severity of `code`; a code missing from the catalog is a compiler bug. */
export function severityOf(code: string): Severity {
  const entry = MESSAGES.get(code);
  if (entry === undefined) throw new Error(`internal error: diagnostic code ${code} is not in the catalog (diagnostics/catalog/)`);
  return entry.severity;
}

/** The fix that writes `replacement` over `range` (a misspelt name): "replace with `conv2d`". */
export function replaceNameFix(file: string, range: SourceRange, replacement: string): DiagnosticFix {
  return { title: `replace with \`${replacement}\``, edits: [{ file, range, newText: replacement }] };
}

/**
 * The fixes a reader of the `help` line has not been told about yet: a fix whose new text the
 * help already shows (help "did you mean `flatten`?", fix "replace with `flatten`") is not
 * printed again by `dlm check`.
 */
export function fixesBeyondHelp(diagnostic: Diagnostic): DiagnosticFix[] {
  const help = diagnostic.help ?? "";
  return (diagnostic.fixes ?? []).filter((fix) => !fix.edits.every((edit) => help.includes(edit.newText.replace(/^[\s,]+|\s+$/g, ""))));
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
