import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, DocumentHighlight, FoldingRange, InlayHint, Location, SemanticTokens, SignatureHelp, SymbolInformation, WorkspaceEdit } from "vscode-languageserver";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

const LIBRARY = `block ConvBn(filters: int, kernel = 3) {
  conv2d(filters, kernel, padding: same)
  batch_norm
}
`;

const MAIN = `import "features-library.dlm"

model Net(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  ConvBn(16)
  features = flatten()
  dense(10, activation: softmax)
}

experiment E {
  data { source: builtin("mnist") }
  model: Net
  train { loss: sparse_categorical_crossentropy, epochs: 1 }
}
`;

let client: TestLanguageClient;
const library = testUri("features-library.dlm");
const main = testUri("features-main.dlm");
let documents = 0;

beforeAll(async () => {
  client = await TestLanguageClient.start(undefined, { capabilities: { workspace: { configuration: true } }, configuration: { dlm: { inlayHints: { enabled: true } } } });
  await client.open(library, LIBRARY);
  await client.open(main, MAIN);
});

afterAll(async () => {
  await client.stop();
});

async function openNew(text: string): Promise<string> {
  const uri = testUri(`features-${(documents += 1)}.dlm`);
  await client.open(uri, text);
  return uri;
}

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

describe("inlay hints", () => {
  it("show each layer's output shape and weights after it, and a block use's result", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri: main }, range: WHOLE });
    const at = (needle: string, length: number): string | undefined =>
      hints.find((hint) => hint.position.line === positionOf(MAIN, needle).line && hint.position.character === positionOf(MAIN, needle, length).character)?.label as string | undefined;
    expect(at("conv2d(32", "conv2d(32, 3, activation: relu)".length)).toBe("→ [26, 26, 32] · 320 params");
    expect(at("ConvBn(16)", "ConvBn(16)".length)).toBe("→ [26, 26, 16] · 4,688 params");
    expect(at("features =", "features = flatten()".length)).toBe("→ [10816]");
    expect(at("dense(10", "dense(10, activation: softmax)".length)).toBe("→ [10] · 108,170 params");
  });

  it("are off when the client's settings say so", async () => {
    const off = await TestLanguageClient.start(undefined, { initializationOptions: { inlayHints: { enabled: false } } });
    try {
      await off.open(main, MAIN);
      expect(await off.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri: main }, range: WHOLE })).toEqual([]);
    } finally {
      await off.stop();
    }
    const asked = await TestLanguageClient.start(undefined, { capabilities: { workspace: { configuration: true } }, configuration: { dlm: { inlayHints: { enabled: false } } } });
    try {
      await asked.open(main, MAIN);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await asked.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri: main }, range: WHOLE })).toEqual([]);
    } finally {
      await asked.stop();
    }
  });
});

