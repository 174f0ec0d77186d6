/** `dlm compile FILE [--out DIR] [--target torch]`: writes `DIR/<experiment>.ts` (or `.py` for torch) for every experiment of the file. */
import { EXIT_ERRORS, EXIT_OK } from "../cli-contract.js";
import { checkFileExperiments, emitPrograms } from "./compile-experiments.js";
import { terminalLine } from "../../diagnostics/terminal-text.js";
import { assertProgramWritable, writeProgramFile } from "./write-program.js";

/**
 * Writes generated programs atomically, creating folders. Each target must be absent or a
 * program DLM generated (write-program.ts): all are checked before any is written.
 */
export function writeProgramFiles(programs: ReadonlyMap<string, string>): void {
  for (const file of programs.keys()) assertProgramWritable(file);
  for (const [file, text] of programs) writeProgramFile(file, text);
}

export async function runCompileCommand(
  file: string,
  options: { out: string; color: boolean; target?: "tfjs" | "torch" },
): Promise<number> {
  const checked = checkFileExperiments(file, options.color, options.target);
  if (!checked.ok) return EXIT_ERRORS;
  if (checked.plans.length === 0) {
    process.stderr.write(
      `note: \`${terminalLine(file)}\` declares no experiment; nothing to compile (use \`dlm summary\` for its models)\n`,
    );
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
