import { describe, expect, it } from "vitest";
import { inMemoryCompilerHost, type CompilerHost } from "../../compiler/host.js";
import { parseDlm } from "../../grammar/parse.js";
import { DocumentStore, type CheckedDocument } from "../../src/lsp/document-store.js";

const BLOCKS = `block Dense2(units: int) {
  dense(units, activation: relu)
  dense(units, activation: relu)
}
`;

const MAIN = `import "blocks.dlm"

model Net(input: [8]) {
  Dense2(16)
  dense(2, activation: softmax)
}
`;

/** A store over in-memory files whose parses are counted per file. */
function storeWithCountedParses(files: Record<string, string>) {
  const parses = new Map<string, number>();
  const base = inMemoryCompilerHost(files);
  const fallbackHost: CompilerHost = {
    ...base,
    parse(file, text) {
      parses.set(file, (parses.get(file) ?? 0) + 1);
      return parseDlm(text, file);
    },
  };
  const checks: CheckedDocument[] = [];
  const store = new DocumentStore({ debounceMs: 0, fallbackHost, onChecked: (checked) => checks.push(checked) });
  return { store, parses, checks };
}

describe("DocumentStore parse cache", () => {
  it("re-parses the edited document but not the file it imports", () => {
    const { store, parses } = storeWithCountedParses({ "/p/blocks.dlm": BLOCKS });
    store.open("/p/main.dlm", "dlm", 1, MAIN);
    expect(parses.get("/p/main.dlm")).toBe(1);
    expect(parses.get("/p/blocks.dlm")).toBe(1);

    store.change("/p/main.dlm", 2, [{ text: MAIN.replace("Dense2(16)", "Dense2(32)") }]);
    const checked = store.checked("/p/main.dlm");
    expect(checked?.result.diagnostics).toEqual([]);
    expect(checked?.result.models[0]?.layers.map((layer) => layer.output)).toEqual([[32], [32], [2]]);
    expect(parses.get("/p/main.dlm")).toBe(2);
    expect(parses.get("/p/blocks.dlm")).toBe(1);
    store.dispose();
  });

  it("parses an imported document again once its text changes", () => {
    const { store, parses } = storeWithCountedParses({});
    store.open("/p/blocks.dlm", "dlm", 1, BLOCKS);
    store.open("/p/main.dlm", "dlm", 1, MAIN);
    store.change("/p/blocks.dlm", 2, [{ text: BLOCKS.replace("dense(units, activation: relu)\n}", "dense(4)\n}") }]);
    const checked = store.checked("/p/main.dlm");
    expect(checked?.result.models[0]?.layers.map((layer) => layer.output)).toEqual([[16], [4], [2]]);
    expect(parses.get("/p/blocks.dlm")).toBe(2);
    store.dispose();
  });

  it("gives the same diagnostics as a check without the cache", () => {
    const broken = MAIN.replace("Dense2(16)", "Dense2(16, extra: 1)\n  conv2d(8)");
    const { store } = storeWithCountedParses({ "/p/blocks.dlm": BLOCKS });
    store.open("/p/main.dlm", "dlm", 1, broken);
    store.change("/p/main.dlm", 2, [{ text: broken + "\n" }]);
    const cached = store.checked("/p/main.dlm")?.result.diagnostics.map((d) => [d.code, d.range.start]);
    const fresh = new DocumentStore({ debounceMs: 0, fallbackHost: inMemoryCompilerHost({ "/p/blocks.dlm": BLOCKS }), onChecked: () => {} });
    fresh.open("/p/main.dlm", "dlm", 1, broken + "\n");
    expect(cached).toEqual(fresh.checked("/p/main.dlm")?.result.diagnostics.map((d) => [d.code, d.range.start]));
    expect(cached?.length).toBeGreaterThan(0);
    store.dispose();
    fresh.dispose();
  });
});
