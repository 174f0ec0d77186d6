import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SymbolInformation } from "vscode-languageserver";
import { TestLanguageClient } from "./language-client.js";

let folder: string;
let client: TestLanguageClient;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "dlm-workspace-"));
  mkdirSync(path.join(folder, "lib"));
  mkdirSync(path.join(folder, "node_modules", "x"), { recursive: true });
  writeFileSync(path.join(folder, "lib", "stems.dlm"), "block ResStem(filters: int) {\n  conv2d(filters, 3)\n}\n");
  writeFileSync(path.join(folder, "node_modules", "x", "hidden.dlm"), "block HiddenStem(filters: int) {\n  conv2d(filters, 3)\n}\n");
  client = await TestLanguageClient.start(undefined, { root: folder });
});

afterAll(async () => {
  await client.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("workspace symbols", () => {
  it("include the declarations of .dlm files in the workspace that are not open, and follow their changes", async () => {
    const open = pathToFileURL(path.join(folder, "main.dlm")).href;
    await client.open(open, "model TinyNet(input: [4]) { dense(2) }\n");
    await client.diagnostics(open);
    const found = await client.request<SymbolInformation[]>("workspace/symbol", { query: "stem" });
    expect(found.map((symbol) => [symbol.name, symbol.location.uri, symbol.location.range.start])).toEqual([
      ["ResStem", pathToFileURL(path.join(folder, "lib", "stems.dlm")).href, { line: 0, character: 6 }],
    ]);
    expect((await client.request<SymbolInformation[]>("workspace/symbol", { query: "tiny" })).map((symbol) => symbol.location.uri)).toEqual([open]);
    // A later modification time re-reads the file.
    writeFileSync(path.join(folder, "lib", "stems.dlm"), "block WideStem(filters: int) {\n  conv2d(filters, 5)\n}\n");
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(folder, "lib", "stems.dlm"), later, later);
    expect((await client.request<SymbolInformation[]>("workspace/symbol", { query: "stem" })).map((symbol) => symbol.name)).toEqual(["WideStem"]);
  });
});