describe("signature help", () => {
  async function signatureAt(source: string): Promise<SignatureHelp | null> {
    const uri = await openNew(source.replace("|", ""));
    return client.request<SignatureHelp | null>("textDocument/signatureHelp", { textDocument: { uri }, position: positionOf(source, "|") });
  }
  const active = (help: SignatureHelp | null): string => {
    const signature = help!.signatures[0]!;
    const [start, end] = signature.parameters![help!.activeParameter!]!.label as [number, number];
    return signature.label.slice(start, end);
  };

  it("shows a layer's signature with the argument at the cursor", async () => {
    const help = await signatureAt("model M(input: [28, 28, 1]) {\n  conv2d(32, |)\n}\n");
    expect(help!.signatures[0]!.label).toMatch(/^conv2d\(filters, kernel, stride = 1, padding = valid/);
    expect(active(help)).toBe("kernel");
    expect(active(await signatureAt("model M(input: [28, 28, 1]) {\n  conv2d(32, 3, padding: |)\n}\n"))).toBe("padding = valid");
  });

  it("covers optimizers, callbacks, augmentations, data sources and blocks", async () => {
    expect((await signatureAt("experiment E { train { optimizer: adam(|) } }"))!.signatures[0]!.label).toMatch(/^adam\(learning_rate/);
    expect((await signatureAt("experiment E { train { callbacks { early_stopping(|) } } }"))!.signatures[0]!.label).toMatch(/^early_stopping\(.*patience/);
    expect((await signatureAt("experiment E { data { augment { rotate(|) } } }"))!.signatures[0]!.label).toMatch(/^rotate\(/);
    expect((await signatureAt('experiment E { data { source: csv(|) } }'))!.signatures[0]!.label).toMatch(/^csv\(path/);
    const block = await signatureAt(`${LIBRARY}model M(input: [8, 8, 1]) { ConvBn(8, |) }`);
    expect(block!.signatures[0]!.label).toBe("ConvBn(filters, kernel = 3)");
    expect(active(block)).toBe("kernel = 3");
  });

  it("says nothing outside calls", async () => {
    expect(await signatureAt("model M(input: [4]) {\n  |\n}\n")).toBeNull();
  });
});

describe("names: references, highlight, rename", () => {
  it("finds a block parameter's uses inside the block and renames them all", async () => {
    const references = await client.references(library, positionOf(LIBRARY, "filters"), true);
    expect(references!.map((location) => location.range.start)).toEqual([positionOf(LIBRARY, "filters"), positionOf(LIBRARY, "filters", 0, 2)]);
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: library }, position: positionOf(LIBRARY, "filters", 0, 2), newName: "channels" });
    expect(edit.changes![library]!.map((change) => [change.range.start, change.newText])).toEqual([
      [positionOf(LIBRARY, "filters"), "channels"],
      [positionOf(LIBRARY, "filters", 0, 2), "channels"],
    ]);
  });

  it("renames a block across the import and a model with its `model:` use", async () => {
    const blockEdit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: main }, position: positionOf(MAIN, "ConvBn"), newName: "Stem" });
    expect(Object.keys(blockEdit.changes!).sort()).toEqual([library, main].sort());
    expect(blockEdit.changes![library]![0]!.range.start).toEqual(positionOf(LIBRARY, "ConvBn"));
    const modelEdit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: main }, position: positionOf(MAIN, "Net", 0, 2), newName: "Classifier" });
    expect(modelEdit.changes![main]!.map((change) => change.range.start)).toEqual([positionOf(MAIN, "Net"), positionOf(MAIN, "Net", 0, 2)]);
  });

  it("refuses a name DLM cannot take, and places that are not names", async () => {
    await expect(client.request("textDocument/rename", { textDocument: { uri: main }, position: positionOf(MAIN, "Net"), newName: "2nd" })).rejects.toThrow(/not a DLM name/);
    await expect(client.request("textDocument/rename", { textDocument: { uri: library }, position: positionOf(LIBRARY, "ConvBn"), newName: "dense" })).rejects.toThrow(/built-in layer/);
    expect(await client.request("textDocument/prepareRename", { textDocument: { uri: main }, position: positionOf(MAIN, "conv2d") })).toBeNull();
    expect(await client.request("textDocument/prepareRename", { textDocument: { uri: main }, position: positionOf(MAIN, "Net") })).toEqual({
      range: { start: positionOf(MAIN, "Net"), end: positionOf(MAIN, "Net", 3) },
      placeholder: "Net",
    });
  });

  it("follows a named layer to its `until:` use", async () => {
    const source = `${MAIN}\nexperiment F {\n  data { source: builtin("mnist") }\n  model {\n    pretrained("exports/x/model.json", until: features)\n    dense(10, activation: softmax)\n  }\n}\n`;
    const uri = await openNew(source);
    const definition = (await client.definition(uri, positionOf(source, "until: features", 8))) as Location;
    expect(definition.range.start).toEqual(positionOf(source, "features ="));
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri }, position: positionOf(source, "features ="), newName: "flat" });
    expect(edit.changes![uri]!.map((change) => change.range.start)).toEqual([positionOf(source, "features ="), positionOf(source, "until: features", 7)]);
  });

  it("highlights every place of the name in the document, the declaration as a write", async () => {
    const highlights = await client.request<DocumentHighlight[]>("textDocument/documentHighlight", { textDocument: { uri: main }, position: positionOf(MAIN, "Net") });
    expect(highlights.map((highlight) => [highlight.range.start, highlight.kind])).toEqual([
      [positionOf(MAIN, "Net"), 3],
      [positionOf(MAIN, "Net", 0, 2), 2],
    ]);
  });

  it("lists declarations of every open document and its imports as workspace symbols", async () => {
    const symbols = await client.request<SymbolInformation[]>("workspace/symbol", { query: "cb" });
    expect(symbols.map((symbol) => symbol.name)).toContain("ConvBn");
    expect(symbols.map((symbol) => symbol.name)).not.toContain("Net");
    expect(symbols.find((symbol) => symbol.name === "ConvBn")!.location.uri).toBe(library);
  });
});

