#!/usr/bin/env node
/**
 * Builds the VS Code extension and packages it as a .vsix, offline.
 *
 *   node src/vscode/scripts/package.mjs            → dlm-<version>.vsix in the repository root
 *   node src/vscode/scripts/package.mjs --out DIR  → the .vsix in DIR
 *   node src/vscode/scripts/package.mjs --build-only → only src/vscode/dist (for F5 in VS Code)
 *   node src/vscode/scripts/package.mjs --build-only --dist DIR → the bundles in DIR (tests)
 *
 * Steps: esbuild bundles the client (`extension.ts` → dist/extension.js, CommonJS, `vscode`
 * external) and the language server (`src/lsp/main.ts` → dist/server.mjs, everything
 * inlined, so the .vsix needs no node_modules); the TextMate grammar and language
 * configuration are copied from grammar/, and docs/diagnostics.md beside the server (each
 * diagnostic's code links to its section there); then the extension is staged in a temporary
 * folder with the CLI's version and `vsce package --no-dependencies` writes the .vsix.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(extensionDir, "..", "..");
const distDir = resolve(option("--dist") ?? join(extensionDir, "dist"));

async function buildExtension() {
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  await build({
    entryPoints: [join(extensionDir, "extension.ts")],
    outfile: join(distDir, "extension.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["vscode"],
    logLevel: "warning",
  });
  const server = await build({
    entryPoints: [join(repoRoot, "src", "lsp", "main.ts")],
    outfile: join(distDir, "server.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    metafile: true,
    // CommonJS dependencies (chevrotain's, vscode-languageserver) call require(); give them one.
    banner: { js: 'import { createRequire as __dlmCreateRequire } from "node:module"; const require = __dlmCreateRequire(import.meta.url);' },
    logLevel: "warning",
  });
  // The server reads registries only: TensorFlow.js in the bundle means an import went wrong.
  const tensorflow = Object.keys(server.metafile.inputs).filter((input) => input.includes("@tensorflow"));
  if (tensorflow.length > 0) throw new Error(`the language server bundle pulls in TensorFlow.js: ${tensorflow.slice(0, 3).join(", ")}`);
  cpSync(join(repoRoot, "grammar", "dlm.tmLanguage.json"), join(distDir, "dlm.tmLanguage.json"));
  cpSync(join(repoRoot, "grammar", "language-configuration.json"), join(distDir, "language-configuration.json"));
  cpSync(join(repoRoot, "docs", "diagnostics.md"), join(distDir, "diagnostics.md"));
}

/** Copies what the .vsix holds into a fresh folder, with the CLI's version, and runs vsce there. */
function packageVsix(outDir) {
  const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version;
  const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8"));
  const staging = mkdtempSync(join(tmpdir(), "dlm-vsix-"));
  try {
    writeFileSync(join(staging, "package.json"), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
    for (const entry of ["README.md", "LICENSE", "icon.png", "snippets"]) cpSync(join(extensionDir, entry), join(staging, entry), { recursive: true });
    cpSync(distDir, join(staging, "dist"), { recursive: true });
    mkdirSync(outDir, { recursive: true });
    const vsix = join(resolve(outDir), `${manifest.name}-${version}.vsix`);
    const require = createRequire(import.meta.url);
    const vsce = join(dirname(require.resolve("@vscode/vsce/package.json")), "vsce");
    execFileSync(
      process.execPath,
      [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--no-rewrite-relative-links", "--out", vsix],
      { cwd: staging, stdio: "inherit" },
    );
    return vsix;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

await buildExtension();
if (process.argv.includes("--build-only")) {
  console.log(`built ${relative(process.cwd(), distDir) || distDir}`);
} else {
  const vsix = packageVsix(option("--out") ?? repoRoot);
  console.log(`packaged ${relative(process.cwd(), vsix) || vsix}`);
}
