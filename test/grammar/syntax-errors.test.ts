import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDlm } from "../../grammar/parse.js";
import { MAX_NESTING } from "../../grammar/parser.js";
import { lineColumn } from "../../diagnostics/render.js";
import { SYNTAX, SYNTAX_MESSAGES } from "../../diagnostics/catalog/syntax.js";
import { allNodes, printAst } from "./print-ast.js";

interface Reported {
  readonly code: string;
  readonly line: number;
  /** The text under the diagnostic's range ("" for a zero-length range). */
  readonly at: string;
  readonly message: string;
}

function report(text: string): Reported[] {
  return parseDlm(text, "test.dlm").diagnostics.map((d) => ({
    code: d.code,
    line: lineColumn(text, d.range.start).line,
    at: text.slice(d.range.start, d.range.end),
    message: d.message,
  }));
}

/** The one diagnostic `text` produces. */
function single(text: string): Reported {
  const all = report(text);
  expect(all).toHaveLength(1);
  return all[0]!;
}

/** Properties every parse result has, whatever the input. */
function expectSound(text: string): void {
  const { ast, diagnostics } = parseDlm(text, "fuzz.dlm");
  for (const d of diagnostics) {
    expect(d.code).not.toBe(SYNTAX.internalError);
    expect(0 <= d.range.start && d.range.start <= d.range.end && d.range.end <= text.length).toBe(true);
    // Chevrotain's own wording (and our JSON channel) never reaches the user.
    expect(d.message).not.toMatch(/Expecting|-->|<--|"kind"|but found/);
  }
  for (const { node } of allNodes(ast)) {
    expect(0 <= node.range.start && node.range.start <= node.range.end && node.range.end <= text.length).toBe(true);
  }
}

