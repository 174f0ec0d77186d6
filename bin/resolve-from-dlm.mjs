// Loaded by `dlm run` with `node --import` when a compiled program's folder cannot resolve
// `dlm/runtime` or TensorFlow.js by itself (a global install, a `.dlm` outside any project
// that installs dlm). The program's own imports of `dlm` and `@tensorflow/*` then resolve
// from this dlm install, whichever module system the program's folder uses: an ESM resolve
// hook (`"type": "module"` projects) and a wrapper of CommonJS resolution (everything else).
// Both copies of TensorFlow.js would otherwise differ (the model built with one, trained
// with the other), so the program gets dlm's copy even where its folder has one of its own.
// Imports made by dlm's own files are left to Node.
import Module, { createRequire, register } from "node:module";
import { sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const packageRootURL = pathToFileURL(packageRoot).href;

register("./resolve-from-dlm-hooks.mjs", import.meta.url, { data: { packageRootURL } });

const requireFromDlm = createRequire(`${packageRoot}package.json`);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveFromDlm(request, parent, isMain, options) {
  const parentFile = parent?.filename ?? "";
  const isDlmFile = parentFile.startsWith(packageRoot) || parentFile.includes(`${sep}node_modules${sep}`);
  if (!isDlmFile && /^(dlm(\/|$)|@tensorflow\/)/.test(request)) return requireFromDlm.resolve(request);
  return resolveFilename.call(this, request, parent, isMain, options);
};
