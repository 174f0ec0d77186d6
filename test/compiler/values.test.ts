import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/program.js";
import { codesIn, reportedIn } from "./checked-source.js";

const inModel = (layers: string, input = "[784]"): string => `model M(input: ${input}) {\n  ${layers}\n}`;

describe("DLM301 wrong type", () => {
  it("names the parameter, the expected type and the value", () => {
    expect(reportedIn(inModel("dense(1.5)"))).toEqual([
      { code: "DLM301", marked: "1.5", message: "`units` of dense expects an integer, found 1.5" },
    ]);
    expect(reportedIn(inModel('dense("ten")'))).toEqual([
      { code: "DLM301", marked: '"ten"', message: '`units` of dense expects an integer, found the string "ten"' },
    ]);
    expect(reportedIn(inModel("dense(4, use_bias: 3)"))).toEqual([
      { code: "DLM301", marked: "3", message: "`use_bias` of dense expects `true` or `false`, found 3" },
    ]);
  });

  it("marks the offending item of a list", () => {
    expect(reportedIn(inModel("conv2d(8, [3, 2.5])", "[28, 28, 1]"))).toEqual([
      expect.objectContaining({ code: "DLM301", marked: "2.5" }),
    ]);
  });

  it("folds arithmetic before checking", () => {
    expect(codesIn(inModel("dense(256 / 2)"))).toEqual([]);
    expect(reportedIn(inModel("dense(3 / 2)"))).toEqual([
      { code: "DLM301", marked: "3 / 2", message: "`units` of dense expects an integer, found 1.5" },
    ]);
  });

  it("reports arithmetic on a non-number", () => {
    expect(reportedIn(inModel('dense(2 * "a")'))).toEqual([expect.objectContaining({ code: "DLM301", marked: '"a"' })]);
  });

  it("checks block arguments against declared types", () => {
    const text = "block H(units: int) { dense(units) }\nmodel M(input: [4]) { H(2.5) }";
    expect(reportedIn(text)).toEqual([
      { code: "DLM301", marked: "2.5", message: "`units` of block `H` expects an integer, found 2.5" },
    ]);
  });

  it("checks block defaults against declared types", () => {
    expect(reportedIn('block H(units: int = "x") { dense(units) }')).toEqual([
      expect.objectContaining({ code: "DLM301", marked: '"x"' }),
    ]);
  });

  it("checks a typed parameter against the layer parameter it fills", () => {
    expect(reportedIn("block H(units: float) { dense(units) }")).toEqual([
      { code: "DLM301", marked: "units", message: "`units` of dense expects an integer, found parameter `units` of type float" },
    ]);
  });
});

describe("DLM302 out of range", () => {
  it("gives the interval", () => {
    expect(reportedIn(inModel("dropout(1.5)"))).toEqual([
      { code: "DLM302", marked: "1.5", message: "`rate` of dropout must be in [0, 1), found 1.5" },
    ]);
    expect(reportedIn(inModel("dense(-3)"))).toEqual([
      { code: "DLM302", marked: "-3", message: "`units` of dense must be ≥ 1, found -3" },
    ]);
  });

  it("lists the options of an enum and suggests one", () => {
    const result = checkSource(inModel("conv2d(8, 3, padding: smae)", "[28, 28, 1]"));
    expect(result.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      ["DLM302", "`padding` of conv2d must be one of `valid`, `same`, found `smae`", "did you mean `same`?"],
    ]);
  });
});

describe("DLM303 missing required argument", () => {
  it("marks the call and names the missing parameters", () => {
    expect(reportedIn(inModel("conv2d(32)", "[28, 28, 1]"))).toEqual([
      { code: "DLM303", marked: "conv2d(32)", message: "conv2d is missing required argument `kernel`" },
    ]);
    expect(reportedIn(inModel("dense"))).toEqual([
      { code: "DLM303", marked: "dense", message: "dense is missing required argument `units`" },
    ]);
    expect(reportedIn(inModel("conv2d()", "[28, 28, 1]"))[0]?.message).toBe(
      "conv2d is missing required arguments `filters` and `kernel`",
    );
  });

  it("reports a block use without a required argument", () => {
    const text = "block H(units: int) { dense(units) }\nmodel M(input: [4]) { H }";
    expect(reportedIn(text)).toEqual([{ code: "DLM303", marked: "H", message: "block `H` is missing required argument `units`" }]);
  });

  it("does not report a parameter whose name was misspelled as missing", () => {
    expect(codesIn(inModel("dense(unit: 3)"))).toEqual(["DLM202"]);
  });
});

