/**
 * `dlm summary FILE [--json]`: Keras-like tables of every model; a model without `input:`
 * takes its shapes from the experiments that train it.
 */
import { checkProgram } from "../../compiler/program.js";
import { nodeCompilerHost } from "../../compiler/host.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { formatSummaryTable, summarizedModels, summaryJson } from "../../compiler/summary.js";
import { printDiagnostics } from "./check.js";
import { readUserFile } from "./shared-io.js";
import { EXIT_ERRORS, EXIT_OK } from "../cli-contract.js";

export function runSummaryCommand(file: string, options: { json: boolean; color: boolean }): number {
  readUserFile(file);
  const result = checkProgram([file], nodeCompilerHost());
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) printDiagnostics(errors, (f) => result.files.get(f)?.text, options.color);
  const models = summarizedModels(result);
  if (options.json) {
    process.stdout.write(JSON.stringify(summaryJson(models), null, 2) + "\n");
  } else {
    process.stdout.write(models.map((model) => formatSummaryTable(model)).join("\n\n") + "\n");
  }
  return hasErrors(result.diagnostics) ? EXIT_ERRORS : EXIT_OK;
}
