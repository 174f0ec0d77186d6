/** File reading for the commands: a missing or unreadable file is a usage error, never a stack trace. */
import { describeBoundedReadFailure, MAX_SOURCE_BYTES, readBoundedTextFile } from "../../compiler/source-limits.js";
import { CliError } from "../cli-contract.js";

/** The largest input `dlm predict` reads (a CSV, JSON or text file of examples): 256 MB. */
export const MAX_PREDICT_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a text file the user named, or throws a CliError saying what is wrong with the path:
 * missing, not a regular file (a directory, a FIFO, `/dev/zero`), or larger than `limitBytes`.
 */
export function readUserFile(path: string, limitBytes: number = MAX_SOURCE_BYTES): string {
  const read = readBoundedTextFile(path, limitBytes);
  if (read.kind !== "text") throw new CliError(describeBoundedReadFailure(path, read));
  return read.text;
}