describe("semantic tokens and folding", () => {
  function decode(tokens: SemanticTokens, legend: string[], text: string): { text: string; type: string; modifiers: number }[] {
    const lines = text.split("\n");
    const out: { text: string; type: string; modifiers: number }[] = [];
    let line = 0;
    let character = 0;
    for (let index = 0; index < tokens.data.length; index += 5) {
      const [deltaLine, deltaStart, length, type, modifiers] = tokens.data.slice(index, index + 5) as [number, number, number, number, number];
      line += deltaLine;
      character = deltaLine === 0 ? character + deltaStart : deltaStart;
      out.push({ text: lines[line]!.slice(character, character + length), type: legend[type]!, modifiers });
    }
    return out;
  }

  it("tell block parameters, built-in layers and unknown names apart", async () => {
    const source = `${LIBRARY}model M(input: [8, 8, 1]) {\n  ConvBn(8)\n  flaten\n}\n`;
    const uri = await openNew(source);
    const legend = (client.capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }).legend.tokenTypes;
    const tokens = decode(await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } }), legend, source);
    const typeOf = (text: string): string[] => tokens.filter((token) => token.text === text).map((token) => token.type);
    expect(typeOf("filters")).toEqual(["parameter", "parameter"]);
    expect(typeOf("conv2d")).toEqual(["function"]);
    expect(tokens.find((token) => token.text === "conv2d")!.modifiers).toBe(2);
    expect(typeOf("ConvBn")).toEqual(["function", "function"]);
    expect(typeOf("M")).toEqual(["class"]);
    expect(typeOf("flaten")).toEqual(["unresolved"]);
  });

  it("fold every body that spans lines, leaving its closing brace", async () => {
    const folds = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri: main } });
    const model = positionOf(MAIN, "model Net").line;
    const experiment = positionOf(MAIN, "experiment E").line;
    expect(folds.map((fold) => [fold.startLine, fold.endLine])).toEqual(expect.arrayContaining([[model, model + 4], [experiment, experiment + 3]]));
  });
});

