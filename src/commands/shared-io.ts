/** File reading for the commands: a missing or unreadable file is a usage error, never a stack trace. */
import { readFileSync, statSync } from "node:fs";
import { CliError } from "../cli.js";

/** Reads a text file the user named, or throws a CliError saying what is wrong with the path. */
export function readUserFile(path: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new CliError(`cannot read \`${path}\`: no such file`);
  }
  if (!isFile) throw new CliError(`cannot read \`${path}\`: it is a directory, not a file`);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`cannot read \`${path}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
