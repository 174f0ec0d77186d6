import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem } from "vscode-languageserver";
import { positionOf, testUri, TestLanguageClient } from "./language-client.js";

let client: TestLanguageClient;

beforeAll(async () => {
  client = await TestLanguageClient.start();
});

afterAll(async () => {
  await client.stop();
});

let documents = 0;

/** Opens `source` (with `|` marking the cursor) as a new document and completes at the cursor. */
async function completeAt(source: string): Promise<CompletionItem[]> {
  const text = source.replace("|", "");
  const uri = testUri(`completion-${(documents += 1)}.dlm`);
  await client.open(uri, text);
  return client.completion(uri, positionOf(source, "|"));
}

function labels(items: readonly CompletionItem[]): string[] {
  return items.map((item) => item.label);
}

const BLOCK = "block ConvBn(filters: int, kernel = 3) {\n  conv2d(filters, kernel)\n  batch_norm\n}\n";

describe("completion", () => {
  it("lists layers, blocks and snippets inside a model body", async () => {
    const items = await completeAt(`${BLOCK}model M(input: [28, 28, 1]) {\n  |\n}\n`);
    expect(labels(items)).toEqual(expect.arrayContaining(["conv2d", "dense", "flatten", "ConvBn", "residual", "repeat"]));
    const conv = items.find((item) => item.label === "conv2d")!;
    expect(conv.insertText).toBe("conv2d(${1:filters}, ${2:kernel})");
    expect(items.find((item) => item.label === "ConvBn")!.insertText).toBe("ConvBn(${1:filters})");
  });

  it("lists a layer's parameters with their defaults inside `conv2d(`", async () => {
    const items = await completeAt("model M(input: [28, 28, 1]) {\n  conv2d(|\n}\n");
    expect(labels(items)).toEqual(["filters", "kernel", "stride", "padding", "dilation", "activation", "l2", "use_bias"]);
    expect(items.find((item) => item.label === "filters")!.detail).toContain("required");
    expect(items.find((item) => item.label === "stride")!.detail).toContain("= 1");
    expect(items.find((item) => item.label === "padding")!.detail).toContain("= valid");
  });

  it("leaves out parameters already given", async () => {
    const items = await completeAt("model M(input: [28, 28, 1]) {\n  conv2d(32, 3, activation: relu, |)\n}\n");
    expect(labels(items)).toEqual(["stride", "padding", "dilation", "l2", "use_bias"]);
  });

  it("lists the values a parameter takes", async () => {
    expect(labels(await completeAt("model M(input: [4]) { dense(4, activation: |) }"))).toEqual(expect.arrayContaining(["relu", "softmax", "gelu"]));
    expect(labels(await completeAt("model M(input: [8, 8, 1]) { conv2d(4, 3, padding: |) }"))).toEqual(["valid", "same"]);
  });

  it("completes block parameters at a block use", async () => {
    expect(labels(await completeAt(`${BLOCK}model M(input: [8, 8, 1]) { ConvBn(|) }`))).toEqual(["filters", "kernel"]);
  });

  it("lists settings and sections by the enclosing section", async () => {
    const top = labels(await completeAt("experiment E {\n  |\n}\n"));
    expect(top).toEqual(expect.arrayContaining(["seed", "backend", "model", "export", "data", "train", "evaluate", "model { }"]));
    const train = labels(await completeAt("experiment E {\n  train {\n    |\n  }\n}\n"));
    expect(train).toEqual(expect.arrayContaining(["optimizer", "loss", "metrics", "epochs", "batch_size", "callbacks"]));
    expect(train).not.toContain("source");
    const data = labels(await completeAt("experiment E {\n  data {\n    |\n  }\n}\n"));
    expect(data).toEqual(expect.arrayContaining(["source", "split", "normalize", "augment", "tokenize"]));
  });

  it("lists catalog names after `loss:`, `optimizer:` and in `metrics: [`", async () => {
    const losses = labels(await completeAt("experiment E { train { loss: | } }"));
    expect(losses).toEqual(expect.arrayContaining(["mse", "categorical_crossentropy", "sparse_categorical_crossentropy"]));
    expect(losses).not.toContain("adam");
    expect(labels(await completeAt("experiment E { train { optimizer: | } }"))).toEqual(expect.arrayContaining(["adam", "sgd", "rmsprop"]));
    expect(labels(await completeAt("experiment E { train { metrics: [accuracy, |] } }"))).toEqual(expect.arrayContaining(["f1", "auc", "precision"]));
  });

  it("lists callbacks in `callbacks {` and augmentations in `augment {`", async () => {
    const callbacks = labels(await completeAt("experiment E { train { callbacks { | } } }"));
    expect(callbacks).toEqual(expect.arrayContaining(["early_stopping", "model_checkpoint", "reduce_lr_on_plateau"]));
    const augmentations = labels(await completeAt("experiment E { data { augment { | } } }"));
    expect(augmentations).toEqual(expect.arrayContaining(["flip", "rotate", "zoom"]));
  });

  it("lists data set names inside `builtin(\"`", async () => {
    const items = await completeAt('experiment E { data { source: builtin("|") } }');
    expect(labels(items)).toEqual(expect.arrayContaining(["mnist", "iris", "fashion_mnist"]));
  });

  it("offers members, not the previous line's values, on a blank line", async () => {
    const afterModel = labels(await completeAt("model Net(input: [4]) { dense(2) }\nexperiment E {\n  model: Net\n  |\n}\n"));
    expect(afterModel).toEqual(expect.arrayContaining(["seed", "data", "train"]));
    expect(afterModel).not.toContain("Net");
    const afterNumber = labels(await completeAt("experiment E {\n  train {\n    epochs: 1\n    |\n  }\n}\n"));
    expect(afterNumber).toEqual(expect.arrayContaining(["optimizer", "loss", "batch_size"]));
  });

  it("replaces only the word before an existing `(`", async () => {
    const source = "model M(input: [4]) {\n  dens|(64)\n}\n";
    const dense = (await completeAt(source)).find((item) => item.label === "dense")!;
    const start = positionOf(source, "dens");
    expect(dense.textEdit).toEqual({ range: { start, end: positionOf(source, "|") }, newText: "dense" });
    expect(dense.insertText).toBeUndefined();
    // Without a `(` after the word, the call snippet stays.
    const alone = (await completeAt("model M(input: [4]) {\n  dens|\n}\n")).find((item) => item.label === "dense")!;
    expect(alone.insertText).toBe("dense(${1:units})");
  });

  it("lists the models visible after `model:`", async () => {
    const items = await completeAt("model Net(input: [4]) { dense(2) }\nexperiment E { model: | }");
    expect(labels(items)).toEqual(["Net"]);
  });
});