describe("diagnostics link to their explanation", () => {
  it("gives each diagnostic a codeDescription into docs/diagnostics.md", async () => {
    const uri = await openNew("model M(input: [28, 28, 1]) {\n  flaten\n}\n");
    const [diagnostic] = await client.diagnostics(uri);
    expect(diagnostic!.code).toBe("DLM201");
    expect(diagnostic!.codeDescription!.href).toMatch(/^file:\/\/.*\/docs\/diagnostics\.md#dlm201-unknown-layer$/);
  });
});

describe("hover on a diagnostic", () => {
  it("adds what `dlm explain` says about its code", async () => {
    const source = "model M(input: [28, 28, 1]) {\n  conv2d(8, 3)\n  flaten\n}\n";
    const uri = await openNew(source);
    await client.diagnostics(uri);
    const hover = await client.hover(uri, positionOf(source, "flaten", 2));
    const value = (hover!.contents as { value: string }).value;
    expect(value).toContain("**DLM201: unknown layer** (`dlm explain DLM201`)");
    const clean = await client.hover(uri, positionOf(source, "conv2d", 1));
    expect((clean!.contents as { value: string }).value).not.toContain("dlm explain");
  });
});

describe("quick fixes", () => {
  async function fixesFor(source: string, code: string): Promise<{ uri: string; actions: CodeAction[] }> {
    const uri = await openNew(source);
    const diagnostics = await client.diagnostics(uri);
    const diagnostic = diagnostics.find((each) => each.code === code);
    if (!diagnostic) throw new Error(`no ${code} among ${diagnostics.map((each) => each.code).join(", ")}`);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    return { uri, actions };
  }
  const edits = (uri: string, action: CodeAction | undefined) => action!.edit!.changes![uri]!.map((edit) => [edit.range.start, edit.range.end, edit.newText]);

  it("replace a misspelt layer, parameter, setting or catalog name", async () => {
    const layer = await fixesFor("model M(input: [28, 28, 1]) {\n  flaten\n}\n", "DLM201");
    expect(layer.actions.map((action) => [action.title, action.kind, action.isPreferred])).toEqual([["Replace with `flatten`", "quickfix", true]]);
    const at = positionOf("model M(input: [28, 28, 1]) {\n  flaten\n}\n", "flaten");
    expect(edits(layer.uri, layer.actions[0])).toEqual([[at, { line: at.line, character: at.character + 6 }, "flatten"]]);
    expect((await fixesFor("model M(input: [4]) { dense(4, activaton: relu) }", "DLM202")).actions.map((action) => action.title)).toEqual(["Replace with `activation`"]);
    expect((await fixesFor("experiment E { train { optimiser: adam } }", "DLM203")).actions.map((action) => action.title)).toEqual(["Replace with `optimizer`"]);
    expect((await fixesFor("experiment E { train { optimizer: adma } }", "DLM204")).actions.map((action) => action.title)).toEqual(["Replace with `adam`"]);
  });

  it("add `padding: same` to a window larger than its input", async () => {
    const source = "model M(input: [2, 2, 1]) {\n  conv2d(4, 3)\n}\n";
    const { uri, actions } = await fixesFor(source, "DLM402");
    const before = positionOf(source, "3)", 1);
    expect(edits(uri, actions[0])).toEqual([[before, before, ", padding: same"]]);
    const written = "model M(input: [2, 2, 1]) {\n  max_pool2d(3, padding: valid)\n}\n";
    const replaced = await fixesFor(written, "DLM402");
    expect(edits(replaced.uri, replaced.actions[0])).toEqual([[positionOf(written, "valid"), positionOf(written, "valid", 5), "same"]]);
  });

  it("add `flatten` on its own line before a last `dense` that sees a rank > 1 input", async () => {
    const source = 'model Net(input: [28, 28, 1]) {\n  conv2d(8, 3)\n  dense(10, activation: softmax)\n}\nexperiment E {\n  data { source: builtin("mnist") }\n  model: Net\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n';
    const { actions } = await fixesFor(source, "DLM407");
    expect(actions.map((action) => action.title)).toEqual(["Add `flatten` before the last `dense`"]);
    // The fix is for the file the model is written in; here, the same document.
    const edit = Object.values(actions[0]!.edit!.changes!)[0]!;
    const at = positionOf(source, "dense(10");
    expect(edit.map((change) => [change.range.start, change.newText])).toEqual([[at, "flatten\n  "]]);
  });

  it("add the reshape a layer's input needs before it", async () => {
    const source = "model M(input: [784]) {\n  conv2d(8, 3)\n}\n";
    const { uri, actions } = await fixesFor(source, "DLM401");
    const at = positionOf(source, "conv2d");
    expect(actions.map((action) => action.title)).toEqual(["Add `reshape([28, 28, 1])` before it"]);
    expect(edits(uri, actions[0])).toEqual([[at, at, "reshape([28, 28, 1])\n  "]]);
  });

  it("switch to a loss that fits the task", async () => {
    const source = 'experiment E {\n  data { source: builtin("mnist") }\n  model { flatten dense(10, activation: softmax) }\n  train { loss: mse, epochs: 1 }\n}\n';
    const { actions } = await fixesFor(source, "DLM507");
    expect(actions.map((action) => action.title)).toEqual(["Replace with `sparse_categorical_crossentropy`"]);
  });

  it("take the model's input shape from the experiment's data", async () => {
    const source = 'model Net(input: [32, 32, 3]) { flatten dense(10, activation: softmax) }\nexperiment E {\n  data { source: builtin("mnist") }\n  model: Net\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n';
    const { uri, actions } = await fixesFor(source, "DLM406");
    expect(actions[0]!.title).toBe("Take the data's shape: input [28, 28, 1]");
    expect(edits(uri, actions[0])).toEqual([[positionOf(source, "[32"), positionOf(source, "3]", 2), "[28, 28, 1]"]]);
  });
});
