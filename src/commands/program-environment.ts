/**
 * How a compiled program finds its imports. A program imports `dlm/runtime` and
 * TensorFlow.js by package name, which resolves from the program's own folder upwards: in
 * a project that installs dlm that is all it needs. When it cannot (a global install, a
 * `.dlm` outside any project that installs dlm), `dlm run` preloads bin/resolve-from-dlm.mjs,
 * which resolves those names from the CLI's own install, for ESM and CommonJS folders alike.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The packages a generated program imports by name. */
const PROGRAM_IMPORTS = ["dlm/runtime", "@tensorflow/tfjs"] as const;

/** Whether every package the program imports resolves from the program's folder. */
export function resolvesFrom(program: string): boolean {
  const require = createRequire(resolve(program));
  return PROGRAM_IMPORTS.every((specifier) => {
    try {
      require.resolve(specifier);
      return true;
    } catch {
      return false;
    }
  });
}

/** The folder of the `dlm` package this CLI belongs to (nearest package.json named dlm). */
export function dlmPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let folder = dirname(from); ; folder = dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name?: unknown };
      if (manifest.name === "dlm") return folder;
    } catch {
      // no package.json here: keep climbing
    }
    if (dirname(folder) === folder) throw new Error("cannot find the dlm package this CLI belongs to");
  }
}

/** Node options that make `program` resolve dlm and TensorFlow.js from this CLI's install when its folder cannot. */
export function programNodeOptions(program: string): string[] {
  if (resolvesFrom(program)) return [];
  return ["--import", pathToFileURL(join(dlmPackageRoot(), "bin", "resolve-from-dlm.mjs")).href];
}
