/** What the compiler tests assert on: each diagnostic's code and the text its range marks. */
import { checkSource, type CheckResult } from "../../compiler/program.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";

/** A diagnostic reduced to what a test compares: code, the marked source text, the message. */
export interface Reported {
  readonly code: string;
  readonly marked: string;
  readonly message: string;
}

/** Checks `text` (with optional importable files) and returns the diagnostics of `file`. */
export function reportedIn(text: string, otherFiles: Readonly<Record<string, string>> = {}, file = "input.dlm"): Reported[] {
  const result = checkSource(text, file, otherFiles);
  return result.diagnostics.map((diagnostic) => reduce(diagnostic, result));
}

/** Reduces one diagnostic, slicing its range out of the file it points into. */
export function reduce(diagnostic: Diagnostic, result: CheckResult): Reported {
  const text = result.files.get(diagnostic.file)?.text ?? "";
  return { code: diagnostic.code, marked: text.slice(diagnostic.range.start, diagnostic.range.end), message: diagnostic.message };
}

/** Just the codes, in order. */
export function codesIn(text: string, otherFiles: Readonly<Record<string, string>> = {}): string[] {
  return checkSource(text, "input.dlm", otherFiles).diagnostics.map((diagnostic) => diagnostic.code);
}
