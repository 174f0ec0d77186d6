#!/usr/bin/env node
/**
 * Bundles the compiled CLI (`dist/src/cli.js`, written by `tsc -p tsconfig.build.json`) into
 * `dist/bundle/`, the code `bin/dlm.js` runs. `npm run build` runs it after tsc.
 *
 *   node bin/bundle-cli.mjs
 *
 * Why: Chevrotain's ES modules import lodash-es one function per file, so a cold
 * `import("chevrotain")` loads ~700 modules (0.8–1.5 s on a busy 2-core machine); bundled, the
 * whole check path is a handful of files. Each command stays its own chunk (the CLI imports
 * commands lazily), and every dependency except the few listed in BUNDLED stays an ordinary
 * import: TensorFlow.js, ts-morph, prettier, sharp and the data packages load native code or
 * read their own files, and only `compile`, `run` and `predict` load them.
 */
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** Pure-JavaScript dependencies of `dlm check` worth inlining (their own dependencies come along). */
const BUNDLED = new Set(["chevrotain", "commander", "csv-parse"]);

/**
 * Modules the bundle loads with `require()` rather than `import`. Importing CommonJS makes
 * Node scan the whole source for its export names first (ts-morph: ~9 MB, a third of its
 * load time); and Node 20 caches compiled code only for CommonJS (bin/code-cache.js), so
 * prettier comes in its CommonJS build too.
 */
const LOADED_WITH_REQUIRE = new Set(["ts-morph", "prettier/standalone", "prettier/plugins/typescript", "prettier/plugins/estree"]);

/** Packages the bundle must never contain: `dlm check` importing them is a bug, not a size problem. */
const FORBIDDEN_IN_CHECK = ["@tensorflow", "ts-morph", "prettier", "vega"];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// dist/bundle sits as deep as dist/src, so `import.meta.url`-relative paths (package.json) still resolve.
const outDir = join(repoRoot, "dist", "bundle");
const entry = join(repoRoot, "dist", "src", "cli.js");

const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
const declared = Object.keys({
  ...manifest.dependencies,
  ...manifest.devDependencies,
  ...manifest.optionalDependencies,
  ...manifest.peerDependencies,
});
const external = declared.filter((name) => !BUNDLED.has(name) && !LOADED_WITH_REQUIRE.has(name));

/**
 * Resolves `import … from "ts-morph"` (static or dynamic) to a small ES module that
 * `require()`s the package, which stays external, and re-exports its names. The names are
 * read by loading the package here: a dynamic import of a chunk only sees what it exports.
 */
const requireCommonJs = {
  name: "require-commonjs",
  setup(build) {
    const names = [...LOADED_WITH_REQUIRE].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    const filter = new RegExp(`^(${names.join("|")})$`);
    const requireFromRoot = createRequire(join(repoRoot, "package.json"));
    build.onResolve({ filter }, (args) =>
      args.kind === "require-call" ? { path: args.path, external: true } : { path: args.path, namespace: "require-commonjs" },
    );
    build.onLoad({ filter: /.*/, namespace: "require-commonjs" }, (args) => {
      const exported = Object.keys(requireFromRoot(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default");
      return {
        contents: [
          `const loaded = require(${JSON.stringify(args.path)});`,
          "export default loaded;",
          exported.length > 0 ? `export const { ${exported.join(", ")} } = loaded;` : "",
        ].join("\n"),
        loader: "js",
      };
    });
  },
};

rmSync(outDir, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: entry },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  plugins: [requireCommonJs],
  metafile: true,
  sourcemap: "linked",
  // commander is CommonJS and calls require() for Node built-ins; an ES module bundle has none.
  banner: { js: 'import { createRequire as __dlmCreateRequire } from "node:module"; const require = __dlmCreateRequire(import.meta.url);' },
  absWorkingDir: repoRoot,
  logLevel: "warning",
});

// `dlm check` runs the entry chunk and the check command's chunk, and what they import statically.
const checkImports = externalImportsOf(result.metafile, ["src/cli.js", "src/commands/check.js"]);
const forbidden = checkImports.filter((name) => FORBIDDEN_IN_CHECK.some((banned) => name === banned || name.startsWith(`${banned}/`)));
if (forbidden.length > 0) {
  throw new Error(`\`dlm check\` would import ${forbidden.join(", ")}; keep heavy modules behind dynamic imports`);
}

/** Packages imported statically by the chunks holding the given modules, and by the chunks those import. */
function externalImportsOf(metafile, modules) {
  const outputs = metafile.outputs;
  const queue = Object.keys(outputs).filter((chunk) =>
    Object.keys(outputs[chunk].inputs).some((input) => modules.some((module) => input.endsWith(module))),
  );
  const seen = new Set();
  const packages = new Set();
  while (queue.length > 0) {
    const chunk = queue.pop();
    if (seen.has(chunk)) continue;
    seen.add(chunk);
    for (const imported of outputs[chunk].imports) {
      if (imported.kind !== "import-statement" && imported.kind !== "require-call") continue;
      if (imported.external) packages.add(imported.path);
      else queue.push(imported.path);
    }
  }
  return [...packages];
}
