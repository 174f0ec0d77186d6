/** `dlm check FILE... [--format json]`: every diagnostic of every file, rustc-style or as JSON. */
import { checkProgram } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { hasErrors, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { lineColumn, renderDiagnostic, summaryLine } from "../../diagnostics/render.js";
import { readUserFile } from "./shared-io.js";
import { EXIT_ERRORS, EXIT_OK } from "../cli-contract.js";
import { terminalLine } from "../../diagnostics/terminal-text.js";

/** One diagnostic as `--format json` prints it (1-based lines and columns). */
export interface JsonDiagnostic {
  file: string;
  code: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Converts a diagnostic to its JSON form, computing lines and columns from the file's text. */
export function toJsonDiagnostic(diagnostic: Diagnostic, text: string): JsonDiagnostic {
  const start = lineColumn(text, diagnostic.range.start);
  const end = lineColumn(text, diagnostic.range.end);
  return {
    file: diagnostic.file,
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
  };
}

/** The most diagnostics printed in full; the rest are counted in one line (`--format json` lists all). */
export const MAX_PRINTED_DIAGNOSTICS = 100;

/** Prints diagnostics rustc-style to stderr, at most MAX_PRINTED_DIAGNOSTICS of them, with a closing count line. */
export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  sourceOf: (file: string) => string | undefined,
  color: boolean,
): void {
  for (const diagnostic of diagnostics.slice(0, MAX_PRINTED_DIAGNOSTICS)) {
    const text = sourceOf(diagnostic.file) ?? "";
    process.stderr.write(renderDiagnostic(diagnostic, text, { color, readSource: sourceOf }) + "\n\n");
  }
  const hidden = diagnostics.length - MAX_PRINTED_DIAGNOSTICS;
  if (hidden > 0) process.stderr.write(`… and ${hidden} more (\`dlm check --format json\` lists them all)\n`);
  if (diagnostics.length > 0) process.stderr.write(summaryLine(diagnostics) + "\n");
}

export function runCheckCommand(
  files: readonly string[],
  options: { format: "text" | "json"; color: boolean; target?: "tfjs" | "torch" },
): number {
  for (const file of files) readUserFile(file);
  const result = checkProgram([...files], nodeCompilerHost(), options.target === undefined ? {} : { engine: options.target });
  const sourceOf = (file: string) => result.files.get(file)?.text;
  const diagnostics = result.diagnostics;
  if (options.format === "json") {
    const json = diagnostics.map((d) => toJsonDiagnostic(d, sourceOf(d.file) ?? ""));
    process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  } else {
    printDiagnostics(diagnostics, sourceOf, options.color);
    if (!hasErrors(diagnostics)) {
      process.stdout.write(
        `ok: ${files.length === 1 ? terminalLine(files[0]!) : `${files.length} files`} checked, no errors\n`,
      );
    }
  }
  return hasErrors(diagnostics) ? EXIT_ERRORS : EXIT_OK;
}
