import { describe, expect, it } from "vitest";
import { completionContextAt } from "../../src/lsp/completion-context.js";

/** The context at the `|` in `source` (the bar is removed first). */
function contextAt(source: string): ReturnType<typeof completionContextAt> {
  const offset = source.indexOf("|");
  return completionContextAt(source.slice(0, offset) + source.slice(offset + 1), offset);
}

describe("completion context", () => {
  it("finds declarations at the top level", () => {
    expect(contextAt("mod|")).toEqual({ kind: "declaration" });
    expect(contextAt("model A(input: [2]) { dense(2) }\n|")).toEqual({ kind: "declaration" });
  });

  it("finds layer positions in models, blocks, residual and repeat bodies and inline models", () => {
    expect(contextAt("model A(input: [2]) {\n  dense(2)\n  |")).toEqual({ kind: "layer" });
    expect(contextAt("block B(n: int) { con|")).toEqual({ kind: "layer" });
    expect(contextAt("model A { residual { dense(2) | } }")).toEqual({ kind: "layer" });
    expect(contextAt("model A { repeat 2 { | } }")).toEqual({ kind: "layer" });
    expect(contextAt("block B(d: int) { repeat d { | } }")).toEqual({ kind: "layer" });
    expect(contextAt("experiment E { model { | } }")).toEqual({ kind: "layer" });
    expect(contextAt("model A { feats = |")).toEqual({ kind: "layer" });
  });

  it("reads a call's arguments while the call is still open", () => {
    expect(contextAt("model A(input: [28, 28, 1]) {\n  conv2d(|")).toEqual({
      kind: "argument",
      callee: "conv2d",
      place: { kind: "layer" },
      named: [],
      positional: 0,
    });
    expect(contextAt("model A { conv2d(32, 3, activation: relu, pad|")).toMatchObject({
      kind: "argument",
      named: ["activation"],
      positional: 2,
    });
    expect(contextAt("model A { dense(4, activation: |")).toEqual({
      kind: "argument-value",
      callee: "dense",
      place: { kind: "layer" },
      param: "activation",
    });
    expect(contextAt("model A { bidirectional(lstm(|")).toMatchObject({ kind: "argument", callee: "lstm", place: { kind: "layer" } });
  });

  it("knows the experiment section around the cursor", () => {
    expect(contextAt("experiment E {\n  |")).toEqual({ kind: "member", sections: [] });
    expect(contextAt("experiment E { seed: 1 data { source: builtin(\"iris\") split { | } } }")).toEqual({ kind: "member", sections: ["data", "split"] });
    expect(contextAt("experiment E { train { epochs: 3 callbacks { early| } } }")).toEqual({ kind: "member", sections: ["train", "callbacks"] });
    expect(contextAt("experiment E { data { augment { | } } }")).toEqual({ kind: "member", sections: ["data", "augment"] });
  });

  it("completes setting values, in lists too", () => {
    expect(contextAt("experiment E { train { loss: |")).toEqual({ kind: "setting-value", sections: ["train"], setting: "loss", inList: false });
    expect(contextAt("experiment E { train { optimizer: ad|")).toEqual({ kind: "setting-value", sections: ["train"], setting: "optimizer", inList: false });
    expect(contextAt("experiment E { train { metrics: [accuracy, |")).toEqual({ kind: "setting-value", sections: ["train"], setting: "metrics", inList: true });
    expect(contextAt("experiment E { model: |")).toEqual({ kind: "setting-value", sections: [], setting: "model", inList: false });
  });

  it("knows calls of catalogs: optimizers, callbacks, nested search spaces", () => {
    expect(contextAt("experiment E { train { optimizer: adam(|")).toMatchObject({
      kind: "argument",
      callee: "adam",
      place: { kind: "setting", sections: ["train"], setting: "optimizer" },
    });
    expect(contextAt("experiment E { train { callbacks { early_stopping(patience: 3, |")).toMatchObject({
      kind: "argument",
      callee: "early_stopping",
      place: { kind: "section", sections: ["train", "callbacks"] },
      named: ["patience"],
    });
    expect(contextAt("experiment E { train { optimizer: adam(learning_rate: log_range(|")).toMatchObject({
      kind: "argument",
      callee: "log_range",
      place: { kind: "setting", setting: "optimizer" },
    });
  });

  it("offers data set names inside builtin(\"", () => {
    expect(contextAt('experiment E { data { source: builtin("|')).toEqual({ kind: "dataset-name" });
    expect(contextAt('experiment E { data { source: builtin("mn|") } }')).toEqual({ kind: "dataset-name" });
    expect(contextAt('experiment E { data { source: csv("|')).toEqual({ kind: "none" });
  });

  it("stays quiet in comments, numbers and object values", () => {
    expect(contextAt("model A { // dense|")).toEqual({ kind: "none" });
    expect(contextAt("model A { dense(12|")).toEqual({ kind: "none" });
    expect(contextAt("experiment E { train { class_weight: { |")).toEqual({ kind: "none" });
  });

  it("reads block headers and model inputs", () => {
    expect(contextAt("block B(n: |")).toEqual({ kind: "block-param-type" });
    expect(contextAt("model A(|")).toEqual({ kind: "model-input" });
  });
});
