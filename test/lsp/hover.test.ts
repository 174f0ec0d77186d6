import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hover, MarkupContent } from "vscode-languageserver";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

const SOURCE = `/// Digits.
model SmallCnn(input: [28, 28, 1]) {
  conv2d(32, 3, activation: relu)
  max_pool2d(2)
  flatten
  Head(10)
}

/// A classifier head.
block Head(classes: int) {
  dense(classes, activation: softmax)
}

experiment mnist {
  data {
    source: builtin("mnist")
    split { validation: 0.1 }
  }
  model: SmallCnn
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: categorical_crossentropy
    metrics: [accuracy]
    epochs: 2
    callbacks { early_stopping(patience: 3) }
  }
}
`;

let client: TestLanguageClient;
const uri = testUri("hover.dlm");

beforeAll(async () => {
  client = await TestLanguageClient.start();
  await client.open(uri, SOURCE);
});

afterAll(async () => {
  await client.stop();
});

async function hoverText(needle: string, delta = 0, occurrence = 1): Promise<string> {
  const hover: Hover | null = await client.hover(uri, positionOf(SOURCE, needle, delta, occurrence));
  return hover ? (hover.contents as MarkupContent).value : "";
}

describe("hover", () => {
  it("shows a layer call's inferred input and output shapes", async () => {
    const text = await hoverText("conv2d(32", 2);
    expect(text).toContain("[28, 28, 1]");
    expect(text).toContain("[26, 26, 32]");
    expect(text).toContain("320 params");
    expect(text).toContain("filters: 32");
  });

  it("shows the shapes of a layer when hovering its arguments", async () => {
    expect(await hoverText("max_pool2d(2)", "max_pool2d(".length)).toContain("[13, 13, 32]");
  });

  it("shows the model's summary table on its name and on `model: NAME`", async () => {
    for (const text of [await hoverText("SmallCnn", 1), await hoverText("SmallCnn", 1, 2)]) {
      expect(text).toContain("Digits.");
      expect(text).toContain("Total params:");
      expect(text).toContain("conv2d (conv2d)");
    }
  });

  it("shows a block's signature, doc and the shapes of a use", async () => {
    const use = await hoverText("Head(10)", 1);
    expect(use).toContain("block Head(classes: int)");
    expect(use).toContain("A classifier head.");
    expect(use).toContain("[5408]");
    expect(use).toContain("[10]");
  });

  it("documents catalog names: loss, optimizer, metric, callback", async () => {
    expect(await hoverText("categorical_crossentropy", 3)).toContain("loss");
    expect(await hoverText("adam(", 1)).toContain("learning_rate");
    expect(await hoverText("accuracy", 2)).toContain("metric");
    expect(await hoverText("early_stopping", 2)).toContain("callback");
  });

  it("documents settings, sections, parameters and data sets", async () => {
    expect(await hoverText("epochs:", 1)).toContain("Passes over the training split");
    expect(await hoverText("split {", 1)).toContain("validation");
    expect(await hoverText("learning_rate", 1)).toContain("parameter of `adam`");
    expect(await hoverText('"mnist"', 2)).toContain("28×28");
    expect(await hoverText("relu", 1)).toContain("activation");
  });

  it("says nothing between declarations", async () => {
    expect(await client.hover(uri, { line: 7, character: 0 })).toBeNull();
  });
});
