import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseDlm } from "../../../grammar/parse.js";
import { LAYERS } from "../../../compiler/layers/registry.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const grammarPath = path.join(root, "grammar", "dlm.tmLanguage.json");
const syntaxTests = readdirSync(here).filter((name) => name.endsWith(".dlm"));

interface GrammarRule {
  readonly match?: string;
  readonly patterns?: readonly GrammarRule[];
}

describe("TextMate grammar", () => {
  it("passes vscode-tmgrammar-test on every syntax test file", async () => {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve("vscode-tmgrammar-test/package.json");
    const cli = path.join(path.dirname(manifest), "dist", "unit.js");
    const files = syntaxTests.map((name) => path.join("test", "grammar", "tmgrammar", name));
    const run = await promisify(execFile)(process.execPath, [cli, "--compact", "-g", grammarPath, ...files], { cwd: root }).catch(
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ""}${error.stderr ?? ""}`, failed: error.code ?? 1 }),
    );
    expect("failed" in run ? run.stdout : "").toBe("");
    expect(syntaxTests.length).toBeGreaterThanOrEqual(3);
  });

  it("highlights every layer of the registry as a layer", () => {
    const grammar = JSON.parse(readFileSync(grammarPath, "utf8")) as { scopeName: string; repository: Record<string, GrammarRule> };
    expect(grammar.scopeName).toBe("source.dlm");
    const bare = new RegExp(`^${grammar.repository["bare-layer"]!.match!}$`);
    for (const name of LAYERS.keys()) expect(bare.test(name), name).toBe(true);
    expect(bare.test("dense_layer")).toBe(false);
  });

  it("tests real DLM: the syntax test files parse (the one about malformed input aside)", () => {
    for (const name of syntaxTests.filter((file) => file !== "lexical.dlm")) {
      const text = readFileSync(path.join(here, name), "utf8");
      expect(parseDlm(text, name).diagnostics, name).toEqual([]);
    }
  });

  it("has a language configuration VS Code can read", () => {
    const configuration = JSON.parse(readFileSync(path.join(root, "grammar", "language-configuration.json"), "utf8")) as {
      comments: { lineComment: string; blockComment: string[] };
      wordPattern: string;
    };
    expect(configuration.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    const word = new RegExp(configuration.wordPattern);
    expect("conv2d_transpose(".match(word)?.[0]).toBe("conv2d_transpose");
  });
});
