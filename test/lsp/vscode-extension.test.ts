import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const extensionDir = path.join(root, "src", "vscode");

interface Manifest {
  name: string;
  main: string;
  engines: { vscode: string };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string; category: string }[];
  };
}

const manifest = JSON.parse(readFileSync(path.join(extensionDir, "package.json"), "utf8")) as Manifest;

describe("the extension manifest", () => {
  it("contributes the dlm language, its grammar, snippets and the summary command", () => {
    expect(manifest.contributes.languages).toEqual([expect.objectContaining({ id: "dlm", extensions: [".dlm"] })]);
    expect(manifest.contributes.grammars).toEqual([expect.objectContaining({ language: "dlm", scopeName: "source.dlm" })]);
    const grammar = JSON.parse(readFileSync(path.join(root, "grammar", "dlm.tmLanguage.json"), "utf8")) as { scopeName: string };
    expect(grammar.scopeName).toBe(manifest.contributes.grammars[0]!.scopeName);
    expect(manifest.contributes.commands).toEqual([{ command: "dlm.showSummary", title: "Show model summary", category: "DLM" }]);
    expect(readFileSync(path.join(extensionDir, "extension.ts"), "utf8")).toContain('registerCommand("dlm.showSummary"');
  });

  it("has the snippets the editor offers", () => {
    const snippets = JSON.parse(readFileSync(path.join(extensionDir, manifest.contributes.snippets[0]!.path), "utf8")) as Record<string, { prefix: string }>;
    expect(Object.values(snippets).map((snippet) => snippet.prefix)).toEqual(["model", "block", "experiment", "data", "train", "callbacks"]);
  });
});

describe("the bundled extension", () => {
  let dist: string;
  let client: TestLanguageClient;

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), "dlm-extension-"));
    await promisify(execFile)(process.execPath, [path.join(extensionDir, "scripts", "package.mjs"), "--build-only", "--dist", dist], { cwd: root });
    client = await TestLanguageClient.start([path.join(dist, "server.mjs")]);
  });

  afterAll(async () => {
    await client?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it("holds every file the manifest names", () => {
    const inDist = (manifestPath: string): string => path.join(dist, path.relative("./dist", manifestPath));
    expect(existsSync(inDist(manifest.main))).toBe(true);
    expect(existsSync(inDist(manifest.contributes.languages[0]!.configuration))).toBe(true);
    expect(existsSync(inDist(manifest.contributes.grammars[0]!.path))).toBe(true);
    expect(existsSync(path.join(dist, "server.mjs"))).toBe(true);
  });

  it("runs the language server from the bundle alone", async () => {
    const text = "model M(input: [28, 28, 1]) {\n  conv2d(32, 3, activation: relu)\n  flaten\n}\n";
    const uri = testUri("bundled.dlm");
    await client.open(uri, text);
    expect((await client.diagnostics(uri)).map((diagnostic) => diagnostic.code)).toEqual(["DLM201"]);
    const hover = await client.hover(uri, positionOf(text, "conv2d", 1));
    expect((hover?.contents as MarkupContent).value).toContain("[26, 26, 32]");
  });
});
