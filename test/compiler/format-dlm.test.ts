/**
 * `formatDlm`: golden outputs for messy inputs, then the properties every formatting must
 * keep — idempotent, every comment kept in order, the syntax tree unchanged — over the
 * samples, the test cases and randomly mutated versions of them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDlm, LINE_WIDTH } from "../../compiler/format-dlm.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import type { DlmFile } from "../../grammar/ast.js";
import { lexDlm } from "../../grammar/lexer.js";
import { parseDlm } from "../../grammar/parse.js";

/** Formats text that must be valid, failing the test with the diagnostics otherwise. */
function format(text: string): string {
  const result = formatDlm(text, "test.dlm");
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.text;
}

/** The syntax tree of `text` as JSON without source positions (formatting moves every node). */
function shapeOfTree(text: string): string {
  return withoutPositions(parseDlm(text, "test.dlm").ast);
}

function withoutPositions(ast: DlmFile): string {
  return JSON.stringify(ast, (key, value: unknown) => (key === "range" || key === "keyword" ? undefined : value));
}

/** Comment texts in order; trailing blanks of a line comment are trailing whitespace. */
function commentTexts(text: string): string[] {
  return lexDlm(text).comments.map((comment) => comment.image.trimEnd());
}

function dlmFilesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".dlm"))
    .map((path) => join(directory, path))
    .sort();
}

/** Every sample and test case that parses without syntax errors. */
const SOURCES = [...dlmFilesUnder("samples"), ...dlmFilesUnder("test/cases")]
  .map((path) => ({ path, text: readFileSync(path, "utf8") }))
  .filter(({ text }) => !hasErrors(parseDlm(text, "test.dlm").diagnostics));

