/**
 * Failing mutants kept as regression cases: `regressions/*.dlm`, each starting with a line
 * comment that says which real file it was checked as (so its imports and data files
 * resolve as they did when it failed).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { REPOSITORY_ROOT } from "./type-check-programs.js";

/** The folder of the regression cases. */
export const REGRESSIONS_DIR = join(REPOSITORY_ROOT, "test", "robustness", "regressions");

const HEADER = /^\/\/ fuzz regression, checked as: (\S+)\n/;

/** A regression case: the text to check and the path to check it at. */
export interface RegressionCase {
  readonly name: string;
  /** Absolute path the text is checked as. */
  readonly checkedAs: string;
  /** The whole file, header included (a line comment changes nothing the checker sees). */
  readonly text: string;
}

/** Every regression case, by file name. */
export function readRegressionCases(): RegressionCase[] {
  return readdirSync(REGRESSIONS_DIR)
    .filter((name) => name.endsWith(".dlm"))
    .sort()
    .map((name) => {
      const file = join(REGRESSIONS_DIR, name);
      const text = readFileSync(file, "utf8");
      const header = HEADER.exec(text);
      return { name, checkedAs: header ? join(REPOSITORY_ROOT, header[1]!) : file, text };
    });
}

/** The text of a regression file for a mutant of `checkedAs` (an absolute path inside the repository). */
export function regressionFileText(checkedAs: string, mutant: string): string {
  return `// fuzz regression, checked as: ${relative(REPOSITORY_ROOT, checkedAs).split("\\").join("/")}\n${mutant}`;
}
