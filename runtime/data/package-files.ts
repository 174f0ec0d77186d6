/**
 * Finding data files inside installed npm packages. Packages with an `exports` map hide
 * their `package.json` and data files from `require.resolve`, so this falls back to the
 * main entry and walks up to the package folder.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError } from "./errors.js";

const require = createRequire(import.meta.url);

/** The folder of an installed package, or undefined when it is not installed. */
export function findPackageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    // `exports` hides package.json (or the package is absent): try the main entry.
  }
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && readPackageName(manifest) === name) return dir;
  }
  return undefined;
}

/** The path of a file inside an installed package; a `DataError` saying how to install it otherwise. */
export function packageFile(name: string, relativePath: string): string {
  const dir = findPackageDir(name);
  if (dir === undefined) throw new DataError(`the package "${name}" is not installed; run \`npm install ${name}\``);
  return join(dir, relativePath);
}

/** The `name` field of a package.json, or undefined when it cannot be read. */
function readPackageName(manifest: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown };
    return typeof parsed.name === "string" ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