describe("formatDlm golden outputs", () => {
  it("lays out a messy file canonically", () => {
    const messy = `

import "lib/a.dlm"

import   "lib/b.dlm"   // shared blocks
/// Conv, norm, act.
block ConvBn( filters:int , kernel : int=3, ) { conv2d(filters,kernel,padding:same) ; batch_norm, relu }
// a comment between declarations
model Net ( input : [ 28,28 , 1, ] ) {
    ConvBn(32)      // stem



    residual{ConvBn( 32 ) conv2d(32,3,padding:same)}
  repeat 2 { feats=dense( 64 , activation : relu ) }
  /* block comment */ flatten
  dense(10,activation:softmax)   }
experiment   e{seed:7;data{source:builtin("mnist") split{train:0.8,test:0.2}normalize:scale(1/255) augment{rotate(-10)translate(2)}}
  model:Net
  train{optimizer:adam(learning_rate:1e-3)loss:categorical_crossentropy
    class_weight:{0:1.0;1:2.5 "x":-(1+2)*3}
    metrics:[accuracy,f1,]
    callbacks{}
  }
  model {
  }
  evaluate{on:test,metrics:[accuracy]}   // trailing
  stage warmup { epochs: 1 }
}
// the end
`;
    expect(format(messy)).toBe(`import "lib/a.dlm"
import "lib/b.dlm" // shared blocks

/// Conv, norm, act.
block ConvBn(filters: int, kernel: int = 3) {
  conv2d(filters, kernel, padding: same)
  batch_norm
  relu
}

// a comment between declarations
model Net(input: [28, 28, 1]) {
  ConvBn(32) // stem

  residual { ConvBn(32), conv2d(32, 3, padding: same) }
  repeat 2 { feats = dense(64, activation: relu) }
  /* block comment */ flatten
  dense(10, activation: softmax)
}

experiment e {
  seed: 7
  data {
    source: builtin("mnist")
    split { train: 0.8, test: 0.2 }
    normalize: scale(1 / 255)
    augment { rotate(-10), translate(2) }
  }
  model: Net
  train {
    optimizer: adam(learning_rate: 1e-3)
    loss: categorical_crossentropy
    class_weight: { 0: 1.0, 1: 2.5, "x": -(1 + 2) * 3 }
    metrics: [accuracy, f1]
    callbacks {}
  }
  model {}
  evaluate { on: test, metrics: [accuracy] } // trailing
  stage warmup { epochs: 1 }
}

// the end
`);
  });

  it("keeps comments in awkward places, each in order and on a sensible line", () => {
    const awkward = `// header

/// doc, a blank line away from its model

model A { dense( // units
  10,
  // own line in args
  activation: relu, /* after comma */ ) dense(3 /* x */ , 4) }   /* after A */ model B{}
experiment E {
  loss: // why
    mse
  data { // trailing after brace
  }
  x: {a: 1, // first
   b: 2}
  y: { }
  z: {/* only */}
  w: [ /* c */ 1, - 2, +3, 1 - -2 ]
  /* lead */ early_stopping(patience: 3)
  /* lead2 */
  early_stopping(patience: 4)
  /* multi
     line */ a: 1
}
/// final doc
`;
    expect(format(awkward)).toBe(`// header

/// doc, a blank line away from its model
model A {
  dense( // units
    10,
    // own line in args
    activation: relu /* after comma */)
  dense(3, /* x */ 4)
} /* after A */

model B {}

experiment E {
  loss: // why
    mse
  data { // trailing after brace
  }
  x: { a: 1, // first
    b: 2 }
  y: {}
  z: { /* only */ }
  w: [/* c */ 1, -2, +3, 1 - -2]
  /* lead */ early_stopping(patience: 3)
  /* lead2 */
  early_stopping(patience: 4)
  /* multi
     line */ a: 1
}

/// final doc
`);
  });

  it("keeps a short body written on one line on one line, members separated by `, `", () => {
    expect(format("experiment e {\n data {\n augment { rotate(10) translate(2) } } }")).toBe(
      "experiment e {\n  data {\n    augment { rotate(10), translate(2) }\n  }\n}\n",
    );
    expect(format("model M { dense(10, activation: relu); dropout(0.5) }")).toBe(
      "model M { dense(10, activation: relu), dropout(0.5) }\n",
    );
  });

  it("expands a body written over several lines, even a short one", () => {
    expect(format("experiment e {\n  split { train: 0.8,\n test: 0.2 }\n}")).toBe(
      "experiment e {\n  split {\n    train: 0.8\n    test: 0.2\n  }\n}\n",
    );
  });

  it("keeps bodies inside a one-line body on its line, and expands one that holds a comment", () => {
    expect(format("experiment e { data { source: x split { train: 0.8 } } }")).toBe(
      "experiment e { data { source: x, split { train: 0.8 } } }\n",
    );
    expect(format("experiment e { a: 1 /* why */ }")).toBe("experiment e {\n  a: 1 /* why */\n}\n");
  });

  it(`expands a one-line body whose line would be wider than ${LINE_WIDTH} columns`, () => {
    const metrics = Array.from({ length: 12 }, (_, i) => `metric_${i}`).join(", ");
    const wide = `experiment e {\n  evaluate { on: test, metrics: [${metrics}] }\n}\n`;
    expect(wide.split("\n")[1]!.length).toBeGreaterThan(LINE_WIDTH);
    expect(format(wide)).toBe(`experiment e {\n  evaluate {\n    on: test\n    metrics: [${metrics}]\n  }\n}\n`);
    // Exactly at the width it stays.
    const padding = "x".repeat(LINE_WIDTH - '  evaluate { on: test, name: "" }'.length);
    const fits = `experiment e {\n  evaluate { on: test, name: "${padding}" }\n}\n`;
    expect(fits.split("\n")[1]!.length).toBe(LINE_WIDTH);
    expect(format(fits)).toBe(fits);
  });

  it("expands the outermost body of a line too wide first, keeping an inner body that then fits", () => {
    const split = "split { train: 0.6, validation: 0.2, test: 0.2, stratify: true, shuffle: true }";
    const wide = `experiment e {\n  data { source: builtin("iris"), ${split} }\n}\n`;
    expect(wide.split("\n")[1]!.length).toBeGreaterThan(LINE_WIDTH);
    expect(format(wide)).toBe(`experiment e {\n  data {\n    source: builtin("iris")\n    ${split}\n  }\n}\n`);
  });

  it("keeps at most one blank line between members and none after `{` or before `}`", () => {
    const text = "model M {\n\n\n  dense(1)\n\n\n\n  dense(2)\n  dense(3)\n\n}\n\n\n\nmodel N {}";
    expect(format(text)).toBe("model M {\n  dense(1)\n\n  dense(2)\n  dense(3)\n}\n\nmodel N {}\n");
  });

  it("puts a call and the section after it on their own lines, without separators", () => {
    const text = "experiment e {\n data {\n tokenize(vocab: 10); split { train: 0.8 }, augment { flip(horizontal) } } }";
    const formatted = format(text);
    expect(formatted).toBe(
      "experiment e {\n  data {\n    tokenize(vocab: 10)\n    split { train: 0.8 }\n" +
        "    augment { flip(horizontal) }\n  }\n}\n",
    );
    expect(shapeOfTree(formatted)).toBe(shapeOfTree(text));
    // On one line the `, ` between them keeps them two members too.
    const oneLine = "experiment e { data { tokenize(vocab: 10); split { train: 0.8 } } }";
    expect(format(oneLine)).toBe("experiment e { data { tokenize(vocab: 10), split { train: 0.8 } } }\n");
    expect(shapeOfTree(format(oneLine))).toBe(shapeOfTree(oneLine));
  });

  it("re-emits numbers and strings exactly as written", () => {
    const text = 'experiment e {\n a: [1E+3, .5, 2.50, 1e-4] b: "tab\\tquote\\"\\u{1F600}" }';
    expect(format(text)).toBe('experiment e {\n  a: [1E+3, .5, 2.50, 1e-4]\n  b: "tab\\tquote\\"\\u{1F600}"\n}\n');
  });

  it("writes `\\n` line ends, no trailing whitespace and exactly one final newline", () => {
    expect(format("model M {   \r\n  dense(1)   // units   \r\n}\r\n\r\n\r\n")).toBe(
      "model M {\n  dense(1) // units\n}\n",
    );
    expect(format("model M {}")).toBe("model M {}\n");
  });

  it("formats an empty file to an empty file and a comment-only file to its comments", () => {
    expect(format("  \n\n")).toBe("");
    expect(format("\n\n// only a comment   \n\n\n/* and a block */\n")).toBe(
      "// only a comment\n\n/* and a block */\n",
    );
  });

  it("keeps a doc comment directly above its declaration", () => {
    const text = 'import "a.dlm"\n/// The net.\n\n\nmodel Net {}\nmodel Other {}';
    const formatted = format(text);
    expect(formatted).toBe('import "a.dlm"\n\n/// The net.\nmodel Net {}\n\nmodel Other {}\n');
    expect(shapeOfTree(formatted)).toBe(shapeOfTree(text));
  });

  it("refuses a file with syntax errors and returns the parse diagnostics", () => {
    const result = formatDlm("model M {\n  dense(10\n}\n", "broken.dlm");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.file === "broken.dlm" && d.code.startsWith("DLM1"))).toBe(true);
  });
});

