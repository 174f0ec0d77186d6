/** docs/diagnostics.md is generated from the catalog: it must match it (run `npm run docs:diagnostics`). */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MESSAGES, diagnosticsMarkdown } from "../diagnostics/catalog/index.js";

const ROOT = join(import.meta.dirname, "..");

describe("docs", () => {
  it("docs/diagnostics.md is up to date with the catalog", () => {
    expect(readFileSync(join(ROOT, "docs", "diagnostics.md"), "utf8")).toBe(diagnosticsMarkdown());
  });

  it("every catalog code has a section", () => {
    const text = diagnosticsMarkdown();
    for (const code of MESSAGES.keys()) expect(text).toContain(`### ${code}:`);
  });
});
