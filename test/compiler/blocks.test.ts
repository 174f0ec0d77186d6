import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { reportedIn } from "./checked-source.js";

const CONV_BLOCK = `block ConvBlock(filters: int, kernel = 3) {
  conv2d(filters, kernel, padding: same, activation: relu)
  batch_norm
}`;

describe("block expansion", () => {
  it("substitutes arguments and defaults, and names layers per kind", () => {
    const result = checkSource(`${CONV_BLOCK}\nmodel M(input: [16, 16, 3]) {\n  ConvBlock(8)\n  ConvBlock(16, kernel: 5)\n  max_pool2d\n}`);
    expect(result.diagnostics).toEqual([]);
    const model = result.models[0];
    expect(model?.layers.map((layer) => [layer.name, layer.output])).toEqual([
      ["conv2d", [16, 16, 8]],
      ["batch_norm", [16, 16, 8]],
      ["conv2d_1", [16, 16, 16]],
      ["batch_norm_1", [16, 16, 16]],
      ["max_pool2d", [8, 8, 16]],
    ]);
    expect(model?.layers[2]?.args?.["kernel"]).toBe(5);
    expect(model?.layers[0]?.args?.["kernel"]).toBe(3);
  });

  it("records the use sites a layer came from", () => {
    const text = `${CONV_BLOCK}\nmodel M(input: [16, 16, 3]) { ConvBlock(8) }`;
    const result = checkSource(text);
    const [conv] = result.models[0]?.layers ?? [];
    expect(text.slice(conv?.range.start, conv?.range.end)).toBe("conv2d(filters, kernel, padding: same, activation: relu)");
    expect(conv?.origin.map((site) => [site.block, text.slice(site.range.start, site.range.end)])).toEqual([["ConvBlock", "ConvBlock(8)"]]);
  });

  it("substitutes parameters inside lists and shapes", () => {
    const text = "block Image(h: int, w: int) { reshape([h, w, 1]) }\nblock To(s: shape) { reshape(s) }\nmodel M(input: [784]) { Image(28, 28) To([784]) }";
    const result = checkSource(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.layers.map((layer) => layer.output)).toEqual([[28, 28, 1], [784]]);
  });

  it("expands blocks inside blocks and repeats", () => {
    const text = `${CONV_BLOCK}\nblock Stage(filters: int) { repeat 2 { ConvBlock(filters) } max_pool2d }\nmodel M(input: [8, 8, 1]) { Stage(4) Stage(8) }`;
    const result = checkSource(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.layers.map((layer) => layer.name)).toEqual([
      "conv2d",
      "batch_norm",
      "conv2d_1",
      "batch_norm_1",
      "max_pool2d",
      "conv2d_2",
      "batch_norm_2",
      "conv2d_3",
      "batch_norm_3",
      "max_pool2d_1",
    ]);
    expect(result.models[0]?.output).toEqual([2, 2, 8]);
  });
});

describe("errors in blocks", () => {
  it("reports a problem that does not depend on the use once, in the block", () => {
    const text = "block B() { dense(1.5) }\nmodel M(input: [4]) { B B }";
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM301", marked: "1.5" })]);
  });

  it("reports a use-site value that does not fit a layer in the block at the value", () => {
    const text = "block H(units) {\n  dense(units)\n}\nmodel M(input: [4]) {\n  H(1.5)\n}";
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end), d.message])).toEqual([
      ["DLM301", "1.5", "`units` of dense expects an integer, found 1.5"],
    ]);
    expect(result.diagnostics[0]?.related?.map((r) => [text.slice(r.range.start, r.range.end), r.message])).toEqual([
      ["dense(units)", "used here in block `H`"],
      ["H(1.5)", "in this use of block `H`"],
    ]);
  });

  it("reports a shape error at the outermost use, with the line in the block related", () => {
    const text = `${CONV_BLOCK}\nblock Twice(f: int) { ConvBlock(f) ConvBlock(f) }\nmodel M(input: [784]) {\n  Twice(8)\n}`;
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)])).toEqual([["DLM401", "Twice(8)"]]);
    expect(result.diagnostics[0]?.related?.map((r) => [text.slice(r.range.start, r.range.end), r.message])).toEqual([
      ["conv2d(filters, kernel, padding: same, activation: relu)", "the layer in block `ConvBlock`"],
      ["ConvBlock(f)", "in this use of block `ConvBlock`"],
    ]);
  });

  it("points a window error at the use-site argument that caused it", () => {
    const text = `${CONV_BLOCK.replace("padding: same", "padding: valid")}\nmodel M(input: [4, 4, 1]) { ConvBlock(8, kernel: 7) }`;
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)])).toEqual([["DLM402", "7"]]);
  });

  it("puts errors of a block from another file at the use in this file", () => {
    const result = checkSource('import "lib.dlm"\nmodel M(input: [784]) { Conv(8) }', "main.dlm", {
      "lib.dlm": "block Conv(f: int) { conv2d(f, 3) }",
    });
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([["DLM401", "main.dlm"]]);
    expect(result.diagnostics[0]?.related?.[0]?.file).toBe("lib.dlm");
  });
});

describe("layerAt", () => {
  const text = `${CONV_BLOCK}\nmodel M(input: [16, 16, 3]) {\n  ConvBlock(8)\n  flatten\n}`;
  const result = checkSource(text);

  it("finds the layer call at a position", () => {
    expect(result.layerAt("input.dlm", text.indexOf("flatten"))?.output).toEqual([2048]);
  });

  it("finds the last layer of a block use (the block's output)", () => {
    expect(result.layerAt("input.dlm", text.indexOf("ConvBlock(8)") + 2)?.name).toBe("batch_norm");
  });

  it("finds a layer inside a block body", () => {
    expect(result.layerAt("input.dlm", text.indexOf("conv2d("))?.output).toEqual([16, 16, 8]);
  });

  it("finds nothing between layers", () => {
    expect(result.layerAt("input.dlm", text.indexOf("model"))).toBeUndefined();
  });
});
