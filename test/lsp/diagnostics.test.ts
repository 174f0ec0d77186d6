import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

let client: TestLanguageClient;

beforeAll(async () => {
  client = await TestLanguageClient.start();
});

afterAll(async () => {
  await client.stop();
});

const UNKNOWN_LAYER = `model M(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  flaten
  dense(10, activation: softmax)
}
`;

describe("diagnostics", () => {
  it("publishes the compiler's code and range when a document opens", async () => {
    const uri = testUri("unknown-layer.dlm");
    await client.open(uri, UNKNOWN_LAYER);
    const diagnostics = await client.diagnostics(uri);
    const expected = checkSource(UNKNOWN_LAYER).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(expected.map((d) => d.code));
    const unknown = diagnostics.find((d) => d.code === expected[0]!.code)!;
    expect(unknown.source).toBe("dlm");
    expect(unknown.severity).toBe(1);
    expect(unknown.range).toEqual({ start: positionOf(UNKNOWN_LAYER, "flaten"), end: positionOf(UNKNOWN_LAYER, "flaten", "flaten".length) });
    expect(unknown.message).toContain("flaten");
    expect(unknown.message).toContain("help: did you mean `flatten`?");
  });

  it("re-checks after an edit and clears fixed errors", async () => {
    const uri = testUri("fixed-later.dlm");
    await client.open(uri, UNKNOWN_LAYER);
    expect((await client.diagnostics(uri)).length).toBeGreaterThan(0);
    const version = await client.change(uri, UNKNOWN_LAYER.replace("flaten", "flatten"));
    expect(await client.diagnostics(uri, (params) => params.version === version)).toEqual([]);
  });

  it("reports a syntax error of a half-typed call with its code", async () => {
    const uri = testUri("syntax.dlm");
    const text = "model M(input: [4]) {\n  dense(4,\n}\n";
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.code).toMatch(/^DLM1\d\d$/);
  });

  it("points block errors at the use and relates the line inside the block", async () => {
    const uri = testUri("block-error.dlm");
    const text = `block Shrink(k: int) {
  conv2d(8, k)
}

model Tiny(input: [4, 4, 1]) {
  Shrink(9)
}
`;
    await client.open(uri, text);
    const [shape] = await client.diagnostics(uri);
    expect(shape).toBeDefined();
    // At the use in the model (line 6), not inside the block.
    expect(shape!.range.start.line).toBe(positionOf(text, "Shrink(9)").line);
    const related = shape!.relatedInformation ?? [];
    expect(related.some((info) => info.location.uri === uri && info.location.range.start.line === 1)).toBe(true);
  });

  it("does not wait on an import that is missing on disk", async () => {
    const uri = testUri("missing-import.dlm");
    const text = `import "no/such/file.dlm"\nmodel M(input: [4]) { dense(2) }\n`;
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri);
    expect(diagnostics.map((d) => d.code)).toContain("DLM211");
  });

  it("reads imports from open documents before the disk", async () => {
    const library = testUri("library.dlm");
    const main = testUri("uses-library.dlm");
    await client.open(library, "block Head(n: int) {\n  dense(n, activation: softmax)\n}\n");
    await client.open(main, `import "library.dlm"\nmodel M(input: [8]) {\n  Head(3)\n}\n`);
    expect(await client.diagnostics(main)).toEqual([]);
  });

  it("re-checks open documents that import a changed one", async () => {
    const library = testUri("changing-library.dlm");
    const main = testUri("uses-changing-library.dlm");
    await client.open(library, "block Head(n: int) {\n  dense(n)\n}\n");
    await client.open(main, `import "changing-library.dlm"\nmodel M(input: [8]) {\n  Head(3)\n}\n`);
    expect(await client.diagnostics(main)).toEqual([]);
    await client.change(library, "block Head(n: int) {\n  dense(n)\n  reshape([7])\n}\n");
    const diagnostics = await client.diagnostics(main, (params) => params.diagnostics.length > 0);
    expect(diagnostics[0]!.range.start.line).toBe(2);
    expect(diagnostics[0]!.relatedInformation?.some((info) => info.location.uri === library)).toBe(true);
  });
});
