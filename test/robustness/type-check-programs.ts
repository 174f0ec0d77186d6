/**
 * Type-checking generated programs with `tsc --strict --noEmit`, many in one invocation
 * (one tsc start costs seconds; one more file costs little). Programs are written inside the
 * repository (`.test-runs/`), so `dlm/runtime` resolves through the package's own `exports`
 * to the built runtime types: `npm run build` must have run.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { formatTypeScript } from "../../compiler/format-generated.js";
import type { EmittedProgram } from "./mutant-properties.js";

/** The repository root. */
export const REPOSITORY_ROOT = join(import.meta.dirname, "..", "..");

/** A fresh scratch folder inside the repository (git ignores `.test-runs/`); `remove()` deletes it. */
export function makeScratchFolder(prefix: string): { readonly dir: string; remove(): void } {
  const parent = join(REPOSITORY_ROOT, ".test-runs");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Keeps up to `limit` programs whose text was not seen before (`seen` is updated). */
export function pickDistinct(programs: readonly EmittedProgram[], seen: Set<string>, limit: number): EmittedProgram[] {
  const picked: EmittedProgram[] = [];
  for (const program of programs) {
    if (picked.length >= limit) break;
    if (seen.has(program.text)) continue;
    seen.add(program.text);
    picked.push(program);
  }
  return picked;
}

/** The outcome of one tsc run: its output (empty when every program type-checks) and which program each error is in. */
export interface TypeCheckOutcome {
  readonly status: number | null;
  readonly output: string;
  /** Programs tsc complained about, with the `.dlm` text each came from. */
  readonly failing: readonly EmittedProgram[];
}

/** Formats the programs like `dlm compile` does, writes them into `dir` and runs one `tsc --strict --noEmit` over them. */
export async function typeCheckPrograms(programs: readonly EmittedProgram[], dir: string): Promise<TypeCheckOutcome> {
  const files: string[] = [];
  for (const [index, program] of programs.entries()) {
    const folder = join(dir, `program-${index}`);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, program.fileName);
    writeFileSync(file, await formatTypeScript(program.text));
    files.push(file);
  }
  const { status, output } = typeCheckFiles(files, dir);
  const failing = programs.filter((_, index) => output.includes(`program-${index}/`));
  return { status, output, failing };
}

/** Runs one `tsc --strict --noEmit` over `files`, with its tsconfig written into `dir`; `dlm/runtime` resolves through the package's exports. */
export function typeCheckFiles(files: readonly string[], dir: string): { readonly status: number | null; readonly output: string } {
  const tsconfig = join(dir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        types: ["node"],
        skipLibCheck: true,
        typeRoots: [join(REPOSITORY_ROOT, "node_modules", "@types")],
      },
      files: files.map((file) => relative(dir, file)),
    }),
  );
  const tsc = join(REPOSITORY_ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", tsconfig], { cwd: REPOSITORY_ROOT, encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}
