/**
 * `dlm fmt FILE... [--check]`: rewrites `.dlm` files in the canonical layout
 * (`compiler/format-dlm.ts`, docs/formatting.md). `--check` writes nothing and lists the
 * files that would change. A file with syntax errors is left as it is and its diagnostics
 * are printed.
 */
import { lstatSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatDlm } from "../../compiler/format-dlm.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { printDiagnostics } from "./check.js";
import { readUserFile } from "./shared-io.js";
import { writeFailureReason } from "../../runtime/file-system-errors.js";
import { CliError, EXIT_ERRORS, EXIT_OK } from "../cli-contract.js";

/**
 * Formats `files` in place (printing `formatted FILE` for each one that changed), or with
 * `check` only prints `would reformat FILE`. Returns 1 when a file has syntax errors or,
 * with `check`, when a file would change; 0 otherwise.
 */
export function runFormatCommand(files: readonly string[], options: { check: boolean }): number {
  // Read everything first: a missing file is a usage error before anything is written.
  const sources = files.map((file) => ({ file, text: readUserFile(file) }));
  const syntaxErrors: Diagnostic[] = [];
  const texts = new Map<string, string>();
  let wouldChange = false;
  for (const { file, text } of sources) {
    texts.set(file, text);
    const result = formatDlm(text, file);
    if (!result.ok) {
      syntaxErrors.push(...result.diagnostics);
      continue;
    }
    if (result.text === text) continue;
    wouldChange = true;
    if (options.check) {
      process.stdout.write(`would reformat ${file}\n`);
    } else {
      writeFileAtomically(file, result.text);
      process.stdout.write(`formatted ${file}\n`);
    }
  }
  if (syntaxErrors.length > 0) {
    const color = Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"];
    printDiagnostics(syntaxErrors, (file) => texts.get(file), color);
    return EXIT_ERRORS;
  }
  return options.check && wouldChange ? EXIT_ERRORS : EXIT_OK;
}

/**
 * Writes a temporary file beside `path` and renames it over `path`: never a half-written file.
 * A symlink is written through: the temporary file goes beside the link's target and replaces
 * the target, so the link stays a link (renaming over the link replaced it with a plain file).
 */
function writeFileAtomically(path: string, text: string): void {
  let target = path;
  try {
    if (lstatSync(path).isSymbolicLink()) target = realpathSync(path);
  } catch {
    // read a moment ago; a failure here surfaces as the write's own error below
  }
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.fmt.tmp`);
  try {
    writeFileSync(temporary, text, { encoding: "utf8", mode: statSync(target).mode, flag: "wx" });
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // The temporary file was never created.
    }
    throw new CliError(`cannot write \`${path}\`: ${writeFailureReason(error) ?? String(error)}`);
  }
}
