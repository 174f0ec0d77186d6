/**
 * DLM527: an output path that cannot name a file. A control character (ESC, BEL, a newline)
 * in `export`, `model_checkpoint`, `csv_logger` or `report` would end up in a file name and
 * in the terminal; a path part longer than 255 bytes is more than a file name may hold, and
 * used to surface as "already exists … (ENAMETOOLONG)" when nothing existed. Positioned on
 * the path literal; the output-ownership checks (DLM520–DLM523) run only on sound names.
 */
import type { ExperimentDecl } from "../../grammar/ast.js";
import { makeDiagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { readPaths } from "./check-output-paths.js";
import { INPUTS } from "../../diagnostics/catalog/inputs.js";

/** Longest file or folder name most file systems take: 255 bytes (ext4, APFS, NTFS in UTF-16 units). */
export const MAX_NAME_BYTES = 255;

/** C0 controls, DEL and C1 controls. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `value` cannot be an output path, or undefined when it can. */
export function outputNameProblem(value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control !== null) {
    const code = control[0].codePointAt(0)!.toString(16).padStart(4, "0");
    return `holds the control character U+${code.toUpperCase()} at character ${control.index + 1}; a file name must not`;
  }
  const long = value.split(/[\\/]/).find((part) => Buffer.byteLength(part, "utf8") > MAX_NAME_BYTES);
  if (long !== undefined) {
    return `has a part of ${Buffer.byteLength(long, "utf8")} bytes ("${long.slice(0, 20)}…"); a file or folder name holds at most ${MAX_NAME_BYTES}`;
  }
  return undefined;
}

/** DLM527 for each output path of the experiment that cannot name a file. */
export function checkOutputNames(declaration: ExperimentDecl, file: string): Diagnostic[] {
  return readPaths(declaration).outputs.flatMap((output) => {
    const problem = outputNameProblem(output.literal.value);
    return problem === undefined
      ? []
      : [
          makeDiagnostic(INPUTS.outputCannotNameFile, file, output.literal.range, {
            message: `${output.label}: the output path ${problem}`,
            help: "write the path with letters, digits, `-`, `_`, `.` and `/`, each part at most 255 bytes",
          }),
        ];
  });
}
