import { describe, expect, it } from "vitest";
import { makeDiagnostic, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { lineColumn, renderDiagnostic, summaryLine } from "../../diagnostics/render.js";
import { parseDlm } from "../../grammar/parse.js";

const SOURCE = ["model SmallCnn(input: [28, 28, 1]) {", "  conv2d(32, 3 activation: relu)", "  dense(10)", "}"].join(
  "\n",
);

function at(text: string, start: number, length: number): { start: number; end: number } {
  return { start, end: start + length };
}

describe("renderDiagnostic", () => {
  it("prints header, location, the line and carets under the range, then notes and help", () => {
    const start = SOURCE.indexOf("activation");
    const diagnostic = makeDiagnostic("DLM101", "samples/mnist.dlm", at(SOURCE, start, "activation".length), {
      message: "expected `,` or `)` in the argument list of `conv2d`, found `activation`",
      notes: ["arguments are separated by commas"],
      help: "write `3, activation: relu`",
    });
    expect(renderDiagnostic(diagnostic, SOURCE)).toBe(
      [
        "error[DLM101]: expected `,` or `)` in the argument list of `conv2d`, found `activation`",
        "  --> samples/mnist.dlm:2:16",
        "   |",
        " 2 |   conv2d(32, 3 activation: relu)",
        "   |                ^^^^^^^^^^",
        "   = note: arguments are separated by commas",
        "   = help: write `3, activation: relu`",
      ].join("\n"),
    );
  });

  it("prints one caret for a zero-length range, even at the end of a line", () => {
    const end = SOURCE.indexOf("\n");
    // DLM510 is a warning in the catalog, and makeDiagnostic takes the severity from there.
    const diagnostic = makeDiagnostic("DLM510", "m.dlm", at(SOURCE, end, 0), {
      message: "expected a layer",
    });
    expect(renderDiagnostic(diagnostic, SOURCE)).toBe(
      [
        "warning[DLM510]: expected a layer",
        "  --> m.dlm:1:37",
        "   |",
        " 1 | model SmallCnn(input: [28, 28, 1]) {",
        "   |                                     ^",
      ].join("\n"),
    );
  });

  it("underlines a range over several lines to the end of its first line", () => {
    const start = SOURCE.indexOf("conv2d");
    const diagnostic = makeDiagnostic(
      "DLM404",
      "m.dlm",
      { start, end: SOURCE.indexOf("dense") + 5 },
      {
        message: "spans two layers",
      },
    );
    expect(renderDiagnostic(diagnostic, SOURCE).split("\n").slice(3)).toEqual([
      " 2 |   conv2d(32, 3 activation: relu)",
      "   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    ]);
  });

  it("prints related locations with their own arrow and line, in this or another file", () => {
    const blocks = "block ConvBn(filters: int) {\n  conv2d(filters, 3)\n}";
    const text = Array.from({ length: 9 }, () => "").join("\n") + "\nmodel A { ConvBn(0) }";
    const use = text.indexOf("ConvBn(0)");
    const diagnostic = makeDiagnostic("DLM302", "main.dlm", at(text, use, 9), {
      message: "filters must be positive, found 0",
      related: [
        {
          file: "blocks.dlm",
          range: at(blocks, blocks.indexOf("conv2d"), 18),
          message: "used here, inside block `ConvBn`",
        },
        { file: "gone.dlm", range: at("", 0, 0), message: "also declared here" },
      ],
    });
    const rendered = renderDiagnostic(diagnostic, text, {
      readSource: (file) => (file === "blocks.dlm" ? blocks : undefined),
    });
    expect(rendered).toBe(
      [
        "error[DLM302]: filters must be positive, found 0",
        "   --> main.dlm:10:11",
        "    |",
        " 10 | model A { ConvBn(0) }",
        "    |           ^^^^^^^^^",
        "note: used here, inside block `ConvBn`",
        "   --> blocks.dlm:2:3",
        "    |",
        "  2 |   conv2d(filters, 3)",
        "    |   ^^^^^^^^^^^^^^^^^^",
        "note: also declared here",
        "   --> gone.dlm",
      ].join("\n"),
    );
  });

  it("expands tabs and hides control characters so the carets stay aligned", () => {
    const text = "model A {\n\tdense(1) \u0000 x\n}";
    const start = text.indexOf("x");
    const diagnostic = makeDiagnostic("DLM201", "t.dlm", at(text, start, 1), { message: "unknown layer `x`" });
    expect(renderDiagnostic(diagnostic, text).split("\n").slice(1)).toEqual([
      "  --> t.dlm:2:13",
      "   |",
      " 2 |     dense(1) \uFFFD x",
      "   |                ^",
    ]);
  });

  it("shows a window of a very long line", () => {
    const text = `${"a".repeat(500)}@${"b".repeat(500)}`;
    const diagnostic = makeDiagnostic("DLM104", "t.dlm", at(text, 500, 1), { message: "unexpected character `@`" });
    const [, , , line, carets] = renderDiagnostic(diagnostic, text).split("\n");
    expect(line).toBe(` 1 | ...${"a".repeat(60)}@${"b".repeat(99)}...`);
    expect(carets).toBe(`   | ${" ".repeat(63)}^`);
  });

  it("colors the severity, gutter and carets only when asked", () => {
    const diagnostic = makeDiagnostic("DLM101", "m.dlm", at(SOURCE, 0, 5), { message: "m" });
    const colored = renderDiagnostic(diagnostic, SOURCE, { color: true });
    expect(colored.split("\n")[0]).toBe("\u001b[1;31merror[DLM101]\u001b[0m\u001b[1m: m\u001b[0m");
    expect(colored).toContain("\u001b[1;34m-->\u001b[0m");
    expect(colored).toContain("\u001b[1;31m^^^^^\u001b[0m");
    expect(renderDiagnostic(diagnostic, SOURCE)).not.toContain("\u001b");
  });

  it("renders what the parser reports, end to end", () => {
    const text = "model A {\n  conv2d(32, 3,\n  dense(1)\n}\n";
    const [diagnostic] = parseDlm(text, "a.dlm").diagnostics;
    expect(renderDiagnostic(diagnostic!, text)).toBe(
      [
        "error[DLM101]: expected `)` to close the argument list of `conv2d`, found `}`",
        "  --> a.dlm:3:11",
        "   |",
        " 3 |   dense(1)",
        "   |           ^",
        "note: `(` opened here",
        "  --> a.dlm:2:9",
        "   |",
        " 2 |   conv2d(32, 3,",
        "   |         ^",
      ].join("\n"),
    );
  });
});

describe("lineColumn", () => {
  it("counts lines and columns from 1, with \\n, \\r\\n and \\r line breaks", () => {
    const text = "ab\ncd\r\nef\rgh";
    expect(lineColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn(text, 2)).toEqual({ line: 1, column: 3 });
    expect(lineColumn(text, 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn(text, 6)).toEqual({ line: 2, column: 4 });
    expect(lineColumn(text, 7)).toEqual({ line: 3, column: 1 });
    expect(lineColumn(text, 10)).toEqual({ line: 4, column: 1 });
  });

  it("clamps offsets outside the text", () => {
    expect(lineColumn("a\nb", 99)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("a\nb", -5)).toEqual({ line: 1, column: 1 });
  });
});

describe("summaryLine", () => {
  const of = (severity: Diagnostic["severity"]): Diagnostic =>
    ({ ...makeDiagnostic("DLM101", "f.dlm", { start: 0, end: 0 }, { message: "m" }), severity });

  it.each<[string, Diagnostic[], string]>([
    ["errors and a warning", [of("error"), of("warning"), of("error")], "error: 2 errors, 1 warning found"],
    ["one error", [of("error")], "error: 1 error found"],
    ["warnings only", [of("warning"), of("warning")], "warning: 2 warnings found"],
    ["notes only", [of("info")], "note: 1 note found"],
    ["nothing", [], "no problems found"],
  ])("%s", (_name, diagnostics, expected) => {
    expect(summaryLine(diagnostics)).toBe(expected);
  });
});