describe("parser errors are worded in the language's terms", () => {
  it.each<[string, string, Partial<Reported>]>([
    [
      "a missing comma between arguments",
      "model A {\n  conv2d(32, 3 activation: relu)\n}",
      {
        line: 2,
        at: "activation",
        message: "expected `,` or `)` in the argument list of `conv2d`, found `activation`",
      },
    ],
    [
      "an argument list never closed",
      "model A {\n  conv2d(32, 3,\n  dense(1)\n}",
      { line: 3, at: "", message: "expected `)` to close the argument list of `conv2d`, found `}`" },
    ],
    [
      "a setting without its value at the end of a line",
      "experiment e {\n  epochs:\n  batch_size: 3\n}",
      { line: 2, at: "", message: "expected a value after `epochs:`, found `batch_size`" },
    ],
    [
      "a setting without its value before `}`",
      "experiment e { epochs: }",
      { line: 1, at: "}", message: "expected a value after `epochs:`, found `}`" },
    ],
    [
      "a body never closed before the next declaration",
      "model A {\n  dense(1)\nexperiment e { seed: 1 }",
      { line: 2, at: "", message: "expected `}` to close the body of model `A`, found `experiment`" },
    ],
    [
      "a file ending inside an experiment",
      "experiment e {\n  data { x: { a: 1 } }",
      { line: 2, at: "", message: "expected `}` to close experiment `e`, found the end of the file" },
    ],
    ["a stray `)` in a model", "model A { dense(1) ) dense(2) }", { at: ")", message: "unexpected `)`" }],
    ["a stray `}` after a model", "model A { dense(1) }\n}", { line: 2, at: "}", message: "unexpected `}`" }],
    [
      "something that is not a declaration",
      "foo bar\nmodel A { flatten }",
      { at: "foo", message: "expected a declaration (`model`, `block`, `experiment` or `import`), found `foo`" },
    ],
    [
      "an input shape whose `)` is missing",
      "model A(input: [1, 2] { dense(1) }",
      { at: "{", message: "expected `)` to close the input of model `A`, found `{`" },
    ],
    [
      "a misspelt `input`",
      "model A(inptu: [1]) { dense(1) }",
      { at: "inptu", message: "expected `input:` in the header of model `A`, found `inptu`" },
    ],
    ["a model without a name", "model { dense(1) }", { at: "{", message: "expected a name after `model`, found `{`" }],
    [
      "a block without parameter list",
      "block B { dense(1) }",
      { at: "{", message: "expected `(` to start the parameter list of block `B`, found `{`" },
    ],
    [
      "a layer where the body should open",
      "model A(input: [1, 2]) dense(1) }",
      { at: "dense", message: "expected `{` to start the body of model `A`, found `dense`" },
    ],
    [
      "a missing comma in a list",
      "experiment e { x: [1, 2 3] }",
      { at: "3", message: "expected `,` or `]` in the list, found `3`" },
    ],
    [
      "an object entry without a key",
      "experiment e { x: { a: 1, : 2 } }",
      { at: ":", message: "expected `key: value` in the object, found `:`" },
    ],
    [
      "an import without a path",
      "import\nmodel A { flatten }",
      { line: 1, at: "", message: "expected a file path string after `import`, found `model`" },
    ],
    [
      "a repeat without a count",
      "model A { repeat { dense(1) } }",
      { at: "{", message: "expected a count after `repeat`, found `{`" },
    ],
    [
      "an operator without its right operand",
      "model A { dense(1 + ) }",
      { at: ")", message: "expected a value after `+`, found `)`" },
    ],
    [
      "a junk token in a section",
      "experiment e {\n  train {\n    epochs: 3\n    )\n  }\n}",
      { line: 4, at: ")", message: "unexpected `)`" },
    ],
    [
      "`model` in an experiment without `:` or a body",
      "experiment e {\n  model) SmallCnn\n}",
      { line: 2, at: ")", message: "expected `:` or `{` after `model`, found `)`" },
    ],
    [
      "a junk token in a model body",
      "model A {\n  dense(1)\n  :\n}",
      { line: 3, at: ":", message: "expected a layer in the body of model `A`, found `:`" },
    ],
  ])("%s", (_name, text, expected) => {
    expect(single(text)).toMatchObject({ code: "DLM101", ...expected });
  });

  it("points at the bracket left open when it is on another line", () => {
    const text = "model A {\n  conv2d(32, 3,\n  dense(1)\n}";
    const [diagnostic] = parseDlm(text, "test.dlm").diagnostics;
    expect(diagnostic?.related).toEqual([
      { file: "test.dlm", range: { start: 18, end: 19 }, message: "`(` opened here" },
    ]);
    expect(text[18]).toBe("(");
  });

  it("reports positional arguments after named ones (DLM107)", () => {
    expect(single("model A { dense(activation: relu, 64) }")).toEqual({
      code: "DLM107",
      line: 1,
      at: "64",
      message: "positional argument after the named argument `activation:`",
    });
  });
});