describe("DLM304 too many arguments", () => {
  it("marks the extra positional arguments", () => {
    expect(reportedIn(inModel("dropout(0.5, 0.2, 0.1)"))).toEqual([
      { code: "DLM304", marked: "0.2, 0.1", message: "dropout takes at most 1 argument, found 3" },
    ]);
    expect(reportedIn(inModel("flatten(1)", "[4, 4]"))).toEqual([
      { code: "DLM304", marked: "1", message: "flatten takes no arguments, found 1" },
    ]);
  });
});

describe("DLM305 division by zero", () => {
  it("marks the division", () => {
    expect(reportedIn(inModel("dense(256 / 0)"))).toEqual([
      { code: "DLM305", marked: "256 / 0", message: "division by zero in constant arithmetic" },
    ]);
  });

  it("reports a nested division once", () => {
    expect(reportedIn(inModel("dense(4 + 1 / 0 * 2)"))).toEqual([expect.objectContaining({ code: "DLM305", marked: "1 / 0" })]);
  });

  it("checks arithmetic anywhere in the file, experiments included", () => {
    const text = [
      "experiment e {",
      '  data { source: builtin("iris"), normalize: scale(1 / 0) }',
      "  model { dense(3, activation: softmax) }",
      "  train { loss: sparse_categorical_crossentropy, epochs: 1 }",
      "}",
    ].join("\n");
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM305", marked: "1 / 0" })]);
  });

  it("reports a zero that reaches a division through a block argument at the use", () => {
    const text = "block H(d: int) { dense(64 / d) }\nmodel M(input: [4]) { H(4) H(0) }";
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)])).toEqual([["DLM305", "64 / d"]]);
    expect(result.diagnostics[0]?.related?.map((r) => text.slice(r.range.start, r.range.end))).toEqual(["H(0)"]);
  });
});

describe("positional after named", () => {
  it("is a syntax error (DLM107) and not reported twice", () => {
    expect(codesIn(inModel("dense(units: 3, relu)"))).toEqual(["DLM107"]);
  });
});

describe("DLM307 layer rules", () => {
  it("points at the argument the rule is about", () => {
    const reported = reportedIn(inModel("conv2d(8, 3, stride: 2, dilation: 2)", "[28, 28, 1]"));
    expect(reported).toHaveLength(1);
    expect(reported[0]?.code).toBe("DLM307");
    expect(reported[0]?.marked).toBe("2");
    expect(reported[0]?.message).toContain("dilation");
  });

  it("checks tuple lengths", () => {
    expect(reportedIn(inModel("conv2d(8, [3, 3, 3])", "[28, 28, 1]"))).toEqual([
      expect.objectContaining({ code: "DLM307", marked: "[3, 3, 3]" }),
    ]);
  });
});

describe("DLM308 repeat count", () => {
  it("needs a positive integer", () => {
    expect(reportedIn(inModel("repeat 0 { dense(4) }"))).toEqual([
      { code: "DLM308", marked: "0", message: "repeat count must be a positive integer, found 0" },
    ]);
    expect(reportedIn(inModel("repeat 2.5 { dense(4) }"))[0]?.code).toBe("DLM308");
    expect(reportedIn(inModel("repeat 5000 { dense(4) }"))[0]?.message).toBe("repeat count 5000 is larger than 1000");
  });

  it("checks a count given through a block parameter at the use", () => {
    const text = "block Stack(n: int) { repeat n { dense(4) } }\nmodel M(input: [4]) { Stack(2) Stack(0) }";
    expect(reportedIn(text)).toEqual([expect.objectContaining({ code: "DLM308", marked: "0" })]);
  });

  it("stops a model that would expand to too many layers", () => {
    const text = inModel("repeat 1000 { repeat 1000 { dense(4) } }");
    const result = checkSource(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["DLM308"]);
    expect(result.diagnostics[0]?.message).toBe("the model expands to more than 10000 layers");
  });
});
