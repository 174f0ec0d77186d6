/**
 * The checks for setups that used to train silently into a useless model: each test checks
 * a small experiment and asserts the code, the line it points at and the help line; the
 * catalog's own snippets trigger their code and the fixed ones check clean.
 */
import { describe, expect, it } from "vitest";
import { checkSource } from "../../../compiler/program.js";
import { OUTCOME_MESSAGES } from "../../../diagnostics/catalog/outcomes.js";
import { checkExperimentsIn } from "../experiments/checked-experiments.js";

const TWO_SPECIES = "length,width,species\n5.1,3.5,setosa\n6.3,3.3,virginica\n4.9,3.0,setosa\n7.1,3.0,virginica\n";
const ONE_SPECIES = "length,width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n4.7,3.2,setosa\n";
const FILES = { "flowers.csv": TWO_SPECIES, "setosa.csv": ONE_SPECIES, "empty.csv": "length,width,species\n" };

/** Every diagnostic of `text` with its 1-based line, checked next to `files`. */
function diagnosticsOf(text: string, files: Readonly<Record<string, string>> = FILES) {
  const checked = checkExperimentsIn(text, files);
  const all = [...checked.result.diagnostics, ...checked.experiments.diagnostics];
  return all.map((diagnostic) => ({
    code: diagnostic.code,
    line: text.slice(0, diagnostic.range.start).split("\n").length,
    marked: text.slice(diagnostic.range.start, diagnostic.range.end),
    message: diagnostic.message,
    help: diagnostic.help ?? "",
  }));
}

function experiment(model: string, data: string, loss = "sparse_categorical_crossentropy"): string {
  return `experiment e {\n  data {\n    ${data}\n  }\n  model {\n    dense(8, activation: relu)\n    ${model}\n  }\n  train { loss: ${loss}, epochs: 1 }\n}\n`;
}

describe("DLM413: softmax over one unit", () => {
  it("reports `dense(1, activation: softmax)` at its line, for a regression as for a classifier", () => {
    const text = experiment("dense(1, activation: softmax)", 'source: builtin("boston_housing")', "mse");
    const found = diagnosticsOf(text).filter((d) => d.code === "DLM413");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 7, marked: "dense(1, activation: softmax)" });
    expect(found[0]!.message).toContain("always 1");
    expect(found[0]!.help).toContain("activation: sigmoid");
  });

  it("reports a `softmax` layer after one unit, in a model checked on its own", () => {
    const text = "model M(input: [4]) {\n  dense(1)\n  softmax\n}\n";
    const found = checkSource(text, "main.dlm").diagnostics.filter((d) => d.code === "DLM413");
    expect(found.map((d) => text.slice(0, d.range.start).split("\n").length)).toEqual([3]);
  });

  it("does not report a softmax over two units or more", () => {
    const text = experiment("dense(2, activation: softmax)", 'source: csv("flowers.csv", label: species)');
    expect(diagnosticsOf(text)).toEqual([]);
  });
});

describe("DLM530: one class, and no `dense(1, softmax)` suggested for it", () => {
  it("reports a label column with one value at the source, and suggests no output layer", () => {
    const text = experiment("dense(3, activation: softmax)", 'source: csv("flowers.csv", label: species)');
    const found = diagnosticsOf(text, { "flowers.csv": ONE_SPECIES });
    expect(found.map((d) => d.code)).toEqual(["DLM530"]);
    expect(found[0]).toMatchObject({ line: 3, marked: 'csv("flowers.csv", label: species)' });
    expect(found[0]!.message).toContain('one class ("setosa")');
    expect(found[0]!.help).toContain("task: regression");
    expect(found.some((d) => /dense\(1, activation: softmax\)/.test(d.help))).toBe(false);
  });
});

describe("DLM531: a CSV file with a header and no rows", () => {
  it("reports the file at its path instead of suggesting `dense(0, …)`", () => {
    const text = experiment("dense(3, activation: softmax)", 'source: csv("empty.csv", label: species)');
    const found = diagnosticsOf(text);
    expect(found.map((d) => d.code)).toEqual(["DLM531"]);
    expect(found[0]).toMatchObject({ line: 3, marked: '"empty.csv"' });
    expect(found[0]!.message).toContain("no data rows");
    expect(found[0]!.help).toContain("add rows");
    expect(found.some((d) => d.help.includes("dense(0"))).toBe(false);
  });
});

describe("DLM414: a crop larger than the padded image", () => {
  const mnist = (crop: string) =>
    `experiment e {\n  data {\n    source: builtin("mnist")\n    augment {\n      ${crop}\n    }\n  }\n` +
    "  model { flatten, dense(10, activation: softmax) }\n  train { loss: sparse_categorical_crossentropy, epochs: 1 }\n}\n";

  it("is an error at the size, with the largest size that fits", () => {
    const found = diagnosticsOf(mnist("crop(size: [32, 30], padding: 1)"));
    expect(found.map((d) => d.code)).toEqual(["DLM414"]);
    expect(found[0]).toMatchObject({ line: 5, marked: "size: [32, 30]" });
    expect(found[0]!.message).toBe(
      "crop size [32, 30] is larger than the image: [28, 28] padded by 1 on each side is [30, 30]",
    );
    expect(found[0]!.help).toBe("use a size of at most [30, 30], or raise `padding` to 2");
  });

  it("accepts a crop exactly as large as the padded image", () => {
    expect(diagnosticsOf(mnist("crop(size: [30, 30], padding: 1)"))).toEqual([]);
    expect(diagnosticsOf(mnist("crop(size: [24, 24])"))).toEqual([]);
  });
});

describe("OUTCOME_MESSAGES", () => {
  for (const entry of OUTCOME_MESSAGES) {
    it(`${entry.code}: the wrong snippet triggers it and the fixed one checks clean`, () => {
      const wrong = checkExperimentsIn(entry.wrong, FILES).reported;
      expect(wrong.map((reported) => reported.code)).toContain(entry.code);
      expect(wrong.find((reported) => reported.code === entry.code)?.severity).toBe(entry.severity);
      const fixed = checkExperimentsIn(entry.fixed, FILES).reported;
      expect(fixed.filter((reported) => reported.severity === "error")).toEqual([]);
    });
  }
});
