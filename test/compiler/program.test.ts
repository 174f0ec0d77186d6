import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { inMemoryCompilerHost } from "../../compiler/host.js";
import { checkProgram, checkSource } from "../../compiler/program.js";
import { reportedIn } from "./checked-source.js";

describe("checkProgram", () => {
  it("reports five independent errors in one run", () => {
    const text = [
      "model A(input: [784]) {",
      "  dnese(128)", // DLM201
      "}",
      "model B(input: [784]) {",
      "  dense(64)",
      "  dropout(1.5)", // DLM302
      "  dense(10)",
      "}",
      "model C(input: [784]) {",
      "  conv2d(32, 3)", // DLM401
      "}",
      "model D(input: [8, 8, 16]) {",
      "  residual { conv2d(32, 3, padding: same) }", // DLM404
      "}",
      "experiment e {",
      '  data { source: builtin("mnist") }',
      "  model: Nte", // DLM207
      "  train { loss: sparse_categorical_crossentropy, epochs: 1 }",
      "}",
    ].join("\n");
    expect(reportedIn(text).map((r) => [r.code, r.marked])).toEqual([
      ["DLM201", "dnese"],
      ["DLM302", "1.5"],
      ["DLM401", "conv2d(32, 3)"],
      ["DLM404", "residual"],
      ["DLM207", "Nte"],
    ]);
  });

  it("skips the checker for a file with syntax errors, but checks the others", () => {
    const result = checkSource('import "broken.dlm"\nmodel M(input: [4]) { Stem dense(1.5) }', "main.dlm", {
      "broken.dlm": "block Stem() { dense(8) }\nmodel X(input: [4]) { dense(1.5) dropout(2 }",
    });
    expect(result.diagnostics.map((d) => [d.file, d.code.slice(0, 4)])).toEqual([
      ["broken.dlm", "DLM1"],
      ["main.dlm", "DLM3"],
    ]);
    expect(result.models.map((model) => model.name)).toEqual(["M"]);
  });

  it("reports a root file that cannot be read", () => {
    const result = checkProgram(["missing.dlm"], inMemoryCompilerHost({}));
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([["DLM211", "missing.dlm"]]);
  });

  it("lists declarations with docs, and resolves references", () => {
    const text = "/// Two dense layers.\nblock Hidden() { dense(8) dense(8) }\nmodel Net { Hidden dense(1) }\nexperiment e { model: Net }";
    const result = checkSource(text);
    expect(result.symbols.map((s) => [s.kind, s.name, s.doc?.trim()])).toEqual([
      ["block", "Hidden", "Two dense layers."],
      ["model", "Net", undefined],
      ["experiment", "e", undefined],
    ]);
    expect(result.references.map((r) => [text.slice(r.range.start, r.range.end), r.symbol.kind])).toEqual([
      ["Hidden", "block"],
      ["Net", "model"],
    ]);
  });

  it("expands models without input and inline experiment models, without inferring shapes", () => {
    const text = "model Net { dense(8) }\nexperiment e {\n  model { dense(4) dense(1) }\n}";
    const result = checkSource(text);
    expect(result.models).toEqual([]);
    expect(result.expandedModels.map((m) => [m.name, m.declaration.kind, m.graph.nodes.length, m.graph.complete])).toEqual([
      ["Net", "Model", 1, true],
      ["e", "InlineModel", 2, true],
    ]);
  });

  it("checks layer arguments of inline models", () => {
    const text = 'experiment e {\n  data { source: builtin("iris") }\n  model { dense(0) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}';
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM302", marked: "0" })]);
  });
});

describe("pretrained", () => {
  let modelJson = "";
  beforeAll(async () => {
    const base = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [4], name: "hidden" }), tf.layers.dense({ units: 3, name: "out" })],
    });
    await base.save(
      tf.io.withSaveHandler(async (artifacts) => {
        modelJson = JSON.stringify({ modelTopology: artifacts.modelTopology, format: "layers-model", weightsManifest: [] });
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
  });

  it("reads the saved model's shapes relative to the .dlm file", () => {
    const result = checkSource('model T(input: [4]) {\n  pretrained("base/model.json", until: hidden)\n  dense(2)\n}', "app/t.dlm", {
      "app/base/model.json": modelJson,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.models[0]?.layers.map((l) => [l.kind, l.output, l.params, l.trainableParams])).toEqual([
      ["pretrained", [8], 40, 0],
      ["dense", [2], 18, 18],
    ]);
  });

  it("reports an unknown layer name (DLM206) and a missing file (DLM207)", () => {
    const files = { "base/model.json": modelJson };
    expect(reportedIn('model T(input: [4]) { pretrained("base/model.json", until: hiden) }', files)).toEqual([
      expect.objectContaining({ code: "DLM206", marked: "hiden" }),
    ]);
    expect(reportedIn('model T(input: [4]) { pretrained("nope/model.json") }', files)).toEqual([
      expect.objectContaining({ code: "DLM207", marked: '"nope/model.json"' }),
    ]);
  });
});

describe("robustness", () => {
  const samples = readdirSync("samples")
    .filter((name) => name.endsWith(".dlm"))
    .map((name) => readFileSync(`samples/${name}`, "utf8"));
  const fragments = [
    "model", "block", "experiment", "import", "residual", "repeat", "M", "B", "dense", "conv2d", "x", "=", ":", ",",
    "(", ")", "{", "}", "[", "]", "?", "1", "0", "-1", "2.5", "1 / 0", '"s"', "input", "relu", "true", "\n", " ",
  ];

  it("never throws on token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), (parts) => {
        const result = checkSource(parts.join(" "));
        expect(Array.isArray(result.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on damaged samples", () => {
    fc.assert(
      fc.property(fc.nat(samples.length - 1), fc.nat(), fc.nat(40), fc.constantFrom(...fragments), (which, at, length, insert) => {
        const sample = samples[which] ?? "";
        const start = at % (sample.length + 1);
        checkSource(sample.slice(0, start) + insert + sample.slice(start + length));
      }),
      { numRuns: 120 },
    );
  });

  it("never throws on well-formed models with arbitrary arguments", () => {
    const layer = fc.tuple(
      fc.constantFrom("dense", "conv2d", "max_pool2d", "reshape", "lstm", "flatten", "dropout", "embedding", "bidirectional", "zero_pad2d"),
      fc.array(fc.constantFrom("0", "1", "3", "-2", "0.5", "[2, 2]", "[]", "[?]", "relu", "lstm(4)", '"x"', "same", "padding: same", "units: 2"), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), fc.array(layer, { maxLength: 6 }), (input, layers) => {
        const body = layers.map(([name, args]) => `${name}(${args.join(", ")})`).join("\n");
        checkSource(`block B(n: int = 2) { repeat n { ${body} } }\nmodel M(input: [${input.join(", ")}]) { ${body}\nresidual { ${body} } B }`);
      }),
      { numRuns: 300 },
    );
  });
});
