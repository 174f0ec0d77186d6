#!/usr/bin/env node
// The `dlm` command: runs the CLI as `npm run build` (which `npm ci` runs via `prepare`) left it:
// the bundle in dist/bundle (fast to start, see bin/bundle-cli.mjs), else tsc's dist/src.
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { installCodeCache } from "./code-cache.js";

installCodeCache();

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundled = join(root, "dist", "bundle", "cli.js");
const compiled = join(root, "dist", "src", "cli.js");

/** The file's modification time in ms, or undefined when it does not exist. */
function modifiedAt(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

const bundleTime = modifiedAt(bundled);
const compiledTime = modifiedAt(compiled);
// A bundle older than tsc's output is stale (tsc was run on its own): run what tsc wrote.
const entry = bundleTime !== undefined && (compiledTime === undefined || bundleTime >= compiledTime) ? bundled : compiled;
if (entry === compiled && compiledTime === undefined) {
  process.stderr.write("dlm: the CLI is not built yet; run `npm run build` in " + root + "\n");
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