describe("lexical errors", () => {
  it("reports an unterminated string and reads on", () => {
    const text = 'experiment e {\n  export: "runs/model\n  seed: 1\n}\nmodel B { flatten }';
    expect(report(text)).toEqual([{ code: "DLM102", line: 2, at: '"runs/model', message: "unterminated string" }]);
    const { ast } = parseDlm(text, "test.dlm");
    expect(printAst(ast)).toBe('experiment e\n  export: "runs/model"\n  seed: 1\nmodel B\n  flatten');
  });

  it("reports an unterminated block comment at its `/*`", () => {
    expect(report("model A { flatten }\n/* note\nmodel B { flatten }")).toEqual([
      { code: "DLM103", line: 2, at: "/*", message: "unterminated block comment: `/*` has no closing `*/`" },
    ]);
  });

  it("reports stray characters, one diagnostic per run, and ignores them", () => {
    const text = "model A {\n  dense(1) @@\n  flatten # \u0000\n}";
    expect(report(text)).toEqual([
      { code: "DLM104", line: 2, at: "@@", message: "unexpected characters `@@`" },
      { code: "DLM104", line: 3, at: "#", message: "unexpected character `#`" },
      { code: "DLM104", line: 3, at: "\u0000", message: "unexpected character `\\u{0}`" },
    ]);
    expect(printAst(parseDlm(text, "t.dlm").ast)).toBe("model A\n  dense(1)\n  flatten");
  });

  it("reports invalid escapes at the escape itself", () => {
    expect(report('experiment e { source: csv("C:\\data") }')).toEqual([
      { code: "DLM105", line: 1, at: "\\d", message: "invalid escape `\\d` in string" },
    ]);
  });

  it("reports invalid and overflowing numbers, leaving placeholders in the tree", () => {
    const text = "model A(input: [28x28]) { dense(1e999) dropout(.5.) }";
    expect(report(text).map((r) => [r.code, r.at, r.message])).toEqual([
      ["DLM106", "28x28", "invalid number `28x28`"],
      ["DLM106", "1e999", "number `1e999` is too large"],
      ["DLM106", ".5.", "invalid number `.5.`"],
    ]);
    expect(printAst(parseDlm(text, "t.dlm").ast)).toBe(
      "model A input [<invalid 28x28>]\n  dense(<invalid 1e999>)\n  dropout(<invalid .5.>)",
    );
  });
});

describe("recovery", () => {
  const TWO_ERRORS = [
    "model A {",
    "  conv2d(32 3)",
    "  flatten",
    "}",
    "experiment e {",
    "  epochs:",
    "  model: A",
    "}",
    "model B { dense(10) }",
  ].join("\n");

  it("reports two independent errors, each on its own line", () => {
    expect(report(TWO_ERRORS)).toEqual([
      {
        code: "DLM101",
        line: 2,
        at: "3",
        message: "expected `,` or `)` in the argument list of `conv2d`, found `3`",
      },
      { code: "DLM101", line: 6, at: "", message: "expected a value after `epochs:`, found `model`" },
    ]);
  });

  it("keeps the declarations around and after the errors, with placeholders for what is missing", () => {
    const { ast } = parseDlm(TWO_ERRORS, "test.dlm");
    expect(printAst(ast)).toBe(
      [
        "model A",
        "  conv2d(32)",
        "  flatten",
        "experiment e",
        "  epochs: <missing>",
        "  model: A",
        "model B",
        "  dense(10)",
      ].join("\n"),
    );
    const epochs = ast.declarations[1]?.kind === "Experiment" ? ast.declarations[1].members[0] : undefined;
    expect(epochs).toMatchObject({ kind: "Setting", value: { kind: "Missing", missing: true } });
    if (epochs?.kind !== "Setting") throw new Error("expected a setting");
    expect(epochs.value.range).toEqual({
      start: TWO_ERRORS.indexOf("epochs:") + 7,
      end: TWO_ERRORS.indexOf("epochs:") + 7,
    });
  });

  it("fills a missing name with an empty placeholder identifier", () => {
    const { ast } = parseDlm("model { dense(1) }\nmodel B { flatten }", "test.dlm");
    expect(ast.declarations.map((d) => d.name)).toEqual([
      { kind: "Identifier", name: "", missing: true, range: { start: 5, end: 5 } },
      { kind: "Identifier", name: "B", range: { start: 25, end: 26 } },
    ]);
  });

  it("reads the rest of the file after unbalanced brackets", () => {
    const text = "model A { dense(1 }\nmodel B { dense((2) }\nmodel C { ]] flatten }\nmodel D { flatten }";
    const { ast, diagnostics } = parseDlm(text, "test.dlm");
    expect(diagnostics.map((d) => lineColumn(text, d.range.start).line)).toEqual([1, 2, 3]);
    expect(ast.declarations.map((d) => d.name.name)).toEqual(["A", "B", "C", "D"]);
  });
});