describe("formatDlm over the samples and test cases", () => {
  it("has files to check", () => {
    expect(SOURCES.length).toBeGreaterThanOrEqual(10);
  });

  for (const { path, text } of SOURCES) {
    it(`${path}: idempotent, comments kept, tree unchanged`, () => {
      const once = format(text);
      expect(format(once)).toBe(once);
      expect(commentTexts(once)).toEqual(commentTexts(text));
      expect(shapeOfTree(once)).toBe(shapeOfTree(text));
    });
  }
});

// Mutants: the elements (tokens and comments) of a sample with new gaps between them.

/** Source elements (parser tokens and comments) in order, as text with their kind. */
function elementsOf(text: string): { image: string; isLineComment: boolean }[] {
  const lexed = lexDlm(text);
  return [...lexed.tokens, ...lexed.comments]
    .sort((a, b) => a.startOffset - b.startOffset)
    .map((token) => ({ image: token.image, isLineComment: token.image.startsWith("//") }));
}

const SOURCE_ELEMENTS = SOURCES.map(({ text }) => elementsOf(text));

const GAPS = [" ", " ", "\n", "\n\n\n", "\t", "  \n    ", "\r\n"];
const COMMENTS = ["// inserted\n", "/* inserted */", "/// inserted doc\n", "\n\n/* two\n lines */\n"];
const SEPARATORS = [";", ",", " ; "];

/** A sample with new whitespace between its elements, comments inserted and maybe a `;` or `,`. */
const mutant = fc
  .record({
    source: fc.nat({ max: SOURCE_ELEMENTS.length - 1 }),
    gaps: fc.array(fc.constantFrom(...GAPS), { minLength: 1, maxLength: 40 }),
    comments: fc.array(fc.record({ at: fc.nat(), text: fc.constantFrom(...COMMENTS) }), { maxLength: 6 }),
    // One separator at most: most random places reject one, and two would reject most mutants.
    separator: fc.option(fc.record({ at: fc.nat(), text: fc.constantFrom(...SEPARATORS) })),
  })
  .map(({ source, gaps, comments, separator }) => {
    const elements = SOURCE_ELEMENTS[source]!;
    const extra = new Map<number, string>();
    for (const { at, text } of separator ? [...comments, separator] : comments) {
      const gap = at % (elements.length + 1);
      extra.set(gap, (extra.get(gap) ?? "") + text);
    }
    let text = extra.get(0) ?? "";
    elements.forEach((element, index) => {
      text += element.image;
      // A line comment runs to the end of the line: the next element must start below it.
      text += (element.isLineComment ? "\n" : "") + gaps[index % gaps.length]! + (extra.get(index + 1) ?? " ");
    });
    return text;
  });

describe("formatDlm over mutated files", () => {
  it("is idempotent, keeps every comment and keeps the tree for any valid mutant", () => {
    fc.assert(
      fc.property(mutant, (text) => {
        const parsed = parseDlm(text, "test.dlm");
        fc.pre(!hasErrors(parsed.diagnostics));
        const once = format(text);
        expect(format(once)).toBe(once);
        expect(commentTexts(once)).toEqual(commentTexts(text));
        expect(shapeOfTree(once)).toBe(withoutPositions(parsed.ast));
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatDlm on residual options", () => {
  it("attaches `(` to `residual` as to a callee, so a projection shortcut keeps `residual(shortcut: …)`", () => {
    const text = "model Net(input: [8, 8, 16]) {\n  residual(shortcut: { conv2d(32, 1) }) { conv2d(32, 3, padding: same) }\n}\n";
    expect(format(text)).toBe(text);
    expect(format(text.replace("residual(", "residual ("))).toBe(text);
  });
});
