/**
 * The environment a compiled program runs in. A program imports `dlm/runtime` and
 * TensorFlow.js by package name, which resolves from the program's own folder upwards:
 * in a project that installs dlm that is all it needs. When the `.dlm` lives elsewhere (a
 * global install, or a checkout's CLI used on a file in another folder), `NODE_PATH`
 * names this dlm's own packages, so the run uses the CLI's runtime instead of failing with
 * "Cannot find module".
 */
import { mkdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

/**
 * Folders for `NODE_PATH` under which `dlm` and the runtime's dependencies resolve:
 * the package's own node_modules, and a folder holding `dlm` itself (its parent when
 * installed by npm, else a link in the temporary folder to a checkout of any name).
 */
export function dlmModuleFolders(packageRoot: string): string[] {
  const dependencies = join(packageRoot, "node_modules");
  if (basename(packageRoot) === "dlm" && basename(dirname(packageRoot)) === "node_modules") {
    return [dependencies, dirname(packageRoot)];
  }
  return [dependencies, linkFolderFor(packageRoot)];
}

/** A folder in the temporary directory whose `dlm` entry links to `packageRoot`. */
function linkFolderFor(packageRoot: string): string {
  const folder = join(tmpdir(), `dlm-modules-${createHash("sha256").update(packageRoot).digest("hex").slice(0, 12)}`);
  const link = join(folder, "dlm");
  mkdirSync(folder, { recursive: true });
  let target: string | undefined;
  try {
    target = readlinkSync(link);
  } catch {
    target = undefined;
  }
  if (target !== packageRoot) {
    if (target !== undefined) throw new Error(`${link} links to ${target}, not to ${packageRoot}; remove it`);
    symlinkSync(packageRoot, link, "dir");
  }
  return folder;
}

/** `env` with `NODE_PATH` extended when `program` cannot resolve its imports by itself. */
export function programEnvironment(program: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (resolvesFrom(program)) return env;
  const folders = dlmModuleFolders(dlmPackageRoot());
  const existing = env["NODE_PATH"]?.split(delimiter).filter((folder) => folder !== "") ?? [];
  return { ...env, NODE_PATH: [...existing, ...folders].join(delimiter) };
}