describe("robustness", () => {
  it("caps the diagnostics of a 2 MB binary file and never throws", () => {
    let seed = 42;
    const bytes = new Uint8Array(2_000_000).map(() => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed >> 23;
    });
    const text = new TextDecoder("latin1").decode(bytes);
    const { diagnostics } = parseDlm(text, "garbage.dlm");
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(101);
    expect(diagnostics.map((d) => d.code)).not.toContain(SYNTAX.internalError);
    expect(diagnostics[diagnostics.length - 1]).toMatchObject({
      code: SYNTAX.tooManyErrors,
      message: "too many syntax errors; stopped reporting here",
    });
  });

  it("stops recovering after many parser errors but keeps what came before", () => {
    const text = "model First { flatten }\n" + "model M { dense(1) ) }\n".repeat(500);
    const { ast, diagnostics } = parseDlm(text, "many.dlm");
    expect(ast.declarations[0]?.name.name).toBe("First");
    expect(diagnostics.length).toBeLessThanOrEqual(101);
    expect(diagnostics.at(-1)?.code).toBe(SYNTAX.tooManyErrors);
  });

  it.each([
    ["brackets", `experiment e { x: ${"[".repeat(20_000)}1${"]".repeat(20_000)} }`],
    ["open brackets", `model A { dense(${"(".repeat(20_000)}`],
    ["signs", `experiment e { x: ${"-".repeat(20_000)}1 }`],
    ["operators", `experiment e { x: 1${" + 1".repeat(20_000)} }`],
  ])("rejects nesting beyond the limit (%s) with DLM108, not a stack overflow", (_name, text) => {
    const { diagnostics } = parseDlm(text, "deep.dlm");
    expect(diagnostics.map((d) => d.code)).toContain(SYNTAX.nestingTooDeep);
    expectSound(text);
  });

  it(`accepts nesting up to the limit (${MAX_NESTING})`, () => {
    const depth = MAX_NESTING - 2; // the experiment's braces and the list's own bracket
    expect(report(`experiment e { x: ${"[".repeat(depth)}1${"]".repeat(depth)} }`)).toEqual([]);
  });

  it("never throws and keeps every range inside the text, for any text", () => {
    const anyText = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 })
      .map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(anyText, (text) => expectSound(text)),
      { numRuns: 200 },
    );
  });

  it("never throws and keeps every range inside the text, for any sequence of DLM tokens", () => {
    const fragment = fc.constantFrom(
      "model",
      "block",
      "experiment",
      "import",
      "residual",
      "repeat",
      "true",
      "false",
      "input",
      "x",
      "dense",
      "data",
      "{",
      "}",
      "(",
      ")",
      "[",
      "]",
      ":",
      ",",
      ";",
      "=",
      "+",
      "-",
      "*",
      "/",
      "?",
      "1",
      "2.5",
      "1e-3",
      '"s"',
      '"open',
      "/*",
      "*/",
      "///",
      "\n",
      "@",
    );
    const program = fc.array(fragment, { maxLength: 80 }).map((parts) => parts.join(" "));
    fc.assert(
      fc.property(program, (text) => expectSound(text)),
      { numRuns: 300 },
    );
  });
});

describe("the syntax catalog", () => {
  const triggerable = SYNTAX_MESSAGES.filter(
    (entry) => entry.code !== SYNTAX.internalError && entry.code !== SYNTAX.tooManyErrors,
  );

  it.each(triggerable.map((entry) => [entry.code, entry] as const))(
    "%s: the wrong snippet reports it, the fixed one parses clean",
    (_code, entry) => {
      expect(parseDlm(entry.wrong, "wrong.dlm").diagnostics.map((d) => d.code)).toContain(entry.code);
      expect(parseDlm(entry.fixed, "fixed.dlm").diagnostics).toEqual([]);
    },
  );

  it("has one entry per syntax code", () => {
    expect(SYNTAX_MESSAGES.map((entry) => entry.code).sort()).toEqual(Object.values(SYNTAX).sort());
  });
});
