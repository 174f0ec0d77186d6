import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, InlayHint, MarkupContent } from "vscode-languageserver";
import { positionOf, TestLanguageClient } from "./language-client.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

interface PackagedManifest {
  icon: string;
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, { default: unknown }> }; semanticTokenTypes: { id: string }[] };
}

let work: string;
let unpacked: string;
let manifest: PackagedManifest;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "dlm-vsix-test-"));
  await run(process.execPath, [path.join(root, "src", "vscode", "scripts", "package.mjs"), "--out", work], { cwd: root });
  const vsix = readdirSync(work).find((name) => name.endsWith(".vsix"));
  if (!vsix) throw new Error("no .vsix written");
  unpacked = path.join(work, "unpacked");
  await run("unzip", ["-q", path.join(work, vsix), "-d", unpacked]);
  manifest = JSON.parse(readFileSync(path.join(unpacked, "extension", "package.json"), "utf8")) as PackagedManifest;
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("the packaged VSIX", () => {
  it("declares limited support for untrusted workspaces, with the server path restricted", () => {
    expect(manifest.capabilities.untrustedWorkspaces).toEqual(expect.objectContaining({ supported: "limited", restrictedConfigurations: ["dlm.server.path"] }));
    expect(manifest.contributes.configuration.properties["dlm.inlayHints.enabled"]!.default).toBe(true);
    expect(manifest.contributes.semanticTokenTypes.map((type) => type.id)).toEqual(["unresolved"]);
  });

  it("holds its icon (a PNG), its licence and the diagnostics reference", () => {
    const icon = readFileSync(path.join(unpacked, "extension", manifest.icon));
    expect(icon.subarray(1, 4).toString("latin1")).toBe("PNG");
    const licence = readdirSync(path.join(unpacked, "extension")).find((name) => /^LICENSE/i.test(name));
    expect(readFileSync(path.join(unpacked, "extension", licence!), "utf8")).toContain("MIT License");
    expect(existsSync(path.join(unpacked, "extension", "dist", "diagnostics.md"))).toBe(true);
  });
});

describe("the packaged server started alone from an empty folder", () => {
  let client: TestLanguageClient;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), "dlm-empty-"));
    client = await TestLanguageClient.start([path.join(unpacked, "extension", "dist", "server.mjs")], { cwd: folder });
  });

  afterAll(async () => {
    await client?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("announces the new features", () => {
    expect(client.capabilities).toEqual(
      expect.objectContaining({ inlayHintProvider: true, renameProvider: { prepareProvider: true }, foldingRangeProvider: true, workspaceSymbolProvider: true }),
    );
    expect(client.capabilities.signatureHelpProvider).toBeDefined();
    expect(client.capabilities.semanticTokensProvider).toBeDefined();
    expect(client.capabilities.codeActionProvider).toBeDefined();
  });

  it("checks, hovers, hints, links codes to its own docs and offers quick fixes", async () => {
    const text = "model M(input: [28, 28, 1]) {\n  conv2d(32, 3, activation: relu)\n  flaten\n}\n";
    const uri = pathToFileURL(path.join(folder, "model.dlm")).href;
    await client.open(uri, text);
    const [diagnostic] = await client.diagnostics(uri);
    expect(diagnostic!.code).toBe("DLM201");
    expect(diagnostic!.codeDescription!.href).toBe(`${pathToFileURL(path.join(unpacked, "extension", "dist", "diagnostics.md")).href}#dlm201-unknown-layer`);
    const hover = await client.hover(uri, positionOf(text, "conv2d", 1));
    expect((hover?.contents as MarkupContent).value).toContain("[26, 26, 32]");
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    expect(hints.map((hint) => hint.label)).toContain("→ [26, 26, 32] · 320 params");
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: diagnostic!.range, context: { diagnostics: [diagnostic] } });
    expect(actions.map((action) => action.title)).toEqual(["Replace with `flatten`"]);
  });
});
