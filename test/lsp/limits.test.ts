import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol } from "vscode-languageserver";
import { testUri, TestLanguageClient } from "./language-client.js";
import { MAX_OUTLINE_SYMBOLS } from "../../src/lsp/symbols.js";

let client: TestLanguageClient;

beforeAll(async () => {
  client = await TestLanguageClient.start();
});

afterAll(async () => {
  await client.stop();
});

function countSymbols(symbols: readonly DocumentSymbol[]): number {
  return symbols.reduce((sum, symbol) => sum + 1 + countSymbols(symbol.children ?? []), 0);
}

describe("large documents", () => {
  it("gives a document over the 16 MB source limit one clear diagnostic and empty answers", async () => {
    const uri = testUri("too-large.dlm");
    const text = `model M(input: [4]) { dense(2) }\n// ${"x".repeat(16 * 1024 * 1024)}\n`;
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, () => true, 60_000);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/larger than 16 MB/);
    const started = Date.now();
    expect(await client.completion(uri, { line: 0, character: 22 })).toEqual([]);
    expect(await client.documentSymbols(uri)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 120_000);

  it("keeps the outline of a huge generated file within its bound", async () => {
    const models = Array.from({ length: 2_000 }, (_, index) => `model M${index}(input: [4]) {\n  dense(4)\n  dense(4)\n  dense(2)\n}\n`).join("");
    const uri = testUri("many-models.dlm");
    await client.open(uri, models);
    const outline = (await client.documentSymbols(uri))!;
    expect(countSymbols(outline)).toBeLessThanOrEqual(MAX_OUTLINE_SYMBOLS);
    expect(outline).toHaveLength(2_000);
    expect(outline[0]!.children).toHaveLength(3);
  }, 60_000);
});
