/** `dlm compile FILE [--out DIR] [--target torch]`: writes `DIR/<experiment>.ts` (or `.py` for torch) for every experiment of the file. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { CliError, EXIT_ERRORS, EXIT_OK } from "../cli.js";
import { checkFileExperiments, emitPrograms } from "./compile-experiments.js";
import { terminalLine } from "../../runtime/terminal-text.js";
import { describeWriteError } from "../../runtime/file-system-errors.js";

/** Writes generated programs, creating folders; a write failure is a usage/I-O error. */
export function writeProgramFiles(programs: ReadonlyMap<string, string>): void {
  for (const [file, text] of programs) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw new CliError(describeWriteError(error) ?? `cannot write \`${file}\`: ${String(error)}`);
    }
    try {
      writeFileSync(file, text);
    } catch (error) {
      throw new CliError(describeWriteError(error, file) ?? `cannot write \`${file}\`: ${String(error)}`);
    }
  }
}

export async function runCompileCommand(
  file: string,
  options: { out: string; color: boolean; target?: "tfjs" | "torch" },
): Promise<number> {
  const checked = checkFileExperiments(file, options.color, options.target);
  if (!checked.ok) return EXIT_ERRORS;
  if (checked.plans.length === 0) {
    process.stderr.write(`note: \`${terminalLine(file)}\` declares no experiment; nothing to compile (use \`dlm summary\` for its models)\n`);
    return EXIT_OK;
  }
  const programs =
    options.target === "torch"
      ? (await import("./torch-target.js")).emitTorchPrograms(checked.plans, options.out, checked.sourceText)
      : await emitPrograms(checked.plans, options.out, checked.sourceText);
  writeProgramFiles(programs);
  for (const path of programs.keys()) process.stdout.write(`wrote ${terminalLine(path)}\n`);
  return EXIT_OK;
}
