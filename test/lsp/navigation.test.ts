import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSymbol, Location } from "vscode-languageserver";
import type { ModelSummariesResult } from "../../src/lsp/protocol.js";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

const LIBRARY = `/// Convolution, normalisation, activation.
block ConvBn(filters: int) {
  conv2d(filters, 3, padding: same)
  batch_norm
  relu
}
`;

const MAIN = `import "nav-library.dlm"

model Net(input: [16, 16, 3]) {
  ConvBn(8)
  residual { ConvBn(8) }
  repeat 2 { ConvBn(8) }
  global_avg_pool2d
  head = dense(10, activation: softmax)
}

experiment train_net {
  data { source: builtin("mnist") }
  model: Net
  train {
    loss: categorical_crossentropy
    epochs: 1
    callbacks { early_stopping(patience: 2) }
  }
}
`;

let client: TestLanguageClient;
const library = testUri("nav-library.dlm");
const main = testUri("nav-main.dlm");

beforeAll(async () => {
  client = await TestLanguageClient.start();
  await client.open(library, LIBRARY);
  await client.open(main, MAIN);
});

afterAll(async () => {
  await client.stop();
});

function single(result: Location | Location[] | null): Location {
  const location = Array.isArray(result) ? result[0] : result;
  if (!location) throw new Error("no location");
  return location;
}

describe("go to definition", () => {
  it("goes from a block use to the block, across an import", async () => {
    const location = single(await client.definition(main, positionOf(MAIN, "ConvBn(8)", 2)));
    expect(location.uri).toBe(library);
    expect(location.range.start).toEqual(positionOf(LIBRARY, "ConvBn"));
  });

  it("goes from `model: Net` to the model", async () => {
    const location = single(await client.definition(main, positionOf(MAIN, "model: Net", "model: ".length + 1)));
    expect(location.uri).toBe(main);
    expect(location.range.start).toEqual(positionOf(MAIN, "Net"));
  });

  it("opens an imported file from its import path", async () => {
    expect(single(await client.definition(main, positionOf(MAIN, "nav-library", 2))).uri).toBe(library);
  });
});

describe("find references", () => {
  it("finds every use of a block, with its declaration when asked", async () => {
    const uses = (await client.references(library, positionOf(LIBRARY, "ConvBn", 1), false)) ?? [];
    expect(uses).toHaveLength(3);
    expect(uses.every((location) => location.uri === main)).toBe(true);
    const withDeclaration = (await client.references(main, positionOf(MAIN, "ConvBn(8)", 1), true)) ?? [];
    expect(withDeclaration).toHaveLength(4);
    expect(withDeclaration[0]!.uri).toBe(library);
  });

  it("finds the experiments that train a model", async () => {
    const uses = (await client.references(main, positionOf(MAIN, "Net(", 1), false)) ?? [];
    expect(uses.map((location) => location.range.start)).toEqual([positionOf(MAIN, "Net", 0, 2)]);
  });
});

describe("document symbols", () => {
  it("outlines models with layers, blocks and experiments with sections", async () => {
    const symbols = (await client.documentSymbols(main)) ?? [];
    const names = (list: readonly DocumentSymbol[] | undefined): string[] => (list ?? []).map((symbol) => symbol.name);
    expect(names(symbols)).toEqual(["Net", "train_net"]);
    expect(names(symbols[0]!.children)).toEqual(["ConvBn", "residual", "repeat", "global_avg_pool2d", "head = dense"]);
    expect(names(symbols[0]!.children![1]!.children)).toEqual(["ConvBn"]);
    expect(names(symbols[1]!.children)).toEqual(["data", "model", "train"]);
    expect(names(symbols[1]!.children![2]!.children)).toEqual(["loss", "epochs", "callbacks"]);
    expect(names((await client.documentSymbols(library)) ?? [])).toEqual(["ConvBn"]);
  });
});

describe("model summaries", () => {
  it("returns the summary table of each model of a document", async () => {
    const result = await client.request<ModelSummariesResult>("dlm/modelSummaries", { uri: main });
    expect(result.models.map((model) => model.name)).toEqual(["Net"]);
    expect(result.models[0]!.text).toContain("Total params:");
    expect(result.models[0]!.text).toContain("head (dense)");
  });
});
